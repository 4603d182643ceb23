package dev.gatehouse.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.DatabasesConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.RetryConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.health.BackendState;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.core.state.PoolStatus;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.ContinuousLoad.Sample;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The control plane on a running node: runtime changes move live traffic as soon as they return,
 * rejected changes change nothing, changes survive a restart, and a reload under load fails no
 * request and closes no connection.
 */
final class ControlPlaneIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** No slow start, no outlier detection: a change shows in the traffic at once and exactly. */
    private static final HealthConfig PLAIN = new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);

    private final ListAppender<ILoggingEvent> audit = new ListAppender<>();
    private final Logger auditLogger = (Logger) LoggerFactory.getLogger("gatehouse.audit");

    @TempDir
    Path dir;

    @BeforeEach
    void attachAudit() {
        audit.start();
        auditLogger.addAppender(audit);
        // The test logging configuration is quiet (WARN); audit lines are INFO.
        auditLogger.setLevel(Level.INFO);
    }

    @AfterEach
    void detachAudit() {
        auditLogger.detachAppender(audit);
        auditLogger.setLevel(null);
    }

    // ---------------------------------------------------------------- runtime changes and traffic

    @Test
    void add_newBackendTakesItsShareOfTheNextRequests() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             StubBackend c = StubBackend.start("c");
             TestNode node = builder().backend(a.address()).backend(b.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            ControlPlane control = node.server().control();
            long generation = node.server().snapshots().current().generation();

            Snapshot s = control.change("test", "add web " + c.address(),
                    st -> RuntimeChanges.add(st, control.config(), "web", address(c), 1, "v1"));

            assertThat(s.generation()).isEqualTo(generation + 1);
            assertThat(node.server().snapshots().current()).isSameAs(s);
            assertThat(control.state().pool("web").added()).extracting(bc -> bc.address()).containsExactly(address(c));
            Map<String, Integer> counts = send(client, "/x", 30);
            assertThat(counts).containsEntry("a", 10).containsEntry("b", 10).containsEntry("c", 10);
            assertThat(auditLines()).containsExactly(
                    "who=\"test\" what=\"add web " + c.address() + "\" result=\"applied (revision 1)\"");
        }
    }

    @Test
    void drain_noRequestSentAfterTheChangeReturnsGoesToTheBackendWhileTheSlowOneOnItFinishes() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = builder().backend(a.address()).backend(b.address()).start();
             RawHttpClient slow = RawHttpClient.connect(node.port())) {
            ControlPlane control = node.server().control();
            slow.send("GET /delay/1000 HTTP/1.1\r\nHost: x\r\n\r\n");
            await().atMost(WAIT).until(() -> a.requestsStarted() + b.requestsStarted() == 1);
            StubBackend target = a.requestsStarted() == 1 ? a : b;
            StubBackend other = target == a ? b : a;
            long returned;
            try (ContinuousLoad load = ContinuousLoad.start(node.port(), 4, "/x")) {
                load.awaitCompleted(20, WAIT);

                control.change("test", "drain web " + target.address(),
                        st -> RuntimeChanges.admin(st, control.config(), "web", address(target), AdminState.DRAIN, null));
                returned = System.nanoTime();
                PoolStatus.BackendStatus drained = status(node, target);
                assertThat(drained.inFlight()).as("the slow request is still on it").isGreaterThanOrEqualTo(1);
                assertThat(drained.health().state()).isEqualTo(BackendState.DRAINING);

                await().atMost(WAIT).until(() -> load.sentAfter(returned).size() >= 100);
                assertThat(load.stop()).isEmpty();
                assertThat(load.sentAfter(returned)).extracting(Sample::backend).containsOnly(other.name());
                assertThat(load.samples()).extracting(Sample::backend).contains(target.name());
            }
            RawHttpResponse r = slow.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header(StubBackend.BACKEND_HEADER)).isEqualTo(target.name());
            await().atMost(WAIT).until(() -> status(node, target).inFlight() == 0);
        }
    }

    @Test
    void maintenanceThenReady_takesTheBackendOutAndBackIn() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = builder().backend(a.address()).backend(b.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            ControlPlane control = node.server().control();

            control.change("test", "maint web a", st -> RuntimeChanges.admin(st, control.config(), "web", address(a),
                    AdminState.MAINT, null));
            Map<String, Integer> during = send(client, "/x", 20);
            control.change("test", "ready web a", st -> RuntimeChanges.admin(st, control.config(), "web", address(a),
                    AdminState.READY, null));
            Map<String, Integer> after = send(client, "/x", 20);

            assertThat(during).containsOnlyKeys("b");
            assertThat(after).containsEntry("a", 10).containsEntry("b", 10);
            assertThat(control.state().pools()).isEmpty();
        }
    }

    @Test
    void weight_changesTheShareOfTheNextRequests() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = builder().backend(a.address()).backend(b.address())
                     .policy("web", Strategy.WEIGHTED_ROUND_ROBIN, null, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            ControlPlane control = node.server().control();
            assertThat(send(client, "/x", 40)).containsEntry("a", 20).containsEntry("b", 20);

            control.change("test", "weight web a 3", st -> RuntimeChanges.weight(st, control.config(), "web", address(a), 3));
            Map<String, Integer> counts = send(client, "/x", 40);

            assertThat(counts.get("a")).isBetween(29, 31);
            assertThat(counts.get("b")).isBetween(9, 11);
            assertThat(status(node, a).weight()).isEqualTo(3);
        }
    }

    @Test
    void remove_takesTheBackendOutOfTheNextRequests() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = builder().backend(a.address()).backend(b.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            ControlPlane control = node.server().control();

            control.change("test", "remove web a", st -> RuntimeChanges.remove(st, control.config(), "web", address(a)));

            assertThat(send(client, "/x", 10)).containsOnlyKeys("b");
            assertThat(node.server().snapshots().current().pool("web").members()).hasSize(1);
        }
    }

    // ---------------------------------------------------------------- rejected and failed changes

    @Test
    void rejectedChange_changesNothingAndIsAudited() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = builder().backend(a.address()).backend(b.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            ControlPlane control = node.server().control();
            Snapshot before = node.server().snapshots().current();
            RuntimeState state = control.state();

            assertThatThrownBy(() -> control.change("alice", "weight web a 0",
                    st -> RuntimeChanges.weight(st, control.config(), "web", address(a), 0)))
                    .isInstanceOfSatisfying(ChangeRejected.class, e -> assertThat(e.field()).isEqualTo("weight"));
            assertThatThrownBy(() -> control.change("alice", "drain nope a",
                    st -> RuntimeChanges.admin(st, control.config(), "nope", address(a), AdminState.DRAIN, null)))
                    .isInstanceOfSatisfying(ChangeRejected.class, e -> assertThat(e.field()).isEqualTo("pool"));

            assertThat(node.server().snapshots().current()).isSameAs(before);
            assertThat(control.state()).isSameAs(state);
            assertThat(send(client, "/x", 20)).containsEntry("a", 10).containsEntry("b", 10);
            assertThat(auditLines()).hasSize(2).first()
                    .isEqualTo("who=\"alice\" what=\"weight web a 0\" result=\"rejected: weight: 0 (expected: 1-1000)\"");
            assertThat(auditLines().get(1))
                    .isEqualTo("who=\"alice\" what=\"drain nope a\" result=\"rejected: pool: \\\"nope\\\" (expected: one of [web])\"");
        }
    }

    @Test
    void auditLine_escapesQuotesBackslashesAndLineBreaksInItsValues() throws Exception {
        try (StubBackend a = StubBackend.start("a");
             TestNode node = builder().backend(a.address()).start()) {
            ControlPlane control = node.server().control();
            String pool = "x\" result=\"applied\nwho=\"root\\";

            assertThatThrownBy(() -> control.change("eve \"admin\"", "drain " + pool + " a",
                    st -> RuntimeChanges.admin(st, control.config(), pool, address(a), AdminState.DRAIN, null)))
                    .isInstanceOf(ChangeRejected.class);

            // The pool name is quoted with its escapes in the error, and the audit line escapes that again.
            assertThat(auditLines()).containsExactly("who=\"eve \\\"admin\\\"\" what=\"drain x\\\" result=\\\"applied\\nwho=\\\"root\\\\ a\""
                    + " result=\"rejected: pool: \\\"x\\\\\\\" result=\\\\\\\"applied\\\\u000awho=\\\\\\\"root\\\\\\\\\\\" (expected: one of [web])\"");
        }
    }

    @Test
    void changeThatBuildsAnInvalidSnapshot_isRejectedAndChangesNothing() throws Exception {
        // RuntimeChanges compares addresses exactly; the snapshot knows LOCALHOST is localhost.
        try (StubBackend a = StubBackend.start("a");
             TestNode node = builder().backend("localhost:" + a.port()).start()) {
            ControlPlane control = node.server().control();
            Snapshot before = node.server().snapshots().current();

            assertThatThrownBy(() -> control.change("test", "add web LOCALHOST", st -> RuntimeChanges.add(st,
                    control.config(), "web", new HostPort("LOCALHOST", a.port()), 1, "v1")))
                    .isInstanceOfSatisfying(ChangeRejected.class, e -> assertThat(e.field()).isEqualTo("change"))
                    .hasMessageContaining("(expected: an address not already used by backends[0])");

            assertThat(node.server().snapshots().current()).isSameAs(before);
            assertThat(control.state()).isSameAs(RuntimeState.EMPTY);
            assertThat(auditLines()).singleElement().asString().contains("result=\"rejected: ");
        }
    }

    @Test
    void changeThatCannotBeSaved_changesNothingAndIsAudited() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = builder().backend(a.address()).backend(b.address()).start(FullDiskStore.full());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            ControlPlane control = node.server().control();
            Snapshot before = node.server().snapshots().current();

            assertThatThrownBy(() -> control.change("test", "drain web a", st -> RuntimeChanges.admin(st, control.config(),
                    "web", address(a), AdminState.DRAIN, null))).isInstanceOf(IOException.class);

            assertThat(node.server().snapshots().current()).isSameAs(before);
            assertThat(control.state()).isSameAs(RuntimeState.EMPTY);
            assertThat(send(client, "/x", 10)).containsEntry("a", 5).containsEntry("b", 5);
            assertThat(auditLines()).containsExactly("who=\"test\" what=\"drain web a\" result=\"failed: the state could not "
                    + "be saved: No space left on device\"");
        }
    }

    // ---------------------------------------------------------------- durable state

    @Test
    void restart_withTheSameStore_restoresTheEffectiveBackends() throws Exception {
        FileStateStore store = new FileStateStore(dir.resolve("state.json"));
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             StubBackend c = StubBackend.start("c"); StubBackend d = StubBackend.start("d")) {
            TestNode.Builder builder = builder().backend(a.address()).backend(b.address()).backend(d.address())
                    .policy("web", Strategy.WEIGHTED_ROUND_ROBIN, null, null, null);
            List<Backend> before;
            RuntimeState state;
            try (TestNode node = builder.start(store)) {
                ControlPlane control = node.server().control();
                GatehouseConfig config = control.config();
                control.change("test", "add", st -> RuntimeChanges.add(st, config, "web", address(c), 2, "v1"));
                control.change("test", "drain", st -> RuntimeChanges.admin(st, config, "web", address(a), AdminState.DRAIN,
                        1_900_000_000_000L));
                control.change("test", "weight", st -> RuntimeChanges.weight(st, config, "web", address(b), 5));
                control.change("test", "maint", st -> RuntimeChanges.admin(st, config, "web", address(c), AdminState.MAINT,
                        null));
                control.change("test", "remove", st -> RuntimeChanges.remove(st, config, "web", address(d)));
                control.change("test", "ready", st -> RuntimeChanges.admin(st, config, "web", address(c), AdminState.READY,
                        null));
                before = backends(node);
                state = control.state();
            }

            try (TestNode restarted = builder.start(store);
                 RawHttpClient client = RawHttpClient.connect(restarted.port())) {
                assertThat(backends(restarted)).isEqualTo(before).containsExactly(
                        new Backend("web", address(a), 1, "v1", AdminState.DRAIN),
                        new Backend("web", address(b), 5, "v1", AdminState.READY),
                        new Backend("web", address(c), 2, "v1", AdminState.READY));
                assertThat(restarted.server().control().state()).isEqualTo(state);
                assertThat(state.revision()).isEqualTo(6);
                Map<String, Integer> counts = send(client, "/x", 70);
                assertThat(counts).doesNotContainKeys("a", "d");
                assertThat(counts.get("b")).isBetween(49, 51);
                assertThat(counts.get("c")).isBetween(19, 21);
            }
        }
    }

    // ---------------------------------------------------------------- reload

    @Test
    void reload_newBackendAndChangedRoute_underLoad_failsNothingAndClosesNoConnection() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             StubBackend c = StubBackend.start("c"); StubBackend x = StubBackend.start("x")) {
            TestNode.Builder original = builder().backend(a.address()).backend(b.address()).backend("api", x.address())
                    .route(null, "/", "web").route(null, "/api", "api").health("api", PLAIN).retry("api", RetryConfig.OFF);
            GatehouseConfig edited = builder().backend(a.address()).backend(b.address()).backend(c.address())
                    .backend("api", x.address()).route(null, "/", "web").route(null, "/api", "api").route(null, "/v2", "api")
                    .health("api", PLAIN).retry("api", RetryConfig.OFF).config();
            try (TestNode node = original.start()) {
                Snapshot before = node.server().snapshots().current();
                long returned;
                try (ContinuousLoad load = ContinuousLoad.start(node.port(), 6, "/x", "/v2/x", "/api/x")) {
                    load.awaitCompleted(300, WAIT);

                    long started = System.nanoTime();
                    List<String> notes = node.server().control().reload(edited, "test");
                    returned = System.nanoTime();

                    assertThat(notes).isEmpty();
                    await().atMost(WAIT).until(() -> load.sentAfter(returned).size() >= 300);
                    assertThat(load.stop()).isEmpty();
                    List<Sample> after = load.sentAfter(returned);
                    assertThat(after).filteredOn(s -> s.path().equals("/v2/x")).extracting(Sample::backend).containsOnly("x");
                    assertThat(after).filteredOn(s -> s.path().equals("/x")).extracting(Sample::backend)
                            .containsOnly("a", "b", "c").contains("c");
                    // Answered before the reload began: routed by the old routes for certain.
                    assertThat(load.samples()).filteredOn(s -> s.answeredNanos() < started && s.path().equals("/v2/x"))
                            .extracting(Sample::backend).isNotEmpty().doesNotContain("x");
                }
                Snapshot now = node.server().snapshots().current();
                assertThat(now.generation()).isEqualTo(before.generation() + 1);
                assertThat(now.pool("web").health()).as("unchanged policies").isSameAs(before.pool("web").health());
                assertThat(node.server().control().config().pools()).isEqualTo(edited.pools());
                await().atMost(WAIT).until(() -> node.server().clientConnections() == 0);
                assertThat(auditLines()).containsExactly("who=\"test\" what=\"reload\" result=\"applied\"");
            }
        }
    }

    @Test
    void reload_changedStrategy_underLoad_failsNothingAndClosesNoConnection() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b")) {
            TestNode.Builder original = builder().backend(a.address()).backend(b.address());
            GatehouseConfig edited = builder().backend(a.address()).backend(b.address())
                    .policy("web", Strategy.LEAST_CONNECTIONS, null, null, null).config();
            try (TestNode node = original.start()) {
                Snapshot before = node.server().snapshots().current();
                try (ContinuousLoad load = ContinuousLoad.start(node.port(), 6, "/x", "/delay/5")) {
                    load.awaitCompleted(200, WAIT);

                    node.server().control().reload(edited, "test");
                    long returned = System.nanoTime();

                    await().atMost(WAIT).until(() -> load.sentAfter(returned).size() >= 200);
                    assertThat(load.stop()).isEmpty();
                    assertThat(load.sentAfter(returned)).extracting(Sample::backend).contains("a", "b");
                }
                Snapshot now = node.server().snapshots().current();
                assertThat(now.pool("web").health()).as("changed policies").isNotSameAs(before.pool("web").health());
                assertThat(now.pool("web").members().get(0).load()).isSameAs(before.pool("web").members().get(0).load());
            }
        }
    }

    @Test
    void reload_keepsTheRuntimeChangesOnTop() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             StubBackend c = StubBackend.start("c")) {
            GatehouseConfig edited = builder().backend(a.address()).backend(b.address()).backend(c.address()).config();
            try (TestNode node = builder().backend(a.address()).backend(b.address()).start();
                 RawHttpClient client = RawHttpClient.connect(node.port())) {
                ControlPlane control = node.server().control();
                control.change("test", "drain web a", st -> RuntimeChanges.admin(st, control.config(), "web", address(a),
                        AdminState.DRAIN, null));
                RuntimeState state = control.state();

                control.reload(edited, "test");

                assertThat(control.state()).isSameAs(state);
                assertThat(backends(node)).containsExactly(new Backend("web", address(a), 1, "v1", AdminState.DRAIN),
                        new Backend("web", address(b), 1, "v1", AdminState.READY),
                        new Backend("web", address(c), 1, "v1", AdminState.READY));
                assertThat(send(client, "/x", 20)).containsEntry("b", 10).containsEntry("c", 10);
            }
        }
    }

    @Test
    void reload_dropsAndSavesTheChangesOfAPoolThatIsGone() throws Exception {
        FileStateStore store = new FileStateStore(dir.resolve("state.json"));
        try (StubBackend a = StubBackend.start("a"); StubBackend x = StubBackend.start("x")) {
            GatehouseConfig webOnly = builder().backend(a.address()).config();
            try (TestNode node = builder().backend(a.address()).backend("api", x.address()).route(null, "/", "web")
                    .route(null, "/api", "api").start(store)) {
                ControlPlane control = node.server().control();
                control.change("test", "maint api x", st -> RuntimeChanges.admin(st, control.config(), "api", address(x),
                        AdminState.MAINT, null));
                control.change("test", "weight web a", st -> RuntimeChanges.weight(st, control.config(), "web", address(a), 4));

                control.reload(webOnly, "test");

                assertThat(control.state().pools()).containsOnlyKeys("web");
                assertThat(control.state().revision()).isEqualTo(3);
                assertThat(store.load()).isEqualTo(control.state());
                assertThat(Files.readString(dir.resolve("state.json"))).doesNotContain("api");
                assertThat(node.server().snapshots().current().pools()).containsOnlyKeys("web");
            }
        }
    }

    @Test
    void reload_whoseStateCannotBeSaved_changesNothingAndIsAudited() throws Exception {
        FileStateStore file = new FileStateStore(dir.resolve("state.json"));
        FullDiskStore store = FullDiskStore.on(file);
        try (StubBackend a = StubBackend.start("a"); StubBackend x = StubBackend.start("x");
             TestNode node = builder().backend(a.address()).backend("api", x.address()).route(null, "/", "web")
                     .route(null, "/api", "api").start(store)) {
            ControlPlane control = node.server().control();
            control.change("test", "maint api x", st -> RuntimeChanges.admin(st, control.config(), "api", address(x),
                    AdminState.MAINT, null));
            Snapshot before = node.server().snapshots().current();
            RuntimeState state = control.state();
            GatehouseConfig config = control.config();
            store.fill();

            assertThatThrownBy(() -> control.reload(builder().backend(a.address()).config(), "test"))
                    .isInstanceOf(IOException.class);

            assertThat(node.server().snapshots().current()).isSameAs(before);
            assertThat(control.state()).isSameAs(state);
            assertThat(control.config()).isSameAs(config);
            assertThat(file.load()).isEqualTo(state);
            assertThat(auditLines()).last().isEqualTo(
                    "who=\"test\" what=\"reload\" result=\"failed: the state could not be saved: No space left on device\"");
        }
    }

    @Test
    void reload_changedDatabases_areKeptUntilARestartAndNoted() throws Exception {
        try (StubBackend a = StubBackend.start("a");
             TestNode node = builder().backend(a.address()).start()) {
            ControlPlane control = node.server().control();
            GatehouseConfig same = builder().backend(a.address()).config();
            DatabasesConfig databases = ConfigLoader.parse("""
                    listeners: [{ bind: 127.0.0.1:0, routes: [{ path_prefix: /, pool: web }] }]
                    pools: { web: { backends: [{ address: 127.0.0.1:1 }] } }
                    databases:
                      listeners: [{ bind: 127.0.0.1:6432 }]
                      servers: { main: { address: 127.0.0.1:5432, max_connections: 10 } }
                      pools: { app: { server: main } }
                    """, name -> null).databases();
            GatehouseConfig withDatabases = new GatehouseConfig(same.listeners(), same.pools(), same.timeouts(),
                    same.limits(), same.upstream(), same.forwarding(), same.accessLog(), same.admin(), same.apps(),
                    same.fleet(), same.dns(), same.bodies(), same.tracing(), databases);

            List<String> notes = control.reload(withDatabases, "test");

            assertThat(notes).containsExactly("databases: changed; a restart applies it");
            assertThat(control.config().databases()).isEqualTo(DatabasesConfig.NONE);
        }
    }

    @Test
    void reload_changedTimeouts_areKeptUntilARestartAndNoted() throws Exception {
        try (StubBackend a = StubBackend.start("a");
             TestNode node = builder().backend(a.address()).start()) {
            ControlPlane control = node.server().control();
            GatehouseConfig same = builder().backend(a.address()).config();
            GatehouseConfig slower = builder().backend(a.address())
                    .timeouts(null, Duration.ofSeconds(5), null, Duration.ofSeconds(1), null, null).config();
            GatehouseConfig inForce = control.config();

            List<String> unchanged = control.reload(same, "test");
            List<String> notes = control.reload(slower, "test");

            assertThat(unchanged).isEmpty();
            assertThat(notes).containsExactly("timeouts: changed; a restart applies it");
            assertThat(control.config().timeouts()).isEqualTo(inForce.timeouts());
            assertThat(node.server().snapshots().current().config().timeouts()).isEqualTo(inForce.timeouts());
            assertThat(auditLines()).containsExactly("who=\"test\" what=\"reload\" result=\"applied\"",
                    "who=\"test\" what=\"reload\" result=\"applied except: timeouts: changed; a restart applies it\"");
            assertThat(RawHttpResponse.get(node.port(), "/x").status()).isEqualTo(200);
        }
    }

    @Test
    void reload_thatCannotApply_isRejectedAndChangesNothing() throws Exception {
        // New listener addresses wait for a restart, so the routes in force stay, and they need pool api.
        try (StubBackend a = StubBackend.start("a"); StubBackend x = StubBackend.start("x");
             TestNode node = builder().backend(a.address()).backend("api", x.address()).route(null, "/", "web")
                     .route(null, "/api", "api").start()) {
            ControlPlane control = node.server().control();
            Snapshot before = node.server().snapshots().current();
            GatehouseConfig withoutApi = builder().backend(a.address()).config();
            GatehouseConfig moved = new GatehouseConfig(
                    List.of(new dev.gatehouse.core.config.ListenerConfig(new HostPort("127.0.0.1", 1),
                            withoutApi.listeners().get(0).routes())),
                    withoutApi.pools(), withoutApi.timeouts(), withoutApi.limits(), withoutApi.upstream(),
                    withoutApi.forwarding(), withoutApi.accessLog());

            assertThatThrownBy(() -> control.reload(moved, "test")).isInstanceOfSatisfying(ChangeRejected.class,
                    e -> assertThat(e.field()).isEqualTo("config"));

            assertThat(node.server().snapshots().current()).isSameAs(before);
            assertThat(control.config().pools()).containsOnlyKeys("web", "api");
            assertThat(auditLines()).singleElement().asString().startsWith("who=\"test\" what=\"reload\" result=\"rejected: ");
            assertThat(RawHttpResponse.get(node.port(), "/api/x").header(StubBackend.BACKEND_HEADER)).isEqualTo("x");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A node builder whose pool web has no slow start, no outlier detection and no retries. */
    private static TestNode.Builder builder() {
        return TestNode.builder().health("web", PLAIN).retry("web", RetryConfig.OFF).accessLog(false);
    }

    private static HostPort address(StubBackend backend) {
        return HostPort.parse(backend.address());
    }

    private List<String> auditLines() {
        return audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static List<Backend> backends(TestNode node) {
        return node.server().snapshots().current().pool("web").members().stream().map(Member::backend).toList();
    }

    private static PoolStatus.BackendStatus status(TestNode node, StubBackend backend) {
        return node.server().status().stream().filter(p -> p.pool().equals("web")).findFirst().orElseThrow().backends()
                .stream().filter(s -> s.address().equals(backend.address())).findFirst().orElseThrow();
    }

    /** Sends {@code n} requests one after the other; how many each backend answered. */
    private static Map<String, Integer> send(RawHttpClient client, String path, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).as("request %d: %s", i, r).isEqualTo(200);
            counts.merge(r.header(StubBackend.BACKEND_HEADER), 1, Integer::sum);
        }
        return counts;
    }
}
