package dev.gatehouse.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.AdmissionConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.QueueConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.config.TunnelsConfig;
import dev.gatehouse.core.deploy.DeployMode;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.control.ControlPlane;
import dev.gatehouse.server.deploy.Deployer;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.WebSocketClose;
import dev.gatehouse.testing.WebSocketEchoBackend;
import dev.gatehouse.testing.WebSocketTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Open WebSockets across a change of the pool's live version, a drain and a deploy: a {@code close}
 * pool ends the old ones with 1012 after its grace (both ways), a {@code keep} pool leaves them, a
 * deploy waits for them, and a tunnel that holds its slot does not block a strict cutover.
 */
final class WebSocketCutoverIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final HealthConfig NO_SLOW_START = new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);

    private static TunnelsConfig tunnels(TunnelsConfig.OnCutover onCutover, boolean holdSlot) {
        return new TunnelsConfig(onCutover, GRACE, Duration.ofSeconds(2), Duration.ofHours(1), holdSlot);
    }

    private static TestNode node(TunnelsConfig tunnels, String... backends) throws Exception {
        TestNode.Builder b = TestNode.builder().health("web", NO_SLOW_START).tunnels("web", tunnels).accessLog(false);
        for (String a : backends) {
            b.backend(a);
        }
        return b.start();
    }

    private static void register(TestNode node, WebSocketEchoBackend backend, String version) throws Exception {
        ControlPlane control = node.server().control();
        control.change("test", "add " + backend.address(),
                s -> RuntimeChanges.add(s, control.config(), "web", HostPort.parse(backend.address()), 1, version));
    }

    private static List<WebSocketTestClient> open(TestNode node, int n, String greeting) {
        List<WebSocketTestClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WebSocketTestClient ws = WebSocketTestClient.connect(node.port(), "/ws/" + i);
            clients.add(ws);
            if (greeting != null) {
                assertThat(ws.awaitMessage(WAIT).text()).isEqualTo(greeting);
            }
        }
        return clients;
    }

    private static void closeAll(List<WebSocketTestClient> clients) {
        clients.forEach(WebSocketTestClient::close);
    }

    @Test
    void cutoverWithClose_endsEveryOldTunnelWith1012AfterTheGrace_andPlainRequestsDoNotFail() throws Exception {
        List<WebSocketTestClient> old = List.of();
        try (WebSocketEchoBackend v1 = WebSocketEchoBackend.start("v1");
             WebSocketEchoBackend v2 = WebSocketEchoBackend.start("v2");
             TestNode node = node(tunnels(TunnelsConfig.OnCutover.CLOSE, false), v1.address())) {
            register(node, v2, "v2");
            old = open(node, 5, "hello from v1");
            assertThat(node.server().tunnels().count("web", "v1")).isEqualTo(5);
            try (ContinuousLoad load = ContinuousLoad.start(node.port(), 2, "/plain")) {
                load.awaitCompleted(20, WAIT);

                long before = System.nanoTime();
                node.server().control().cutover("test", "web", "v2", true, Duration.ofSeconds(5));
                long published = System.nanoTime();

                List<WebSocketClose> closes = new ArrayList<>();
                long firstClosed = 0;
                for (WebSocketTestClient ws : old) {
                    closes.add(ws.awaitClose(GRACE.plusSeconds(3)));
                    if (firstClosed == 0) {
                        firstClosed = System.nanoTime();
                    }
                }
                long allClosed = System.nanoTime();

                assertThat(closes).allSatisfy(c -> {
                    assertThat(c.closeFrameReceived()).isTrue();
                    assertThat(c.code()).isEqualTo(1012);
                });
                assertThat(Duration.ofNanos(firstClosed - before)).as("not before the grace")
                        .isGreaterThanOrEqualTo(GRACE.minusMillis(50));
                assertThat(Duration.ofNanos(allClosed - published)).as("within grace + 1 s of the cutover")
                        .isLessThanOrEqualTo(GRACE.plusSeconds(1));
                await().atMost(WAIT).until(() -> v1.closeCodesReceived().size() == 5);
                assertThat(v1.closeCodesReceived()).containsOnly(1012);
                await().atMost(WAIT).until(() -> node.server().tunnels().count("web", "v1") == 0);

                try (WebSocketTestClient fresh = WebSocketTestClient.connect(node.port(), "/ws")) {
                    assertThat(fresh.awaitMessage(WAIT).text()).isEqualTo("hello from v2");
                    fresh.sendText("new version");
                    assertThat(fresh.awaitMessage(WAIT).text()).isEqualTo("new version");
                }
                long atEnd = load.completed();
                load.awaitCompleted(atEnd + 20, WAIT);
                assertThat(load.stop()).isEmpty();
                // Strict: nothing sent after the switch went to the old version.
                assertThat(load.sentAfter(published)).isNotEmpty()
                        .extracting(ContinuousLoad.Sample::backend).containsOnly("v2");
            }
        } finally {
            closeAll(old);
        }
    }

    @Test
    void cutoverWithClose_aClientThatDoesNotAnswerTheClose_isStillCutInBoundedTime() throws Exception {
        Duration closeTimeout = Duration.ofSeconds(2);
        try (WebSocketEchoBackend v1 = WebSocketEchoBackend.start("v1");
             WebSocketEchoBackend v2 = WebSocketEchoBackend.start("v2");
             TestNode node = node(tunnels(TunnelsConfig.OnCutover.CLOSE, false), v1.address());
             WebSocketTestClient mute = WebSocketTestClient.connect("ws://127.0.0.1:" + node.port() + "/ws",
                     WebSocketTestClient.options().replyToClose(false))) {
            register(node, v2, "v2");
            assertThat(mute.awaitMessage(WAIT).text()).isEqualTo("hello from v1");

            node.server().control().cutover("test", "web", "v2", true, Duration.ofSeconds(5));
            long published = System.nanoTime();
            WebSocketClose close = mute.awaitClose(WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - published);

            assertThat(close.code()).isEqualTo(1012);
            // The Close came after the grace; the connection ended when the backend, having answered,
            // closed its side, and at the latest when the close handshake timed out.
            assertThat(took).isGreaterThanOrEqualTo(GRACE.minusMillis(50))
                    .isLessThanOrEqualTo(GRACE.plus(closeTimeout).plusSeconds(1));
            assertThat(v1.closeCodesReceived()).containsExactly(1012);
            await().atMost(WAIT).until(() -> node.server().tunnels().size() == 0);
        }
    }

    @Test
    void cutoverWithKeep_leavesOldTunnelsOpenAndEchoing() throws Exception {
        List<WebSocketTestClient> old = List.of();
        try (WebSocketEchoBackend v1 = WebSocketEchoBackend.start("v1");
             WebSocketEchoBackend v2 = WebSocketEchoBackend.start("v2");
             TestNode node = node(tunnels(TunnelsConfig.OnCutover.KEEP, false), v1.address())) {
            register(node, v2, "v2");
            old = open(node, 5, "hello from v1");
            List<WebSocketTestClient> clients = old;

            node.server().control().cutover("test", "web", "v2", true, Duration.ofSeconds(5));

            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> clients.stream().allMatch(WebSocketTestClient::isOpen)
                            && node.server().tunnels().count("web", "v1") == 5);
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).sendText("still on v1 " + i);
                assertThat(clients.get(i).awaitMessage(WAIT).text()).isEqualTo("still on v1 " + i);
            }
            assertThat(v1.closeCodesReceived()).isEmpty();
            try (WebSocketTestClient fresh = WebSocketTestClient.connect(node.port(), "/ws")) {
                assertThat(fresh.awaitMessage(WAIT).text()).isEqualTo("hello from v2");
            }
        } finally {
            closeAll(old);
        }
    }

    @Test
    void drainWithClose_endsTheDrainedBackendsTunnelsAfterTheGrace_only() throws Exception {
        List<WebSocketTestClient> clients = new ArrayList<>();
        try (WebSocketEchoBackend a = WebSocketEchoBackend.start("a");
             WebSocketEchoBackend b = WebSocketEchoBackend.start("b");
             TestNode node = node(tunnels(TunnelsConfig.OnCutover.CLOSE, false), a.address(), b.address())) {
            clients.addAll(open(node, 4, null));
            List<WebSocketTestClient> onA = new ArrayList<>();
            List<WebSocketTestClient> onB = new ArrayList<>();
            for (WebSocketTestClient ws : clients) {
                (ws.awaitMessage(WAIT).text().equals("hello from a") ? onA : onB).add(ws);
            }
            assertThat(onA).as("round robin puts tunnels on both").isNotEmpty();
            assertThat(onB).isNotEmpty();
            HostPort drained = HostPort.parse(a.address());
            ControlPlane control = node.server().control();

            long before = System.nanoTime();
            control.change("test", "drain " + drained,
                    s -> RuntimeChanges.admin(s, control.config(), "web", drained, AdminState.DRAIN, null));
            long published = System.nanoTime();

            long firstClosed = 0;
            for (WebSocketTestClient ws : onA) {
                WebSocketClose c = ws.awaitClose(GRACE.plusSeconds(3));
                firstClosed = firstClosed == 0 ? System.nanoTime() : firstClosed;
                assertThat(c.code()).isEqualTo(1012);
            }
            assertThat(Duration.ofNanos(firstClosed - before)).isGreaterThanOrEqualTo(GRACE.minusMillis(50));
            assertThat(Duration.ofNanos(System.nanoTime() - published)).isLessThanOrEqualTo(GRACE.plusSeconds(1));
            await().atMost(WAIT).until(() -> node.server().tunnels().countByBackend(drained) == 0);
            assertThat(a.closeCodesReceived()).containsOnly(1012);
            // The other backend's tunnels are in service: untouched.
            assertThat(node.server().tunnels().countByBackend(HostPort.parse(b.address()))).isEqualTo(onB.size());
            for (WebSocketTestClient ws : onB) {
                ws.sendText("b stays");
                assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("b stays");
            }
            assertThat(b.closeCodesReceived()).isEmpty();
        } finally {
            closeAll(clients);
        }
    }

    @Test
    void deploy_waitsForTheOldVersionsTunnels_beforeItIsDone() throws Exception {
        try (WebSocketEchoBackend v1 = WebSocketEchoBackend.start("v1");
             WebSocketEchoBackend v2 = WebSocketEchoBackend.start("v2");
             TestNode node = node(tunnels(TunnelsConfig.OnCutover.CLOSE, false), v1.address());
             WebSocketTestClient ws = WebSocketTestClient.connect(node.port(), "/ws")) {
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
            CompletableFuture<WebSocketClose> closed = CompletableFuture.supplyAsync(() -> ws.awaitClose(Duration.ofSeconds(20)));
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime);
            deployer.openTunnels(node.server().tunnels());
            DeployPlan plan = new DeployPlan("web", "v1", "v2", DeployMode.STRICT, 1, 1, 0, Duration.ofSeconds(10),
                    Duration.ofSeconds(5), Duration.ofSeconds(10));
            List<DeployPhase> phases = new ArrayList<>();
            long[] doneAt = new long[1];
            long[] v1TunnelsAtDone = {-1};

            DeployPhase end = deployer.run("test", plan, List.of(HostPort.parse(v2.address())), p -> {
                phases.add(p);
                if (p instanceof DeployPhase.Done) {
                    doneAt[0] = System.nanoTime();
                    v1TunnelsAtDone[0] = node.server().tunnels().count("web", "v1");
                }
            });

            assertThat(end).isInstanceOf(DeployPhase.Done.class);
            assertThat(((DeployPhase.Done) end).drainForced()).isFalse();
            assertThat(phases).anyMatch(p -> p instanceof DeployPhase.Draining d && d.oldTunnels() == 1);
            assertThat(v1TunnelsAtDone[0]).isZero();
            assertThat(closed.get(5, TimeUnit.SECONDS).code()).isEqualTo(1012);
            // The client read the node's Close frame before the deploy was done (the node closes
            // the tunnel only after the client's reply to it). Taken on the client's event loop: the
            // time its waiting thread woke up came after "done" now and then on a busy machine.
            assertThat(ws.closeFrameReceivedNanos()).isPositive().isLessThanOrEqualTo(doneAt[0]);
            assertThat(v1.closeCodesReceived()).containsExactly(1012);
            try (WebSocketTestClient fresh = WebSocketTestClient.connect(node.port(), "/ws")) {
                assertThat(fresh.awaitMessage(WAIT).text()).isEqualTo("hello from v2");
            }
        }
    }

    @Test
    void tunnelHoldingItsSlot_doesNotBlockAStrictDeploy() throws Exception {
        AdmissionConfig oneAtATime = new AdmissionConfig(1, null, QueueConfig.DEFAULTS, null);
        try (WebSocketEchoBackend v1 = WebSocketEchoBackend.start("v1");
             WebSocketEchoBackend v2 = WebSocketEchoBackend.start("v2");
             TestNode node = TestNode.builder().backend(v1.address()).health("web", NO_SLOW_START)
                     .policy("web", null, null, oneAtATime, null)
                     .tunnels("web", tunnels(TunnelsConfig.OnCutover.CLOSE, true)).accessLog(false).start();
             WebSocketTestClient ws = WebSocketTestClient.connect(node.port(), "/ws")) {
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
            assertThat(node.server().snapshots().current().pool("web").members()).singleElement()
                    .satisfies(m -> assertThat(m.load().inFlight()).as("the tunnel holds the slot").isEqualTo(1));
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime);
            deployer.openTunnels(node.server().tunnels());
            // A hold of 2 s: were the tunnel waited for, the deploy would abort.
            DeployPlan plan = new DeployPlan("web", "v1", "v2", DeployMode.STRICT, 1, 1, 0, Duration.ofSeconds(10),
                    Duration.ofSeconds(2), Duration.ofSeconds(10));
            List<DeployPhase> phases = new ArrayList<>();

            DeployPhase end = deployer.run("test", plan, List.of(HostPort.parse(v2.address())), phases::add);

            assertThat(end).isInstanceOf(DeployPhase.Done.class);
            // The hold did not count the tunnel; the drain after the switch waited for it.
            assertThat(phases).noneMatch(p -> p instanceof DeployPhase.Holding h && h.oldInFlight() > 0);
            assertThat(phases).anyMatch(p -> p instanceof DeployPhase.Draining d && d.oldTunnels() == 1);
            assertThat(ws.awaitClose(WAIT).code()).isEqualTo(1012);
            try (WebSocketTestClient fresh = WebSocketTestClient.connect(node.port(), "/ws")) {
                assertThat(fresh.awaitMessage(WAIT).text()).isEqualTo("hello from v2");
            }
        }
    }

    /** The same through {@link ControlPlane#cutover} directly (a strict rollback takes this path). */
    @Test
    void tunnelHoldingItsSlot_doesNotBlockAStrictCutover() throws Exception {
        AdmissionConfig oneAtATime = new AdmissionConfig(1, null, QueueConfig.DEFAULTS, null);
        try (WebSocketEchoBackend v1 = WebSocketEchoBackend.start("v1");
             WebSocketEchoBackend v2 = WebSocketEchoBackend.start("v2");
             TestNode node = TestNode.builder().backend(v1.address()).health("web", NO_SLOW_START)
                     .policy("web", null, null, oneAtATime, null)
                     .tunnels("web", tunnels(TunnelsConfig.OnCutover.CLOSE, true)).accessLog(false).start();
             WebSocketTestClient ws = WebSocketTestClient.connect(node.port(), "/ws")) {
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
            register(node, v2, "v2");
            assertThat(node.server().snapshots().current().pool("web").members())
                    .filteredOn(m -> m.backend().version().equals("v1"))
                    .singleElement().satisfies(m -> assertThat(m.load().inFlight()).as("the tunnel holds the slot").isEqualTo(1));

            long start = System.nanoTime();
            node.server().control().cutover("test", "web", "v2", true, Duration.ofSeconds(3));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

            try (WebSocketTestClient fresh = WebSocketTestClient.connect(node.port(), "/ws")) {
                assertThat(fresh.awaitMessage(WAIT).text()).isEqualTo("hello from v2");
            }
            assertThat(ws.awaitClose(GRACE.plusSeconds(3)).code()).isEqualTo(1012);
        }
    }
}
