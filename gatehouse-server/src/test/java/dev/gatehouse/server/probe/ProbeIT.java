package dev.gatehouse.server.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HealthCheckConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.health.BackendState;
import dev.gatehouse.core.health.BackendStatus;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehavior;
import dev.gatehouse.testing.StubBehaviors;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Active health checks against real stub backends: what passes and fails, what an unhealthy backend
 * misses, how it comes back, and that checks follow the snapshot's members and end with the node.
 */
final class ProbeIT {

    private static final String HEALTH = "/health";
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofMillis(100);

    @Test
    void failingHealthEndpoint_makesTheBackendUnhealthy_itGetsNoRequests_untilRiseChecksPass() throws Exception {
        AtomicInteger aHealth = new AtomicInteger(200);
        try (StubBackend a = StubBackend.start("a", health("a", aHealth, "ok"));
             StubBackend b = StubBackend.start("b", health("b", new AtomicInteger(200), "ok"));
             TestNode node = node(http(), a, b)) {
            await().until(() -> status(node, a).lastCheck().startsWith("passed: HTTP 200 in "));

            aHealth.set(503);
            await().until(() -> status(node, a).state() == BackendState.UNHEALTHY);
            assertThat(status(node, a).reason())
                    .isEqualTo("2 health check(s) failed in a row, the last: HTTP 503 (expected 200-399)");
            assertThat(status(node, b).state()).isEqualTo(BackendState.HEALTHY);

            a.clearRequests();
            for (int i = 0; i < 10; i++) {
                RawHttpResponse r = RawHttpResponse.get(node.port(), "/page/" + i);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header(StubBackend.BACKEND_HEADER)).isEqualTo("b");
            }
            assertThat(a.requests()).allMatch(r -> r.path().equals(HEALTH));

            long checksBefore = healthChecks(a);
            aHealth.set(200);
            await().until(() -> status(node, a).state() == BackendState.HEALTHY);
            // rise is 2: one passing check is not enough for a backend that was healthy before.
            assertThat(healthChecks(a) - checksBefore).isGreaterThanOrEqualTo(2);
            assertThat(status(node, a).lastCheck()).startsWith("passed: HTTP 200 in ");
            await().until(() -> {
                RawHttpResponse r = RawHttpResponse.get(node.port(), "/");
                return "a".equals(r.header(StubBackend.BACKEND_HEADER));
            });
        }
    }

    @Test
    void checkRequest_hasMethodPathHostAndUserAgent_andKeepsItsConnection() throws Exception {
        try (StubBackend a = StubBackend.start("a", health("a", new AtomicInteger(200), "ok"));
             TestNode node = node(http(), a)) {
            await().until(() -> healthChecks(a) >= 3);
            List<RecordedRequest> checks = a.requests().stream().filter(r -> r.path().equals(HEALTH)).toList();
            assertThat(checks).allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("GET");
                assertThat(r.httpVersion()).isEqualTo("HTTP/1.1");
                assertThat(r.header("Host")).isEqualTo(a.address());
                assertThat(r.header("Connection")).isNull();
                assertThat(r.header("User-Agent")).isEqualTo("gatehouse-health-check");
            });
            // Kept from check to check (CheckConnectionIT has the cases where it is not).
            assertThat(checks.stream().map(RecordedRequest::connectionId).distinct()).hasSize(1);
        }
    }

    @Test
    void checkRequest_usesTheConfiguredHostAndMethod() throws Exception {
        HealthCheckConfig head = new HealthCheckConfig(HealthCheckConfig.Type.HTTP, HEALTH, "HEAD", "health.internal",
                204, 204, null, TIMEOUT, INTERVAL, Duration.ZERO, 1, 1);
        StubBehavior noContent = ex -> ex.discardBody(() -> ex.respond(HttpResponseStatus.NO_CONTENT, "text/plain", ""));
        try (StubBackend a = StubBackend.start("a", noContent); TestNode node = node(head, a)) {
            await().until(() -> healthChecks(a) >= 2);
            assertThat(a.requests()).allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("HEAD");
                assertThat(r.header("Host")).isEqualTo("health.internal");
            });
            assertThat(status(node, a).lastCheck()).startsWith("passed: HTTP 204 in ");
        }
    }

    @Test
    void statusOutsideASingleExpectedStatus_fails() throws Exception {
        HealthCheckConfig only200 = new HealthCheckConfig(HealthCheckConfig.Type.HTTP, HEALTH, "GET", null, 200, 200,
                null, TIMEOUT, INTERVAL, Duration.ZERO, 1, 1);
        try (StubBackend a = StubBackend.start("a", health("a", new AtomicInteger(204), "")); TestNode node = node(only200, a)) {
            await().until(() -> status(node, a).state() == BackendState.UNHEALTHY);
            assertThat(status(node, a).lastCheck()).isEqualTo("failed: HTTP 204 (expected 200)");
        }
    }

    @Test
    void bodyWithTheExpectedText_passes_andOneWithout_fails() throws Exception {
        try (StubBackend good = StubBackend.start("good", health("good", new AtomicInteger(200), "status: ok\n"));
             StubBackend starting = StubBackend.start("starting", health("starting", new AtomicInteger(200), "starting\n"));
             TestNode node = node(http("ok"), good, starting)) {
            await().until(() -> status(node, starting).state() == BackendState.UNHEALTHY);
            assertThat(status(node, starting).lastCheck()).isEqualTo("failed: body does not contain \"ok\"");
            await().until(() -> status(node, good).lastCheck().startsWith("passed: HTTP 200 in "));
            assertThat(status(node, good).state()).isEqualTo(BackendState.HEALTHY);
        }
    }

    @Test
    void expectedTextAfterTheFirst64KiB_fails_andTextAcrossChunks_passes() throws Exception {
        String late = "x".repeat(100 * 1024) + "ok";
        // The decoder hands the body over in chunks of at most 16 KiB: the text is found across them.
        String straddling = "x".repeat(16 * 1024 - 1) + "ok" + "x".repeat(30 * 1024);
        try (StubBackend far = StubBackend.start("far", health("far", new AtomicInteger(200), late));
             StubBackend near = StubBackend.start("near", health("near", new AtomicInteger(200), straddling));
             TestNode node = node(http("ok"), far, near)) {
            await().until(() -> status(node, far).state() == BackendState.UNHEALTHY);
            assertThat(status(node, far).lastCheck()).isEqualTo("failed: body does not contain \"ok\"");
            await().until(() -> status(node, near).lastCheck().startsWith("passed: HTTP 200 in "));
        }
    }

    @Test
    void backendThatNeverAnswers_failsWithATimeout() throws Exception {
        StubBehavior hangOnHealth = route(HEALTH, StubBehaviors.hang(), StubBehaviors.standard("a"));
        try (StubBackend a = StubBackend.start("a", hangOnHealth); TestNode node = node(http(), a)) {
            await().until(() -> status(node, a).state() == BackendState.UNHEALTHY);
            assertThat(status(node, a).lastCheck()).isEqualTo("failed: timed out after " + TIMEOUT.toMillis() + " ms");
            // Every timed-out check closed its connection.
            await().until(() -> a.openConnections() <= 1);
        }
    }

    @ParameterizedTest
    @EnumSource(HealthCheckConfig.Type.class)
    void closedPort_failsWithConnectionRefused(HealthCheckConfig.Type type) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HealthCheckConfig check = new HealthCheckConfig(type, HEALTH, "GET", null, 200, 399, null, TIMEOUT, INTERVAL,
                Duration.ZERO, 2, 2);
        try (TestNode node = TestNode.builder().backend("127.0.0.1:" + closedPort).health("web", health(check)).start()) {
            String address = "127.0.0.1:" + closedPort;
            await().until(() -> status(node.server(), address).state() == BackendState.UNHEALTHY);
            assertThat(status(node.server(), address).lastCheck()).isEqualTo("failed: connection refused");
        }
    }

    @Test
    void tcpCheck_passesWhenTheBackendAccepts() throws Exception {
        HealthCheckConfig tcp = new HealthCheckConfig(HealthCheckConfig.Type.TCP, "/", "GET", null, 200, 399, null,
                TIMEOUT, INTERVAL, Duration.ZERO, 1, 1);
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(tcp, a)) {
            await().until(() -> status(node, a).lastCheck().startsWith("passed: connected in "));
            assertThat(status(node, a).state()).isEqualTo(BackendState.HEALTHY);
            assertThat(a.requests()).isEmpty();
        }
    }

    @Test
    void stoppingTheProber_cancelsEveryCheck() throws Exception {
        try (StubBackend a = StubBackend.start("a", health("a", new AtomicInteger(200), "ok"));
             StubBackend b = StubBackend.start("b", health("b", new AtomicInteger(200), "ok"));
             TestNode node = node(http(), a, b)) {
            HealthProber prober = node.server().healthChecks();
            await().until(() -> healthChecks(a) >= 2 && healthChecks(b) >= 2);
            assertThat(prober.pendingChecks()).isEqualTo(2);

            prober.stop();

            assertThat(prober.pendingChecks()).isZero();
            assertThat(prober.checkedBackends()).isEmpty();
            long a0 = healthChecks(a);
            long b0 = healthChecks(b);
            quietFor(5 * INTERVAL.toMillis()).until(() -> healthChecks(a) == a0 && healthChecks(b) == b0);
            prober.sync();
            assertThat(prober.pendingChecks()).isZero();
        }
    }

    @Test
    void stoppingTheNode_stopsTheChecks() throws Exception {
        try (StubBackend a = StubBackend.start("a", health("a", new AtomicInteger(200), "ok"))) {
            TestNode node = node(http(), a);
            await().until(() -> healthChecks(a) >= 2);
            node.close();
            assertThat(node.server().healthChecks().pendingChecks()).isZero();
            long a0 = healthChecks(a);
            quietFor(5 * INTERVAL.toMillis()).until(() -> healthChecks(a) == a0);
        }
    }

    @Test
    void sync_followsTheSnapshotsMembers_byTheirLoad() throws Exception {
        try (StubBackend a = StubBackend.start("a", health("a", new AtomicInteger(200), "ok"));
             StubBackend b = StubBackend.start("b", health("b", new AtomicInteger(200), "ok"));
             StubBackend c = StubBackend.start("c", health("c", new AtomicInteger(200), "ok"));
             TestNode node = node(http(), a, b)) {
            GatehouseServer server = node.server();
            assertThat(server.healthChecks().checkedBackends()).containsExactlyInAnyOrder("web/" + a.address(), "web/" + b.address());
            await().until(() -> healthChecks(a) >= 1 && healthChecks(b) >= 1);

            // b stays (same load object), a leaves, c joins: as a configuration reload would publish.
            PoolSnapshot web = server.snapshots().current().pool("web");
            Member keptB = web.members().stream().filter(m -> m.backend().address().toString().equals(b.address()))
                    .findFirst().orElseThrow();
            Member newC = new Member(new Backend("web", HostPort.parse(c.address()), 1, "v1"), new BackendLoad());
            publish(server, web, List.of(keptB, newC));
            server.healthChecks().sync();

            assertThat(server.healthChecks().checkedBackends()).containsExactlyInAnyOrder("web/" + b.address(), "web/" + c.address());
            await().until(() -> status(server, c.address()).lastCheck().startsWith("passed: "));
            long a0 = healthChecks(a);
            long b0 = healthChecks(b);
            quietFor(5 * INTERVAL.toMillis()).until(() -> healthChecks(a) == a0);
            assertThat(healthChecks(b)).isGreaterThan(b0);
            // Nothing else appeared: a second sync with the same snapshot changes nothing.
            server.healthChecks().sync();
            assertThat(server.healthChecks().pendingChecks()).isEqualTo(2);
        }
    }

    @Test
    void backendAddedToARunningNode_isCheckedAtOnce_notWithinTheNextInterval() throws Exception {
        // A 5 min interval: the node's first backends check somewhere within it; one added later
        // (a deploy's new version, which waits at its gate for that check) is checked at once.
        // Spread over the interval as before, it would pass the 3 s bound below one time in 100.
        HealthCheckConfig slow = new HealthCheckConfig(HealthCheckConfig.Type.HTTP, HEALTH, "GET", null, 200, 399, null,
                Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ZERO, 2, 2);
        try (StubBackend a = StubBackend.start("a", health("a", new AtomicInteger(200), "ok"));
             StubBackend c = StubBackend.start("c", health("c", new AtomicInteger(200), "ok"));
             TestNode node = node(slow, a)) {
            GatehouseServer server = node.server();
            PoolSnapshot web = server.snapshots().current().pool("web");
            Member newC = new Member(new Backend("web", HostPort.parse(c.address()), 1, "v1"), new BackendLoad());
            List<Member> members = new ArrayList<>(web.members());
            members.add(newC);
            publish(server, web, members);
            long added = System.nanoTime();
            server.healthChecks().sync();

            await().until(() -> status(server, c.address()).lastCheck().startsWith("passed: "));
            assertThat(Duration.ofNanos(System.nanoTime() - added)).isLessThan(Duration.ofSeconds(3));
            assertThat(healthChecks(c)).isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ConditionFactory await() {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10));
    }

    /** Holds when the condition stays true for the whole period (and fails at once when it turns false). */
    private static ConditionFactory quietFor(long millis) {
        return org.awaitility.Awaitility.await().during(Duration.ofMillis(millis)).atMost(Duration.ofMillis(millis + 2000))
                .pollInterval(Duration.ofMillis(10));
    }

    private static HealthCheckConfig http() {
        return http(null);
    }

    private static HealthCheckConfig http(String bodyContains) {
        return new HealthCheckConfig(HealthCheckConfig.Type.HTTP, HEALTH, "GET", null, 200, 399, bodyContains, TIMEOUT,
                INTERVAL, Duration.ofMillis(20), 2, 2);
    }

    private static HealthConfig health(HealthCheckConfig check) {
        return new HealthConfig(check, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);
    }

    private static TestNode node(HealthCheckConfig check, StubBackend... backends) throws Exception {
        TestNode.Builder b = TestNode.builder();
        for (StubBackend backend : backends) {
            b.backend(backend.address());
        }
        return b.health("web", health(check)).start();
    }

    /** {@code /health} answers with the current status and a fixed body; anything else is the standard app. */
    private static StubBehavior health(String name, AtomicInteger status, String body) {
        return route(HEALTH, ex -> ex.discardBody(() -> ex.respond(HttpResponseStatus.valueOf(status.get()),
                "text/plain", body)), StubBehaviors.standard(name));
    }

    private static StubBehavior route(String path, StubBehavior onPath, StubBehavior otherwise) {
        return ex -> (ex.path().equals(path) ? onPath : otherwise).handle(ex);
    }

    private static long healthChecks(StubBackend backend) {
        return backend.requests().stream().filter(r -> r.path().equals(HEALTH)).count();
    }

    private static BackendStatus status(TestNode node, StubBackend backend) {
        return status(node.server(), backend.address());
    }

    /** The health of a backend of pool {@code web}, as the node's status reports it. */
    private static BackendStatus status(GatehouseServer server, String address) {
        Predicate<dev.gatehouse.core.state.PoolStatus.BackendStatus> at = s -> s.address().equals(address);
        return server.status().stream().filter(p -> p.pool().equals("web")).findFirst().orElseThrow()
                .backends().stream().filter(at).findFirst().orElseThrow().health();
    }

    /** Publishes pool {@code web} with other members, keeping its health, balancer and admission. */
    private static void publish(GatehouseServer server, PoolSnapshot web, List<Member> members) {
        web.health().members(members);
        PoolSnapshot next = new PoolSnapshot(web.name(), web.config(), new ArrayList<>(members), web.balancer(),
                web.admission(), web.sticky(), web.health(), web.retryBudget());
        server.snapshots().update(s -> new Snapshot(s.generation() + 1, s.config(), s.runtime(), s.routers(), Map.of("web", next)));
    }
}
