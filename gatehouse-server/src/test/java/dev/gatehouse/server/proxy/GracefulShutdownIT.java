package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A stopping node refuses new connections and lets in-flight requests finish. */
final class GracefulShutdownIT {

    @Test
    void stop_finishesInFlightRequests_closesIdleConnections_andRefusesNewOnes() throws Exception {
        try (StubBackend backend = StubBackend.start("a")) {
            TestNode node = TestNode.of(backend.address());
            int port = node.port();
            RawHttpClient idle = RawHttpClient.connect(port);
            idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(idle.readResponse().status()).isEqualTo(200);

            RawHttpClient busy = RawHttpClient.connect(port);
            busy.send("GET /delay/800 HTTP/1.1\r\nHost: x\r\n\r\n");
            backend.awaitRequests(2, Duration.ofSeconds(5));

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> node.server().stop(Duration.ofSeconds(10)));
            RawHttpResponse r = busy.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(busy.isClosedByPeer()).isTrue();
            assertThat(idle.isClosedByPeer()).isTrue();
            stopped.get();
            assertThatThrownBy(() -> RawHttpClient.connect(port)).isInstanceOf(IOException.class);
            busy.close();
            idle.close();
        }
    }

    @Test
    void stop_pastTheDrainTimeout_closesWhatIsLeft() throws Exception {
        try (StubBackend backend = StubBackend.start("a")) {
            TestNode node = TestNode.of(backend.address());
            RawHttpClient busy = RawHttpClient.connect(node.port());
            busy.send("GET /delay/20000 HTTP/1.1\r\nHost: x\r\n\r\n");
            backend.awaitRequests(1, Duration.ofSeconds(5));
            long start = System.nanoTime();
            node.server().stop(Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThat(busy.isClosedByPeer()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
            busy.close();
        }
    }
}
