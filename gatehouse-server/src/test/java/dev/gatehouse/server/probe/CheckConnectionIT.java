package dev.gatehouse.server.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.HealthCheckConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.health.BackendState;
import dev.gatehouse.core.health.BackendStatus;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehavior;
import dev.gatehouse.testing.StubBehaviors;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * The connection of HTTP checks: one keep-alive connection from check to check while the backend
 * allows it, a fresh one when it does not or closed it, and no false failure when a kept
 * connection turns out closed just as a check uses it; a backend that dies still fails its next check.
 */
final class CheckConnectionIT {

    private static final String HEALTH = "/health";
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofMillis(100);

    @Test
    void checks_useOneKeepAliveConnection_fromCheckToCheck() throws Exception {
        try (StubBackend a = StubBackend.start("a", health(ex -> ex.respond(HttpResponseStatus.OK, "text/plain", "ok")));
             TestNode node = node(a)) {
            await().until(() -> checks(a).size() >= 5);
            List<RecordedRequest> checks = checks(a);
            assertThat(checks).allSatisfy(r -> {
                assertThat(r.header("Connection")).isNull();
                assertThat(r.header("User-Agent")).isEqualTo("gatehouse-health-check");
            });
            assertThat(checks.stream().map(RecordedRequest::connectionId).distinct()).hasSize(1);
            assertThat(a.connectionsAccepted()).isEqualTo(1);
            assertThat(status(node, a).state()).isEqualTo(BackendState.HEALTHY);
        }
    }

    @Test
    void backendThatClosesAfterEachAnswer_getsAFreshConnectionPerCheck_andStaysHealthy() throws Exception {
        StubBehavior closing = ex -> {
            ex.closeAfterResponse();
            ex.respond(HttpResponseStatus.OK, "text/plain", "ok");
        };
        try (StubBackend a = StubBackend.start("a", health(closing)); TestNode node = node(a)) {
            await().until(() -> checks(a).size() >= 5);
            List<RecordedRequest> checks = checks(a);
            assertThat(checks.stream().map(RecordedRequest::connectionId).distinct()).hasSameSizeAs(checks);
            quietFor(5 * INTERVAL.toMillis()).until(() -> status(node, a).state() == BackendState.HEALTHY);
            await().until(() -> a.openConnections() <= 1);
        }
    }

    @Test
    void keptConnectionTheBackendClosesWhileIdle_nextCheckConnectsAfresh() throws Exception {
        // An idle timeout shorter than the check interval: the backend closes 20 ms after answering.
        StubBehavior idleTimeout = ex -> ex.respond(HttpResponseStatus.OK, "text/plain", "ok")
                .addListener((ChannelFuture f) -> f.channel().eventLoop().schedule(() -> f.channel().close(), 20,
                        TimeUnit.MILLISECONDS));
        try (StubBackend a = StubBackend.start("a", health(idleTimeout)); TestNode node = node(a)) {
            await().until(() -> checks(a).size() >= 5);
            List<RecordedRequest> checks = checks(a);
            assertThat(checks.stream().map(RecordedRequest::connectionId).distinct()).hasSameSizeAs(checks);
            quietFor(5 * INTERVAL.toMillis()).until(() -> status(node, a).state() == BackendState.HEALTHY
                    && status(node, a).lastCheck().startsWith("passed: HTTP 200"));
        }
    }

    @Test
    void keptConnectionClosedAsACheckIsSent_theCheckIsRunAgainOnAFreshOne_andDoesNotFail() throws Exception {
        // The keep-alive race: every second request on a connection finds it closed without an answer.
        Set<Long> answeredOn = ConcurrentHashMap.newKeySet();
        StubBehavior racing = ex -> {
            if (answeredOn.add(ex.connectionId())) {
                ex.respond(HttpResponseStatus.OK, "text/plain", "ok");
            } else {
                ex.closeConnection();
            }
        };
        try (StubBackend a = StubBackend.start("a", health(racing)); TestNode node = node(a)) {
            await().until(() -> checks(a).size() >= 8);
            // fall 1: a single failed check would have made it unhealthy.
            quietFor(8 * INTERVAL.toMillis()).until(() -> status(node, a).state() == BackendState.HEALTHY
                    && status(node, a).lastCheck().startsWith("passed: HTTP 200"));
            List<RecordedRequest> checks = checks(a);
            long connections = checks.stream().map(RecordedRequest::connectionId).distinct().count();
            assertThat(checks.size()).isGreaterThan((int) connections);
        }
    }

    @Test
    void backendThatDiesBetweenChecks_failsItsNextCheck_withConnectionRefused() throws Exception {
        StubBackend a = StubBackend.start("a", health(ex -> ex.respond(HttpResponseStatus.OK, "text/plain", "ok")));
        try (TestNode node = node(a)) {
            await().until(() -> checks(a).size() >= 3);
            assertThat(a.connectionsAccepted()).isEqualTo(1);
            String address = a.address();
            long died = System.nanoTime();
            a.close();
            await().until(() -> status(node, address).state() == BackendState.UNHEALTHY);
            // fall 1 and a 100 ms interval: the first check after the death fails, well within a second.
            assertThat(System.nanoTime() - died).isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(status(node, address).lastCheck()).isEqualTo("failed: connection refused");
        }
    }

    @Test
    void keptConnectionToABackendThatStopsAnswering_failsWithATimeout() throws Exception {
        Set<Long> answeredOn = ConcurrentHashMap.newKeySet();
        // Answers once per connection, then hangs: a stuck worker behind a live socket.
        StubBehavior stuck = ex -> {
            if (answeredOn.add(ex.connectionId())) {
                ex.respond(HttpResponseStatus.OK, "text/plain", "ok");
            } else {
                StubBehaviors.hang().handle(ex);
            }
        };
        try (StubBackend a = StubBackend.start("a", health(stuck)); TestNode node = node(a)) {
            // Read at once: the next check connects afresh, is answered and (rise 1) passes again.
            await().until(() -> {
                BackendStatus s = status(node, a);
                return s.state() == BackendState.UNHEALTHY
                        && s.lastCheck().equals("failed: timed out after " + TIMEOUT.toMillis() + " ms");
            });
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ConditionFactory await() {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10));
    }

    private static ConditionFactory quietFor(long millis) {
        return org.awaitility.Awaitility.await().during(Duration.ofMillis(millis)).atMost(Duration.ofMillis(millis + 2000))
                .pollInterval(Duration.ofMillis(10));
    }

    private static TestNode node(StubBackend backend) throws Exception {
        HealthCheckConfig check = new HealthCheckConfig(HealthCheckConfig.Type.HTTP, HEALTH, "GET", null, 200, 399, null,
                TIMEOUT, INTERVAL, Duration.ZERO, 1, 1);
        return TestNode.builder().backend(backend.address())
                .health("web", new HealthConfig(check, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS)).start();
    }

    private static StubBehavior health(StubBehavior onHealth) {
        return ex -> (ex.path().equals(HEALTH) ? onHealth : StubBehaviors.standard("app")).handle(ex);
    }

    private static List<RecordedRequest> checks(StubBackend backend) {
        return backend.requests().stream().filter(r -> r.path().equals(HEALTH)).toList();
    }

    private static BackendStatus status(TestNode node, StubBackend backend) {
        return status(node, backend.address());
    }

    private static BackendStatus status(TestNode node, String address) {
        return node.server().status().stream().filter(p -> p.pool().equals("web")).findFirst().orElseThrow()
                .backends().stream().filter(s -> s.address().equals(address)).findFirst().orElseThrow().health();
    }
}
