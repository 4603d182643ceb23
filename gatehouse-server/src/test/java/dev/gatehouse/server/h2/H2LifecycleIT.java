package dev.gatehouse.server.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.Http2Config;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.H2Frame;
import dev.gatehouse.testing.RawH2Connection;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.StubBackend;
import io.netty.handler.codec.http2.Http2Error;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * An h2c connection's life: GOAWAY when the node stops (streams in flight finish), the HTTP/2
 * preface on a listener without h2c, and curl with prior knowledge.
 */
final class H2LifecycleIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Http2Config H2C = Http2Config.DEFAULTS.withH2c(true);
    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    @Test
    void stop_sendsGoAway_letsStreamsInFlightFinish_thenCloses() throws Exception {
        try (StubBackend backend = StubBackend.start("a")) {
            TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
            try (H2TestClient client = H2TestClient.connect(node.port())) {
                assertThat(client.request("GET", "/", null).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
                CompletableFuture<H2TestClient.Response> inFlight = client.request("GET", "/delay/800", null);
                await().atMost(WAIT).until(() -> backend.requestsStarted() == 2);

                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> node.server().stop(Duration.ofSeconds(10)));
                H2TestClient.GoAway goAway = client.goAway().get(10, TimeUnit.SECONDS);
                assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
                // Streams 3 and 5 were opened (1 is h2c upgrade's): the second one is in flight and will be answered.
                assertThat(goAway.lastStreamId()).isEqualTo(5);
                H2TestClient.Response r = inFlight.get(10, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(200);
                await().atMost(WAIT).until(() -> !client.isOpen());
                stopped.get(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void clientGoAway_closesTheConnectionOnceItsStreamsAreDone() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             RawH2Connection h2 = RawH2Connection.connect(node.port())) {
            h2.get(1, "/delay/300");
            await().atMost(WAIT).until(() -> backend.requestsStarted() == 1);
            // GOAWAY: last stream 0 (the node pushes none), NO_ERROR.
            h2.frame(H2Frame.GOAWAY, 0, 0, new byte[8]);

            assertThat(h2.awaitResponse(1).status()).isEqualTo(200);
            assertThat(h2.awaitClosed(WAIT)).as("closed by the node after its last stream").isTrue();
        }
    }

    @Test
    void idleConnection_isClosedAtOnceWhenTheNodeStops() throws Exception {
        try (StubBackend backend = StubBackend.start("a")) {
            TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
            try (H2TestClient client = H2TestClient.connect(node.port())) {
                assertThat(client.request("GET", "/", null).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
                long start = System.nanoTime();
                node.server().stop(Duration.ofSeconds(10));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                client.goAway().get(10, TimeUnit.SECONDS);
                await().atMost(WAIT).until(() -> !client.isOpen());
            }
        }
    }

    @Test
    void h2Preface_onAListenerWithoutH2c_isRefusedCleanly_andTheNodeServesOn() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).start()) {
            try (Socket s = new Socket("127.0.0.1", node.port())) {
                s.setSoTimeout(10_000);
                // The preface and an empty SETTINGS frame, as a client sends them, in one write: the
                // node may answer and close as soon as it read the preface's first line, and a
                // second write after that close would make the node's kernel reset the connection.
                ByteArrayOutputStream greeting = new ByteArrayOutputStream();
                greeting.writeBytes(PREFACE.getBytes(StandardCharsets.US_ASCII));
                greeting.writeBytes(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
                OutputStream out = s.getOutputStream();
                out.write(greeting.toByteArray());
                out.flush();
                String answer = readAnswer(s.getInputStream());
                assertThat(answer).startsWith("HTTP/1.1 ");
                assertThat(answer.substring(9, 12)).isIn("400", "505");
            }
            try (RawHttpClient raw = RawHttpClient.connect(node.port())) {
                raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(raw.readResponse().status()).isEqualTo(200);
            }
            assertThat(backend.requests()).hasSize(1);
        }
    }

    @Test
    void h2cListener_somethingElseThanAPreface_isHttp11() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             RawHttpClient raw = RawHttpClient.connect(node.port())) {
            // Starts like the preface ("P"), then is an ordinary request.
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");
            assertThat(raw.readResponse().bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void curl_withPriorKnowledge_getsItsResponseOverHttp2() throws Exception {
        Assumptions.assumeTrue(curlWithHttp2(), "curl with HTTP/2 is not installed");
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start()) {
            // One URL per run: curl 7.88 fails a second request on a reused prior-knowledge connection
            // with "Error in the HTTP2 framing layer", against nginx as well.
            assertThat(curl(node.url("/"))).isEqualTo("a\n\n2 200");
            assertThat(curl(node.url("/echo"), "--data-binary", "posted")).isEqualTo("posted\n2 200");
            assertThat(backend.connectionsAccepted()).isGreaterThanOrEqualTo(1);
        }
    }

    private static String curl(String url, String... more) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "--http2-prior-knowledge",
                "-o", "-", "-w", "\n%{http_version} %{http_code}", url));
        cmd.addAll(java.util.List.of(more));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static boolean curlWithHttp2() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && v.contains("HTTP2");
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * What the node sent, up to its close. Bytes the node did not read when it closed (the rest of
     * the greeting) make its kernel reset the connection, which can discard the end of the answer
     * here: a reset is accepted once a whole status line was read, and fails the test before.
     */
    private static String readAnswer(InputStream in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                b.write(buf, 0, n);
            }
        } catch (java.net.SocketException e) {
            String soFar = b.toString(StandardCharsets.ISO_8859_1);
            if (!soFar.matches("(?s)HTTP/1\\.1 (400|505) [^\r\n]*\r\n.*")) {
                throw new AssertionError("reset before an HTTP/1.1 400 or 505 status line; read: " + soFar, e);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
