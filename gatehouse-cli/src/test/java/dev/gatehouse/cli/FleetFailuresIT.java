package dev.gatehouse.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.EtcdCluster;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of node processes on a 3-member etcd cluster when things go wrong: the coordinator of a
 * cutover killed mid-fence, the etcd leader killed mid-fence, two deploys through two nodes at
 * once, quorum lost, and a value in etcd that is not a Gatehouse state. Each time no node serves
 * the old version after the first new-version answer, and the fleet ends in one state.
 */
final class FleetFailuresIT {

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

    /** Three nodes of {@code fleet} on {@code cluster}, each current, with a load of 3 clients. */
    private record Fleet(List<NodeProcess> nodes, List<ContinuousLoad> loads) implements AutoCloseable {
        @Override
        public void close() {
            loads.forEach(ContinuousLoad::close);
            nodes.forEach(NodeProcess::close);
        }
    }

    private Fleet start(EtcdCluster cluster, String fleet, List<StubBackend> v1, StubBackend assets, boolean load)
            throws Exception {
        List<NodeProcess> nodes = new ArrayList<>();
        List<ContinuousLoad> loads = new ArrayList<>();
        Fleet f = new Fleet(nodes, loads);
        try {
            for (String n : List.of("n1", "n2", "n3")) {
                nodes.add(NodeProcess.start(dir, List.of(), "run", "--config",
                        FleetRig.config(dir, fleet, n, cluster.endpoints(), v1, assets).toString()));
            }
            for (NodeProcess n : nodes) {
                n.awaitPort();
                await().atMost(WAIT).until(() -> FleetRig.healthy(n));
            }
            if (load) {
                for (NodeProcess n : nodes) {
                    loads.add(ContinuousLoad.start(n.awaitPort(), 3, "/x", "/delay/20"));
                }
                for (ContinuousLoad l : loads) {
                    l.awaitCompleted(50, WAIT);
                }
            }
            return f;
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
    }

    /** Sends {@code path} through {@code node} and returns once one of {@code backends} has it in hand. */
    private static CompletableFuture<RawHttpResponse> longRequest(NodeProcess node, String path, List<StubBackend> backends) {
        CompletableFuture<RawHttpResponse> answer = CompletableFuture.supplyAsync(() -> RawHttpResponse.get(node.awaitPort(), path));
        await().atMost(WAIT).until(() -> backends.stream().anyMatch(b -> b.requests().stream().anyMatch(r -> r.path().equals(path))));
        return answer;
    }

    private static String backendOf(NodeProcess node) {
        return String.valueOf(RawHttpResponse.get(node.awaitPort(), "/x").header(StubBackend.BACKEND_HEADER));
    }

    @Test
    void theCoordinatorKilledMidFence_isReplacedByANodeThatCompletesOrRollsBackTheCutover() throws Exception {
        List<StubBackend> v1 = List.of(StubBackend.start("v1-a"), StubBackend.start("v1-b"));
        List<StubBackend> v2 = List.of(StubBackend.start("v2-a"), StubBackend.start("v2-b"));
        try (FleetRig.CutoverClock clock = new FleetRig.CutoverClock(etcd.endpoints(), "orphan");
             Fleet fleet = start(etcd, "orphan", v1, null, false)) {
            NodeProcess coordinator = fleet.nodes().get(0);
            List<ContinuousLoad> loads = List.of(ContinuousLoad.start(fleet.nodes().get(1).awaitPort(), 3, "/x"),
                    ContinuousLoad.start(fleet.nodes().get(2).awaitPort(), 3, "/x"));
            try {
                loads.forEach(l -> await().atMost(WAIT).until(() -> l.completed() >= 50));
                // A long request of v1 on n2 keeps the fence from completing at once.
                CompletableFuture<RawHttpResponse> slow = longRequest(fleet.nodes().get(1), "/delay/3000", v1);
                HttpResponse<String> started = FleetRig.deploy(coordinator.awaitAdminPort(), "v2", v2, "2s");
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                await().atMost(WAIT).until(() -> clock.firstSeen.containsKey("fencing"));
                coordinator.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);

                await().atMost(WAIT).until(clock::ended);
                JsonNode end = clock.last;
                System.out.println("coordinator killed mid-fence: " + end);
                assertThat(end.path("detail").asText()).containsAnyOf("completed by n2", "completed by n3",
                        "rolled back by n2", "rolled back by n3");
                assertThat(slow.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
                String live = end.path("phase").asText().equals("released") ? "v2" : "v1";
                for (NodeProcess n : fleet.nodes().subList(1, 3)) {
                    await().atMost(WAIT).until(() -> backendOf(n).startsWith(live));
                }
                FleetRig.awaitMoreThenCheck(loads, 50, WAIT, true);
            } finally {
                loads.forEach(ContinuousLoad::close);
            }
        } finally {
            v1.forEach(StubBackend::close);
            v2.forEach(StubBackend::close);
        }
    }

    @Test
    void aNodeKilledMidFenceBeforeItAcknowledged_isReleasedWithoutAfterTheStaleBound_andTheOthersFailNothing()
            throws Exception {
        List<StubBackend> v1 = List.of(StubBackend.start("v1-a"), StubBackend.start("v1-b"));
        List<StubBackend> v2 = List.of(StubBackend.start("v2-a"), StubBackend.start("v2-b"));
        try (FleetRig.CutoverClock clock = new FleetRig.CutoverClock(etcd.endpoints(), "killed");
             Fleet fleet = start(etcd, "killed", v1, null, false)) {
            NodeProcess victim = fleet.nodes().get(2);
            List<ContinuousLoad> loads = List.of(ContinuousLoad.start(fleet.nodes().get(0).awaitPort(), 3, "/x"),
                    ContinuousLoad.start(fleet.nodes().get(1).awaitPort(), 3, "/x"));
            try {
                loads.forEach(l -> await().atMost(WAIT).until(() -> l.completed() >= 50));
                // A long request of v1 on n3 keeps it from acknowledging before it dies.
                longRequest(victim, "/delay/5000", v1);
                HttpResponse<String> started = FleetRig.deploy(fleet.nodes().get(0).awaitAdminPort(), "v2", v2, "8s");
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                await().atMost(WAIT).until(() -> clock.firstSeen.containsKey("fencing"));
                victim.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);

                await().atMost(WAIT).until(clock::ended);
                long took = clock.at("released") - clock.at("fencing");
                System.out.println("a node killed mid-fence: released " + took / 1_000_000 + " ms after the commit: "
                        + clock.last.path("detail").asText());
                assertThat(clock.last.path("detail").asText()).contains("without n3");
                FleetRig.awaitMoreThenCheck(loads, 50, WAIT, true);
                assertThat(FleetRig.firstAnswerOf(loads, "v2")).as("v2 served").isPositive();
            } finally {
                loads.forEach(ContinuousLoad::close);
            }
        } finally {
            v1.forEach(StubBackend::close);
            v2.forEach(StubBackend::close);
        }
    }

    @Test
    void theEtcdLeaderKilledMidFence_theCutoverStillEnds_andNoOldVersionIsServedAfterTheNew() throws Exception {
        List<StubBackend> v1 = List.of(StubBackend.start("v1-a"), StubBackend.start("v1-b"));
        List<StubBackend> v2 = List.of(StubBackend.start("v2-a"), StubBackend.start("v2-b"));
        try (EtcdCluster own = EtcdCluster.start(3);
             FleetRig.CutoverClock clock = new FleetRig.CutoverClock(own.endpoints(), "leader");
             Fleet fleet = start(own, "leader", v1, null, true)) {
            // Slow enough requests that the fence is still held when the leader dies.
            List<ContinuousLoad> slow = fleet.nodes().stream().map(n -> ContinuousLoad.start(n.awaitPort(), 1, "/delay/300")).toList();
            try {
                slow.forEach(l -> await().atMost(WAIT).until(() -> l.completed() >= 1));
                HttpResponse<String> started = FleetRig.deploy(fleet.nodes().get(0).awaitAdminPort(), "v2", v2, "8s");
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                await().atMost(WAIT).until(() -> clock.firstSeen.containsKey("fencing"));
                int leader = own.leader();
                assertThat(leader).isNotNegative();
                own.kill(leader);

                await().atMost(WAIT).until(() -> {
                    String phase = FleetRig.deployStatus(fleet.nodes().get(0).awaitAdminPort()).path("phase").asText();
                    return phase.equals("done") || phase.equals("aborted");
                });
                List<ContinuousLoad> all = new ArrayList<>(fleet.loads());
                all.addAll(slow);
                for (ContinuousLoad l : all) {
                    // Not awaitCompleted, which stops at a failure: a node may be stale during the election.
                    long target = l.completed() + 10;
                    await().atMost(WAIT).until(() -> l.completed() >= target);
                }
                all.forEach(ContinuousLoad::stop);
                long first = FleetRig.firstAnswerOf(all, "v2");
                System.out.println("etcd leader killed mid-fence: the deploy ended "
                        + FleetRig.deployStatus(fleet.nodes().get(0).awaitAdminPort()).path("phase").asText()
                        + "; failures " + all.stream().mapToLong(l -> l.failures().size()).sum());
                if (first > 0) {
                    assertThat(FleetRig.answersSentAfter(all, "v1", first)).isEmpty();
                }
                // A failure, if any, is a node that went stale during the election: a 503, not a broken connection.
                assertThat(all.stream().flatMap(l -> l.failures().stream())).allSatisfy(f -> assertThat(f).contains("503"));
            } finally {
                slow.forEach(ContinuousLoad::close);
            }
        } finally {
            v1.forEach(StubBackend::close);
            v2.forEach(StubBackend::close);
        }
    }

    @Test
    void twoDeploysThroughTwoNodesAtOnce_oneRuns_theOtherIsRefusedWithWhy_andTheFleetEndsOnOneVersion() throws Exception {
        List<StubBackend> v1 = List.of(StubBackend.start("v1-a"));
        List<StubBackend> v2 = List.of(StubBackend.start("v2-a"));
        List<StubBackend> v3 = List.of(StubBackend.start("v3-a"));
        try (Fleet fleet = start(etcd, "twice", v1, null, false)) {
            int admin1 = fleet.nodes().get(0).awaitAdminPort();
            int admin2 = fleet.nodes().get(1).awaitAdminPort();
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> send(admin1, "v2", v2));
            CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() -> send(admin2, "v3", v3));
            List<String> outcomes = new ArrayList<>();
            List<String> done = new ArrayList<>();
            for (var pair : List.of(new Object[] {first.get(), admin1, "v2"}, new Object[] {second.get(), admin2, "v3"})) {
                @SuppressWarnings("unchecked")
                HttpResponse<String> r = (HttpResponse<String>) pair[0];
                int admin = (int) pair[1];
                if (r.statusCode() == 409) {
                    outcomes.add("refused: " + r.body());
                    continue;
                }
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                await().atMost(WAIT).until(() -> !FleetRig.deployStatus(admin).path("phase").asText().matches("gating|warming|holding|draining"));
                JsonNode s = FleetRig.deployStatus(admin);
                outcomes.add(s.path("phase").asText() + ": " + s.path("reason").asText());
                if (s.path("phase").asText().equals("done")) {
                    done.add((String) pair[2]);
                }
            }
            System.out.println("two deploys at once: " + outcomes);
            assertThat(done).hasSize(1);
            assertThat(outcomes).anyMatch(o -> o.contains("one deploy per pool across the fleet")
                    || o.contains("one cutover at a time"));
            String live = done.get(0);
            for (NodeProcess n : fleet.nodes()) {
                await().atMost(WAIT).until(() -> backendOf(n).startsWith(live));
            }
        } finally {
            v1.forEach(StubBackend::close);
            v2.forEach(StubBackend::close);
            v3.forEach(StubBackend::close);
        }
    }

    private static HttpResponse<String> send(int admin, String version, List<StubBackend> backends) {
        try {
            return FleetRig.deploy(admin, version, backends, "5s");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aNewVersionThatOneNodeFindsUnhealthy_failsTheGate_andTheOldVersionServesEverywhere() throws Exception {
        List<StubBackend> v1 = List.of(StubBackend.start("v1-a"));
        // v2 accepts connections (ready for a node without checks) but answers 503 to everything.
        List<StubBackend> v2 = List.of(StubBackend.start("v2-a", dev.gatehouse.testing.StubBehaviors.text(503, "not ready\n")));
        List<NodeProcess> nodes = new ArrayList<>();
        try {
            for (String n : List.of("n1", "n2", "n3")) {
                // Only n3 checks: from where it stands, v2 is not ready.
                String check = n.equals("n3") ? "health_check: { path: /x, interval: 200ms, timeout: 200ms }" : "";
                nodes.add(NodeProcess.start(dir, List.of(), "run", "--config",
                        FleetRig.config(dir, "prepare", n, etcd.endpoints(), v1, null, check).toString()));
            }
            for (NodeProcess n : nodes) {
                n.awaitPort();
                await().atMost(WAIT).until(() -> FleetRig.healthy(n));
            }
            int admin = nodes.get(0).awaitAdminPort();
            HttpResponse<String> started;
            try (Client client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build()) {
                started = FleetRig.deployWithGate(admin, "v2", v2, "5s");
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                // Each other node reports what it sees: n2 finds v2 ready, n3 does not.
                ByteSequence ready = ByteSequence.from("/gatehouse/fleets/prepare/ready/web/v2/", UTF_8);
                await().atMost(WAIT).untilAsserted(() -> {
                    java.util.Map<String, String> seen = new java.util.TreeMap<>();
                    client.getKVClient().get(ready, io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build())
                            .get(10, TimeUnit.SECONDS).getKvs()
                            .forEach(kv -> seen.put(kv.getKey().toString(UTF_8).substring(ready.size()), kv.getValue().toString(UTF_8)));
                    assertThat(seen).containsEntry("n2", "1").containsEntry("n3", "0");
                });
            }
            await().atMost(WAIT).until(() -> FleetRig.deployStatus(admin).path("phase").asText().equals("aborted"));
            assertThat(FleetRig.deployStatus(admin).path("reason").asText()).contains("readiness gate timed out");
            for (NodeProcess n : nodes) {
                assertThat(backendOf(n)).isEqualTo("v1-a");
            }
        } finally {
            nodes.forEach(NodeProcess::close);
            v1.forEach(StubBackend::close);
            v2.forEach(StubBackend::close);
        }
    }

    @Test
    void quorumLost_strictPoolsAnswer503_poolsServedWhenStaleKeepServing_andBothRecover() throws Exception {
        List<StubBackend> v1 = List.of(StubBackend.start("v1-a"));
        try (StubBackend assets = StubBackend.start("assets");
             EtcdCluster own = EtcdCluster.start(3);
             Fleet fleet = start(own, "quorum", v1, assets, false)) {
            NodeProcess n1 = fleet.nodes().get(0);
            assertThat(RawHttpResponse.get(n1.awaitPort(), "/x").status()).isEqualTo(200);
            own.kill(1);
            own.kill(2);
            for (NodeProcess n : fleet.nodes()) {
                await().atMost(WAIT).until(() -> RawHttpResponse.get(n.awaitPort(), "/x").status() == 503);
                assertThat(RawHttpResponse.get(n.awaitPort(), "/assets/logo.png").status()).as("served when stale").isEqualTo(200);
                assertThat(FleetRig.healthy(n)).isFalse();
            }
            own.restart(1);
            own.restart(2);
            for (NodeProcess n : fleet.nodes()) {
                await().atMost(WAIT).until(() -> FleetRig.healthy(n));
                assertThat(RawHttpResponse.get(n.awaitPort(), "/x").status()).isEqualTo(200);
            }
        } finally {
            v1.forEach(StubBackend::close);
        }
    }

    @Test
    void aValueInEtcdThatIsNotAGatehouseState_isRefusedByEveryNode_whichGoesStaleWithWhy_untilAValidStateIsBack()
            throws Exception {
        List<StubBackend> v1 = List.of(StubBackend.start("v1-a"), StubBackend.start("v1-b"));
        try (Fleet fleet = start(etcd, "corrupt", v1, null, false);
             Client client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build()) {
            NodeProcess n1 = fleet.nodes().get(0);
            // A change makes the state key exist.
            assertThat(new InProcessCli().run("backend", "drain", "--admin", "http://127.0.0.1:" + n1.awaitAdminPort(),
                    "--pool", "web", "--address", v1.get(1).address())).isZero();
            ByteSequence key = ByteSequence.from("/gatehouse/fleets/corrupt/state", UTF_8);
            ByteSequence valid = client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue();

            for (String bad : List.of("{\"schema\": \"someone.else/9\", \"state\": {}}", "not json at all")) {
                client.getKVClient().put(key, ByteSequence.from(bad, UTF_8)).get(10, TimeUnit.SECONDS);
                for (NodeProcess n : fleet.nodes()) {
                    await().atMost(WAIT).until(() -> !FleetRig.healthy(n));
                    assertThat(RawHttpResponse.get(n.awaitPort(), "/x").status()).isEqualTo(503);
                    await().atMost(WAIT).untilAsserted(() -> assertThat(n.stderr()).contains("is not a valid Gatehouse state"));
                }
                client.getKVClient().put(key, valid).get(10, TimeUnit.SECONDS);
                for (NodeProcess n : fleet.nodes()) {
                    await().atMost(WAIT).until(() -> FleetRig.healthy(n));
                    // The state before the bad value, whole: v1-b drained.
                    assertThat(backendOf(n)).isEqualTo("v1-a");
                    assertThat(n.process().isAlive()).isTrue();
                }
            }
            assertThat(n1.stderr()).contains("schema \"someone.else/9\"").contains("not JSON");
        } finally {
            v1.forEach(StubBackend::close);
        }
    }
}
