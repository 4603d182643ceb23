package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.EtcdCluster;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.TcpGate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet-wide strict cutovers with real processes: a 3-member etcd cluster on loopback, three
 * node processes, clients on every node, a strict deploy through one of them. Every request is
 * kept with when it was sent and answered (one clock: the clients all run here) and which version
 * answered it, so the merged log shows whether any old-version answer went to a request sent after
 * the first new-version answer anywhere. The cutover's commit and end are timed by watching the
 * fleet's state key in etcd.
 */
final class FleetCutoverIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static EtcdCluster etcd;

    @TempDir
    Path dir;


    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(3);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private static long firstNewOn(ContinuousLoad load) {
        return FleetRig.firstAnswerOf(List.of(load), "v2");
    }

    @Test
    void aStrictCutoverUnderLoadOnThreeNodes_failsNothing_servesNoOldVersionAfterTheFirstNew_andSwitchesEveryNode()
            throws Exception {
        List<StubBackend> v1 = List.of(StubBackend.start("v1-a"), StubBackend.start("v1-b"));
        List<StubBackend> v2 = List.of(StubBackend.start("v2-a"), StubBackend.start("v2-b"));
        List<NodeProcess> nodes = new ArrayList<>();
        List<ContinuousLoad> loads = new ArrayList<>();
        try (FleetRig.CutoverClock clock = new FleetRig.CutoverClock(etcd.endpoints(), "three")) {
            for (String n : List.of("n1", "n2", "n3")) {
                // stale_after 3 s, not 1.5: this case is about the cutover, and on two cores shared with
                // 3 etcd members and 12 clients a node once missed its confirmations for 1.5 s in a full
                // run and answered 503 as stale (by design); the partition case keeps the default.
                nodes.add(NodeProcess.start(dir, List.of(), "run", "--config",
                        FleetRig.withStaleAfter(FleetRig.config(dir, "three", n, etcd.endpoints(), v1, null), "3s").toString()));
            }
            for (NodeProcess n : nodes) {
                await().atMost(WAIT).until(() -> FleetRig.healthy(n));
                // Requests of 5 and 20 ms: always some in flight to drain, and about 900 requests/s
                // at most in all, the load of a busy site rather than a loop that keeps both cores at 100 %.
                loads.add(ContinuousLoad.start(n.awaitPort(), 4, "/delay/5", "/delay/20"));
            }
            int admin = nodes.get(0).awaitAdminPort();
            for (ContinuousLoad l : loads) {
                l.awaitCompleted(100, WAIT);
            }

            FleetRig.EpochWatch epochs = new FleetRig.EpochWatch(nodes.stream().map(NodeProcess::awaitAdminPort).toList(), 1);
            java.net.http.HttpResponse<String> started = FleetRig.deploy(admin, "v2", v2, "5s");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            await().atMost(WAIT).until(() -> FleetRig.deployStatus(admin).path("phase").asText().equals("done"));
            await().atMost(WAIT).until(() -> epochs.firstAt.size() == nodes.size());
            epochs.close();
            long lastEpoch = java.util.stream.IntStream.range(0, nodes.size()).mapToLong(epochs::at).max().orElseThrow();
            for (ContinuousLoad l : loads) {
                l.awaitCompleted(l.completed() + 100, WAIT);
            }
            List<List<String>> failures = loads.stream().map(ContinuousLoad::stop).toList();

            long commit = clock.at("fencing");
            long released = clock.at("released");
            long first = FleetRig.firstAnswerOf(loads, "v2");
            List<Long> perNode = loads.stream().map(FleetCutoverIT::firstNewOn).toList();
            long lastNode = perNode.stream().mapToLong(Long::longValue).max().orElseThrow();
            System.out.printf("fleet cutover on 3 nodes: commit -> release %d ms; commit -> every node on the new epoch %d ms; "
                            + "commit -> first new answer %d ms; commit -> every node answering v2 %d ms; requests %d%n",
                    (released - commit) / 1_000_000, (lastEpoch - commit) / 1_000_000, (first - commit) / 1_000_000,
                    (lastNode - commit) / 1_000_000, loads.stream().mapToLong(ContinuousLoad::completed).sum());

            for (NodeProcess n : nodes) {
                n.stderr().lines().filter(l -> l.contains("fleet cutover") || l.contains("deploy of")).forEach(System.out::println);
            }
            assertThat(failures).allSatisfy(f -> assertThat(f).isEmpty());
            assertThat(FleetRig.answersSentAfter(loads, "v1", first)).as("old-version answers to requests sent after the first new one").isEmpty();
            // The times are measured and printed, not asserted (a busy machine stretches them); the
            // issue's 500 ms is checked against the printed figures over several runs.
            for (NodeProcess n : nodes) {
                assertThat(n.stderr()).contains("fence in force").contains("acknowledged");
            }
        } finally {
            // What the nodes said, for a failure's diagnosis.
            for (NodeProcess n : nodes) {
                // Every warning too (a 503's cause: a fence, a hold, a refused state), at most 30 per node.
                n.stderr().lines().filter(l -> l.contains("STALE") || l.contains("current again") || l.contains(" WARN ")
                        || l.contains(" ERROR ")).limit(30).forEach(System.out::println);
                try {
                    n.stdout().lines().filter(l -> l.contains("\"status\":503") || l.contains("\"status\": 503")).limit(3)
                            .forEach(System.out::println);
                } catch (java.io.IOException e) {
                    System.out.println(e);
                }
            }
            loads.stream().flatMap(l -> l.samples().stream()).filter(x -> x.status() != 200).limit(3)
                    .forEach(x -> System.out.println("answered " + x.status() + ": " + x.bodyStart()));
            loads.forEach(ContinuousLoad::close);
            nodes.forEach(NodeProcess::close);
            v1.forEach(StubBackend::close);
            v2.forEach(StubBackend::close);
        }
    }

    @Test
    void aNodeCutOffFromEtcdDuringTheCutover_goesStaleAndAnswers503_whileTheOthersCompleteItWithoutErrors() throws Exception {
        List<StubBackend> v1 = List.of(StubBackend.start("v1-a"), StubBackend.start("v1-b"));
        List<StubBackend> v2 = List.of(StubBackend.start("v2-a"), StubBackend.start("v2-b"));
        List<TcpGate> gates = etcd.endpoints().stream().map(TcpGate::toEndpoint).toList();
        List<NodeProcess> nodes = new ArrayList<>();
        List<ContinuousLoad> loads = new ArrayList<>();
        try (FleetRig.CutoverClock clock = new FleetRig.CutoverClock(etcd.endpoints(), "cut")) {
            nodes.add(NodeProcess.start(dir, List.of(), "run", "--config", FleetRig.config(dir, "cut", "n1", etcd.endpoints(), v1, null).toString()));
            nodes.add(NodeProcess.start(dir, List.of(), "run", "--config", FleetRig.config(dir, "cut", "n2", etcd.endpoints(), v1, null).toString()));
            nodes.add(NodeProcess.start(dir, List.of(), "run", "--config",
                    FleetRig.config(dir, "cut", "n3", gates.stream().map(TcpGate::endpoint).toList(), v1, null).toString()));
            for (NodeProcess n : nodes) {
                await().atMost(WAIT).until(() -> FleetRig.healthy(n));
                loads.add(ContinuousLoad.start(n.awaitPort(), 4, "/x", "/delay/20"));
            }
            int admin = nodes.get(0).awaitAdminPort();
            for (ContinuousLoad l : loads) {
                l.awaitCompleted(100, WAIT);
            }

            gates.forEach(TcpGate::blackhole);
            java.net.http.HttpResponse<String> started = FleetRig.deploy(admin, "v2", v2, "5s");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            await().atMost(WAIT).until(() -> FleetRig.deployStatus(admin).path("phase").asText().equals("done"));
            for (ContinuousLoad l : loads.subList(0, 2)) {
                l.awaitCompleted(l.completed() + 100, WAIT);
            }
            ContinuousLoad cut = loads.get(2);
            await().atMost(WAIT).untilAsserted(() -> assertThat(cut.samples()).anyMatch(s -> s.status() == 503));

            long commit = clock.at("fencing");
            long released = clock.at("released");
            long first = FleetRig.firstAnswerOf(loads, "v2");
            System.out.printf("fleet cutover with a node cut off: commit -> release %d ms%n", (released - commit) / 1_000_000);
            // Printed, not asserted: at least the stale bound (1.6 s), and what a busy machine adds.
            assertThat(clock.last.path("detail").asText()).contains("released without n3");
            assertThat(loads.get(0).failures()).isEmpty();
            assertThat(loads.get(1).failures()).isEmpty();
            assertThat(cut.samples()).allSatisfy(s -> assertThat(s.status()).isIn(200, 503));
            assertThat(FleetRig.answersSentAfter(loads, "v1", first)).as("old-version answers to requests sent after the first new one").isEmpty();

            // Back in touch: the node catches up and serves the new version.
            gates.forEach(TcpGate::open);
            int portCut = nodes.get(2).awaitPort();
            await().atMost(WAIT).until(() -> {
                RawHttpResponse r = RawHttpResponse.get(portCut, "/x");
                return r.status() == 200 && String.valueOf(r.header(StubBackend.BACKEND_HEADER)).startsWith("v2");
            });
            loads.forEach(ContinuousLoad::stop);
            assertThat(FleetRig.answersSentAfter(loads, "v1", first)).isEmpty();
            assertThat(nodes.get(2).stderr()).contains("STALE");
        } finally {
            loads.forEach(ContinuousLoad::close);
            nodes.forEach(NodeProcess::close);
            gates.forEach(TcpGate::close);
            v1.forEach(StubBackend::close);
            v2.forEach(StubBackend::close);
        }
    }
}
