package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ContinuousLoadTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void start_sendsThePathsInTurnOnKeepAliveConnections_andKeepsEveryAnswer() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); ContinuousLoad load = ContinuousLoad.start(backend.port(), 3, "/x", "/y")) {
            assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("continuous-load-"))
                    .hasSize(3).allMatch(Thread::isDaemon);

            load.awaitCompleted(60, WAIT);
            long before = System.nanoTime();
            load.awaitCompleted(load.completed() + 30, WAIT);

            assertThat(load.stop()).isEmpty();
            long completed = load.completed();
            List<ContinuousLoad.Sample> samples = load.samples();
            assertThat(samples).hasSize((int) completed).allSatisfy(s -> {
                assertThat(s.status()).isEqualTo(200);
                assertThat(s.backend()).isEqualTo("a");
                assertThat(s.answeredNanos()).isGreaterThanOrEqualTo(s.sentNanos());
            });
            assertThat(samples).extracting(ContinuousLoad.Sample::path).contains("/x", "/y");
            assertThat(samples).extracting(ContinuousLoad.Sample::id).doesNotHaveDuplicates().allMatch(id -> id.startsWith("load-"));
            assertThat(load.answeredBy("a")).isEqualTo(completed);
            assertThat(load.answeredBy("b")).isZero();
            assertThat(load.sentAfter(before)).hasSizeGreaterThanOrEqualTo(30 - 3).allMatch(s -> s.sentNanos() > before);
            // The backend saw each request under the id the load kept for it, on one connection per client.
            assertThat(backend.requests()).extracting(r -> r.header("X-Request-Id"))
                    .containsExactlyInAnyOrderElementsOf(samples.stream().map(ContinuousLoad.Sample::id).toList());
            assertThat(backend.connectionsAccepted()).isBetween(1, 3);
            // Stopped: the clients are gone and nothing more is sent.
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("continuous-load-"));
            assertThat(load.completed()).isEqualTo(completed);
            assertThat(load.stop()).isEmpty();
        }
    }

    @Test
    void statusOtherThan200_isAFailure_andAwaitingFailsAtOnce() throws Exception {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.text(503, "busy"));
             ContinuousLoad load = ContinuousLoad.start(backend.port(), 1, "/x")) {
            assertThatThrownBy(() -> load.awaitCompleted(1_000_000, WAIT))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("a request failed").hasMessageContaining("status 503 busy");

            assertThat(load.stop()).isNotEmpty().first().asString().matches("load-\\d+ /x: status 503 busy");
            assertThat(load.samples()).isNotEmpty().allMatch(s -> s.status() == 503);
        }
    }

    @Test
    void connectionClosedWithoutAnAnswer_isAFailure_andTheClientConnectsAgain() throws Exception {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.closeImmediately());
             ContinuousLoad load = ContinuousLoad.start(backend.port(), 1, "/x")) {
            backend.awaitRequests(3, WAIT);

            List<String> failures = load.stop();

            assertThat(failures).hasSizeGreaterThanOrEqualTo(3).allMatch(f -> f.matches("load-\\d+ /x: .*readResponse.*"));
            assertThat(backend.connectionsAccepted()).isGreaterThanOrEqualTo(3);
            assertThat(load.completed()).isZero();
        }
    }

    @Test
    void responseThatClosesTheConnection_isAFailure() throws Exception {
        byte[] closing = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.raw(closing));
             ContinuousLoad load = ContinuousLoad.start(backend.port(), 1, "/x")) {
            backend.awaitRequests(2, WAIT);

            assertThat(load.stop()).isNotEmpty().allMatch(f -> f.endsWith("/x: the response asked to close the connection"));
            assertThat(backend.connectionsAccepted()).isEqualTo(backend.requestsStarted());
        }
    }

    @Test
    void nothingListening_theConnectFailure_endsTheClient() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (ContinuousLoad load = ContinuousLoad.start(port, 2, "/x")) {
            assertThatThrownBy(() -> load.awaitCompleted(1, WAIT)).hasMessageContaining("a request failed");
            await().atMost(WAIT).until(() -> load.failures().size() == 2);

            assertThat(load.stop()).hasSize(2).allMatch(f -> f.startsWith("continuous-load-") && f.contains("connect"));
            assertThat(load.completed()).isZero();
        }
    }

    @Test
    void awaitCompleted_timesOut_sayingHowFarItGot() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); ContinuousLoad load = ContinuousLoad.start(backend.port(), 1, "/delay/50")) {
            assertThatThrownBy(() -> load.awaitCompleted(1_000, Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class).hasMessageMatching("\\d+ of 1000 requests answered within PT0\\.2S");

            assertThat(load.stop()).isEmpty();
        }
    }

    @Test
    void start_refusesNoClientsOrNoPaths() {
        assertThatThrownBy(() -> ContinuousLoad.start(1, 0, "/x")).hasMessage("clients: 0 (expected: > 0)");
        assertThatThrownBy(() -> ContinuousLoad.start(1, 1)).hasMessage("paths: none (expected: at least one)");
    }
}
