package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * An idle keep-alive connection is parked ({@link IdleParking}: its codec and timers dropped) after
 * {@code client_idle / 4}, and behaves as before: its next request, pipelined requests, a head
 * that arrives in pieces, the idle timeout and a drain. With {@code client_idle} 2 s, parking
 * happens after 0.5 s and the sweep looks every 0.5 s, so 1.2 s of silence parks a connection.
 */
final class IdleParkingIT {

    private static final Duration CLIENT_IDLE = Duration.ofSeconds(2);
    /** Long enough for the connection to be parked: two sweeps past the park delay. */
    private static final Duration PARKED = Duration.ofMillis(1200);

    @Test
    void parkedConnection_servesItsNextRequest_andPipelinedOnesInOrder() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).timeouts(null, CLIENT_IDLE, null, null, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            await().during(PARKED).atMost(PARKED.plusSeconds(1)).until(() -> !client.isClosedByPeer());

            client.send("GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse second = client.readResponse();
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.bodyText()).isEqualTo("a\n");
            await().during(PARKED).atMost(PARKED.plusSeconds(1)).until(() -> !client.isClosedByPeer());

            // Parked again: two requests and a HEAD in one write come back whole and in order.
            client.send("GET /status/201 HTTP/1.1\r\nHost: x\r\n\r\nHEAD /x HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /status/202 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(201);
            RawHttpResponse head = client.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(client.readResponse().status()).isEqualTo(202);
            assertThat(backend.requests()).hasSize(5);
        }
    }

    @Test
    void parkedConnection_isClosedSilentlyAfterClientIdle_notBefore() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).timeouts(null, CLIENT_IDLE, null, null, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(client::isClosedByPeer);
            Duration open = Duration.ofNanos(System.nanoTime() - start);
            // Closed by the sweep, at most one sweep (0.5 s) past client_idle.
            assertThat(open).isBetween(CLIENT_IDLE.minusMillis(100), CLIENT_IDLE.plusMillis(1500));
            await().atMost(Duration.ofSeconds(5)).until(() -> node.server().clientConnections() == 0);
        }
    }

    @Test
    void parkedConnection_aHeadArrivingInPiecesIsTimedByClientHeader() throws Exception {
        Duration clientHeader = Duration.ofMillis(300);
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address())
                     .timeouts(clientHeader, CLIENT_IDLE, null, null, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            await().during(PARKED).atMost(PARKED.plusSeconds(1)).until(() -> !client.isClosedByPeer());

            client.send("GET /never-ends HTTP/1.1\r\nHost: x\r\n"); // no blank line
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(408);
            await().atMost(Duration.ofSeconds(10)).until(client::isClosedByPeer);
            assertThat(backend.requests()).hasSize(1);
        }
    }

    @Test
    void parkedConnection_isClosedByAGracefulStop() throws Exception {
        try (StubBackend backend = StubBackend.start("a")) {
            TestNode node = TestNode.builder().backend(backend.address()).timeouts(null, CLIENT_IDLE, null, null, null, null).start();
            try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(client.readResponse().status()).isEqualTo(200);
                await().during(PARKED).atMost(PARKED.plusSeconds(1)).until(() -> !client.isClosedByPeer());

                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> node.server().stop(Duration.ofSeconds(10)));
                await().atMost(Duration.ofSeconds(5)).until(client::isClosedByPeer);
                stopped.get();
            } finally {
                node.close();
            }
        }
    }
}
