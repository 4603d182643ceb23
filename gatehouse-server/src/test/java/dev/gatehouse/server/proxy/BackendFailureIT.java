package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehaviors;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Backend failures become 502, 503 and 404 with the request id, and the node carries on. */
final class BackendFailureIT {

    @Test
    void connectionRefused_gets502() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (TestNode node = TestNode.of("127.0.0.1:" + closedPort); RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.bodyText()).startsWith("502 Bad Gateway").contains(r.header("X-Request-Id"));
            // Same connection, next request: still served.
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(502);
        }
    }

    @Test
    void backendClosesWithoutAnswer_gets502() throws Exception {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.closeImmediately());
             TestNode node = TestNode.of(backend.address()); RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(502);
        }
    }

    @Test
    void garbageResponse_gets502() throws Exception {
        byte[] garbage = "NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.raw(garbage));
             TestNode node = TestNode.of(backend.address()); RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(502);
        }
    }

    @Test
    void backendDiesMidResponse_clientConnectionIsCut_andTheNodeCarriesOn() throws Exception {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.closeMidBody(2000));
             TestNode node = TestNode.of(backend.address())) {
            try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThatThrownBy(client::readResponse).hasMessageContaining("body bytes missing");
            }
            backend.behavior(StubBehaviors.standard("a"));
            assertThat(RawHttpResponse.get(node.port(), "/").status()).isEqualTo(200);
        }
    }

    @Test
    void backendClosingEveryPooledConnection_neverCostsAGet() throws Exception {
        // Answers with a keep-alive response, then closes: the proxy pools the connection and the
        // close races the next pick. A GET that meets a just-closed pooled connection is retried.
        byte[] answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1);
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.raw(answer));
             TestNode node = TestNode.of(backend.address()); RawHttpClient client = RawHttpClient.connect(node.port())) {
            for (int i = 0; i < 200; i++) {
                client.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(client.readResponse().status()).as("request %d", i).isEqualTo(200);
            }
        }
    }

    @Test
    void emptyPool_gets503WithRetryAfter() throws Exception {
        try (TestNode node = TestNode.builder().pool("web").start(); RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(503);
        }
    }

    @Test
    void noRoute_gets404() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().route("app.example.com", "/", "web").backend(backend.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: other.example.com\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(404);
            client.send("GET / HTTP/1.1\r\nHost: app.example.com\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void clientLeavesMidResponse_backendConnectionIsClosedNotPooled() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address())) {
            try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                client.send("GET /download?bytes=500000000 HTTP/1.1\r\nHost: x\r\n\r\n");
                backend.awaitRequests(1, Duration.ofSeconds(5));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
            assertThat(RawHttpResponse.get(node.port(), "/").status()).isEqualTo(200);
        }
    }
}
