package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatehouse.testing.DeterministicBytes;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.WebSocketEchoBackend;
import dev.gatehouse.testing.WebSocketTestClient;
import io.netty.channel.uring.IoUring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The opt-in io_uring transport ({@code -Dgatehouse.transport=io_uring}) carries what epoll carries:
 * keep-alive requests, a large upload and download, a WebSocket. Skipped where the kernel has no
 * io_uring.
 */
final class IoUringTransportIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @BeforeAll
    static void needsIoUring() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
    }

    /** Starts a node on io_uring: the transport is read once, when the node is made. */
    private static TestNode onIoUring(Callable<TestNode> start) throws Exception {
        String before = System.getProperty("gatehouse.transport");
        System.setProperty("gatehouse.transport", "io_uring");
        try {
            TestNode node = start.call();
            assertThat(node.server().transportName()).isEqualTo("io_uring");
            return node;
        } finally {
            if (before == null) {
                System.clearProperty("gatehouse.transport");
            } else {
                System.setProperty("gatehouse.transport", before);
            }
        }
    }

    @Test
    void keepAliveRequests_anUpload_andADownload_passThrough() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = onIoUring(() -> TestNode.builder().backend(backend.address()).start());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            for (int i = 0; i < 20; i++) {
                client.send("GET /n/" + i + " HTTP/1.1\r\nHost: t\r\n\r\n");
                RawHttpResponse r = client.readResponse();
                assertThat(r.status()).isEqualTo(200);
                assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("a\n");
            }
            byte[] upload = DeterministicBytes.bytes(0, 3_000_000);
            client.send(("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + upload.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            client.send(upload);
            RawHttpResponse up = client.readResponse();
            assertThat(up.status()).isEqualTo(200);
            assertThat(new String(up.body(), StandardCharsets.UTF_8)).contains("\"bytes\":3000000");

            client.send("GET /download?bytes=5000000 HTTP/1.1\r\nHost: t\r\n\r\n");
            RawHttpResponse down = client.readResponse();
            assertThat(down.status()).isEqualTo(200);
            assertThat(down.body()).isEqualTo(DeterministicBytes.bytes(0, 5_000_000));
            assertThat(client.isClosedByPeer()).isFalse();
        }
    }

    @Test
    void aWebSocket_echoesAndCloses() throws Exception {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             TestNode node = onIoUring(() -> TestNode.builder().backend(backend.address()).start());
             WebSocketTestClient ws = WebSocketTestClient.connect(node.port(), "/ws")) {
            assertThat(ws.handshakeStatus()).isEqualTo(101);
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
            ws.sendBinary(new byte[70_000]);
            assertThat(ws.awaitMessage(WAIT).size()).isEqualTo(70_000);
            ws.sendClose(1000, "bye");
            assertThat(ws.awaitClose(WAIT).code()).isEqualTo(1000);
        }
    }
}
