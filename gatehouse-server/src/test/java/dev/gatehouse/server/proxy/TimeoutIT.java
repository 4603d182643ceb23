package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehaviors;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each timeout fires, answers what it should, and frees what it should. */
final class TimeoutIT {

    private static final Duration SHORT = Duration.ofMillis(300);

    @Test
    void clientHeader_stalledHeadGets408() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).timeouts(SHORT, null, null, null, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n"); // no blank line: the head never ends
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(408);
            await().atMost(Duration.ofSeconds(10)).until(client::isClosedByPeer);
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void clientHeader_aConnectionThatNeverSpeaksIsClosedSilently() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).timeouts(SHORT, null, null, null, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            await().atMost(Duration.ofSeconds(10)).until(client::isClosedByPeer);
        }
    }

    @Test
    void clientIdle_idleKeepAliveConnectionIsClosedSilently() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).timeouts(null, SHORT, null, null, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(client::isClosedByPeer);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> node.server().clientConnections() == 0);
        }
    }

    @Test
    void clientBody_stalledUploadGets408() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).timeouts(null, null, SHORT, null, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-some");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(408);
            await().atMost(Duration.ofSeconds(10)).until(client::isClosedByPeer);
        }
    }

    @Test
    void backendConnect_unansweredConnectGets504() throws Exception {
        try (Blackhole hole = new Blackhole();
             TestNode node = TestNode.builder().backend(hole.address()).timeouts(null, null, null, SHORT, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(504);
            // A gateway error is not the client's fault: its connection stays usable.
            assertThat(r.header("Connection")).isNull();
        }
    }

    @Test
    void backendResponseHeader_silentBackendGets504_andItsConnectionIsNotReused() throws Exception {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.hang());
             TestNode node = TestNode.builder().backend(backend.address()).timeouts(null, null, null, null, SHORT, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(504);
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
            backend.behavior(StubBehaviors.standard("a"));
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
        }
    }

    @Test
    void backendResponseHeader_isCountedAgainAfterA100Continue() throws Exception {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.expectContinue(0, StubBehaviors.hang()));
             TestNode node = TestNode.builder().backend(backend.address()).timeouts(null, null, null, null, SHORT, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(100);
            client.send("data");
            assertThat(client.readResponse().status()).isEqualTo(504);
        }
    }

    @Test
    void backendIdle_aBackendThatStopsReadingTheBodyGets504() throws Exception {
        // delay() does not read the body while it waits: the proxy's writes back up.
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.delay(Duration.ofSeconds(30), StubBehaviors.standard("a")));
             TestNode node = TestNode.builder().backend(backend.address()).timeouts(null, null, null, null, null, SHORT).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            long size = 64L * 1024 * 1024;
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n");
            Thread sender = new Thread(() -> {
                try {
                    client.send(dev.gatehouse.testing.DeterministicBytes.stream(size));
                } catch (RuntimeException ignored) {
                    // the proxy closes the connection mid-upload: expected
                }
            });
            sender.setDaemon(true);
            sender.start();
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(504);
        }
    }

    @Test
    void clientSend_aClientThatStopsReadingIsCutAndTheBackendFreed() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address())
                     .timeouts(null, null, null, SHORT, null, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /download?bytes=500000000 HTTP/1.1\r\nHost: x\r\n\r\n");
            backend.awaitRequests(1, Duration.ofSeconds(5));
            // Never read: the proxy's buffers fill, then client_send expires and both sides close.
            await().atMost(Duration.ofSeconds(15)).until(() -> backend.openConnections() == 0);
        }
    }

    @Test
    void backendIdle_stallMidBodyCutsTheClientConnection() throws Exception {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.stallMidBody(1000));
             TestNode node = TestNode.builder().backend(backend.address()).timeouts(null, null, null, null, null, SHORT).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            // The status was already sent: the only honest signal left is closing before the promised length.
            assertThatThrownBy(client::readResponse).hasMessageContaining("body bytes missing");
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
        }
    }
}
