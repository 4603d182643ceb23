package dev.gatehouse.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.deploy.DeployMode;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehavior;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A deploy under continuous load, end to end on real sockets: register, gate, cut over, drain, retire. */
final class DeployIT {

    private static final HealthConfig NO_SLOW_START = new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);

    /** What a backend saw: a request of a version starting or ending, by the nanosecond clock. */
    private record Event(String version, boolean start, long nanos) {
    }

    private static StubBehavior versioned(String version, List<Event> events) {
        return ex -> {
            events.add(new Event(version, true, System.nanoTime()));
            ex.eventLoop().schedule(() -> ex.discardBody(() -> ex.respond(HttpResponseStatus.OK, "text/plain", version)
                    .addListener(f -> events.add(new Event(version, false, System.nanoTime())))), 10, TimeUnit.MILLISECONDS);
        };
    }

    private static DeployPlan plan(DeployMode mode, int backends) {
        return new DeployPlan("web", "v1", "v2", mode, backends, backends, 0, Duration.ofSeconds(10),
                Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    private static List<HostPort> addresses(StubBackend... backends) {
        return java.util.Arrays.stream(backends).map(b -> HostPort.parse(b.address())).toList();
    }

    @Test
    void strictDeployUnderLoad_failsNothing_andTheVersionsNeverOverlap() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        try (StubBackend a1 = StubBackend.start("a1", versioned("v1", events));
             StubBackend a2 = StubBackend.start("a2", versioned("v1", events));
             StubBackend b1 = StubBackend.start("b1", versioned("v2", events));
             StubBackend b2 = StubBackend.start("b2", versioned("v2", events));
             TestNode node = TestNode.builder().backend(a1.address()).backend(a2.address()).health("web", NO_SLOW_START)
                     .accessLog(false).start();
             ContinuousLoad load = ContinuousLoad.start(node.port(), 6, "/")) {
            load.awaitCompleted(100, Duration.ofSeconds(20));
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime);
            List<DeployPhase> phases = new ArrayList<>();
            long start = System.nanoTime();

            DeployPhase end = deployer.run("test", plan(DeployMode.STRICT, 2), addresses(b1, b2), phases::add);

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            long afterDeploy = load.completed();
            load.awaitCompleted(afterDeploy + 100, Duration.ofSeconds(20));
            assertThat(load.stop()).isEmpty();
            assertThat(end).isEqualTo(new DeployPhase.Done(1, false));
            assertThat(phases).anyMatch(p -> p instanceof DeployPhase.Holding);
            assertThat(took).isLessThan(Duration.ofSeconds(5));
            long firstNewStart = events.stream().filter(e -> e.version().equals("v2") && e.start())
                    .mapToLong(Event::nanos).min().orElseThrow();
            assertThat(events.stream().filter(e -> e.version().equals("v1")))
                    .allSatisfy(e -> assertThat(e.nanos()).isLessThanOrEqualTo(firstNewStart));
            PoolSnapshot web = node.server().snapshots().current().pool("web");
            assertThat(web.liveVersion()).isEqualTo("v2");
            assertThat(web.members()).extracting(m -> m.backend().version()).containsOnly("v2");
        }
    }

    @Test
    void fastDeployUnderLoad_failsNothing_andEndsAllNew() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        try (StubBackend a1 = StubBackend.start("a1", versioned("v1", events));
             StubBackend b1 = StubBackend.start("b1", versioned("v2", events));
             TestNode node = TestNode.builder().backend(a1.address()).health("web", NO_SLOW_START).accessLog(false).start();
             ContinuousLoad load = ContinuousLoad.start(node.port(), 4, "/")) {
            load.awaitCompleted(50, Duration.ofSeconds(20));
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime);

            DeployPhase end = deployer.run("test", plan(DeployMode.FAST, 1), addresses(b1), p -> { });
            long ended = System.nanoTime();

            long after = load.completed();
            load.awaitCompleted(after + 50, Duration.ofSeconds(20));
            assertThat(load.stop()).isEmpty();
            assertThat(end).isInstanceOf(DeployPhase.Done.class);
            assertThat(load.sentAfter(ended))
                    .extracting(ContinuousLoad.Sample::backend).containsOnly("b1");
        }
    }

    @Test
    void newVersionThatNeverComesUp_abortsAtTheGate_withTheOldVersionServingUntouched() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (StubBackend a1 = StubBackend.start("a1", versioned("v1", events));
             TestNode node = TestNode.builder().backend(a1.address()).health("web", NO_SLOW_START).accessLog(false).start();
             ContinuousLoad load = ContinuousLoad.start(node.port(), 2, "/")) {
            load.awaitCompleted(20, Duration.ofSeconds(20));
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime);
            DeployPlan quick = new DeployPlan("web", "v1", "v2", DeployMode.STRICT, 1, 1, 0, Duration.ofMillis(500),
                    Duration.ofSeconds(5), Duration.ofSeconds(10));

            DeployPhase end = deployer.run("test", quick, List.of(new HostPort("127.0.0.1", closed)), p -> { });

            assertThat(end).isInstanceOfSatisfying(DeployPhase.Aborted.class, a -> {
                assertThat(a.oldStillLive()).isTrue();
                assertThat(a.reason()).contains("readiness gate timed out");
            });
            long after = load.completed();
            load.awaitCompleted(after + 20, Duration.ofSeconds(20));
            assertThat(load.stop()).isEmpty();
            PoolSnapshot web = node.server().snapshots().current().pool("web");
            assertThat(web.liveVersion()).isEqualTo("v1");
            assertThat(web.epoch()).isZero();
            assertThat(web.members()).hasSize(1);
            assertThat(events).noneMatch(e -> e.version().equals("v2"));
        }
    }

    @Test
    void interruptDuringAStrictHold_releasesTheHeldRequestsToTheOldVersion_andStopsWhereItStands() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        StubBehavior slow = ex -> ex.eventLoop().schedule(() -> ex.discardBody(
                () -> ex.respond(HttpResponseStatus.OK, "text/plain", "v1")), 1500, TimeUnit.MILLISECONDS);
        try (StubBackend a1 = StubBackend.start("a1", slow);
             StubBackend b1 = StubBackend.start("b1", versioned("v2", events));
             TestNode node = TestNode.builder().backend(a1.address()).health("web", NO_SLOW_START).accessLog(false).start()) {
            CompletableFuture<RawHttpResponse> busy = get(node.port());
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a1.requestsStarted() == 1);
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime);
            DeployPlan plan = new DeployPlan("web", "v1", "v2", DeployMode.STRICT, 1, 1, 0, Duration.ofSeconds(10),
                    Duration.ofSeconds(30), Duration.ofSeconds(10));
            List<DeployPhase> phases = new CopyOnWriteArrayList<>();
            CompletableFuture<DeployPhase> end = new CompletableFuture<>();
            Thread thread = Thread.ofPlatform().name("test-deploy").start(() -> {
                try {
                    end.complete(deployer.run("test", plan, addresses(b1), phases::add));
                } catch (Throwable t) {
                    end.completeExceptionally(t);
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> phases.stream().anyMatch(p -> p instanceof DeployPhase.Holding));
            CompletableFuture<RawHttpResponse> held = get(node.port());
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> node.server().snapshots().current().pool("web").admission().queueLength() == 1);

            thread.interrupt();

            assertThat(end.get(1, TimeUnit.SECONDS)).isInstanceOfSatisfying(DeployPhase.Aborted.class, a -> {
                assertThat(a.reason()).startsWith("interrupted (the node is stopping)");
                assertThat(a.oldStillLive()).isTrue();
            });
            assertThat(held.get(10, TimeUnit.SECONDS).header(StubBackend.BACKEND_HEADER)).isEqualTo("a1");
            assertThat(busy.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            PoolSnapshot web = node.server().snapshots().current().pool("web");
            assertThat(web.liveVersion()).isEqualTo("v1");
            assertThat(web.epoch()).isZero();
            // Left where it stood: the new version stays registered, idle.
            assertThat(web.members()).extracting(m -> m.backend().version()).containsExactly("v1", "v2");
            assertThat(events).isEmpty();
        }
    }

    /** A request on a thread of its own (the common pool may have a single thread). */
    private static CompletableFuture<RawHttpResponse> get(int port) {
        CompletableFuture<RawHttpResponse> r = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                r.complete(RawHttpResponse.get(port, "/"));
            } catch (Throwable t) {
                r.completeExceptionally(t);
            }
        });
        return r;
    }

    @Test
    void warmup_requestsReachTheNewVersionBeforeAnyClientRequest() throws Exception {
        try (StubBackend a1 = StubBackend.start("a1"); StubBackend b1 = StubBackend.start("b1");
             TestNode node = TestNode.builder().backend(a1.address()).health("web", NO_SLOW_START).accessLog(false).start();
             ContinuousLoad load = ContinuousLoad.start(node.port(), 2, "/")) {
            load.awaitCompleted(20, Duration.ofSeconds(20));
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime);
            DeployPlan warm = new DeployPlan("web", "v1", "v2", DeployMode.FAST, 1, 1, 5, Duration.ofSeconds(10),
                    Duration.ofSeconds(5), Duration.ofSeconds(10));
            List<DeployPhase> phases = new ArrayList<>();

            DeployPhase end = deployer.run("test", warm, addresses(b1), phases::add);

            long after = load.completed();
            load.awaitCompleted(after + 20, Duration.ofSeconds(20));
            assertThat(load.stop()).isEmpty();
            assertThat(end).isInstanceOf(DeployPhase.Done.class);
            assertThat(phases).anyMatch(p -> p instanceof DeployPhase.Warming);
            var received = b1.requests();
            assertThat(received.subList(0, 5)).allMatch(r -> "gatehouse-warmup".equals(r.header("User-Agent")));
            assertThat(received.size()).isGreaterThan(5);
        }
    }
}
