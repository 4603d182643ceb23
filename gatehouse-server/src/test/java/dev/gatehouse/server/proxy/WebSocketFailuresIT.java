package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.TunnelsConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.WebSocketClose;
import dev.gatehouse.testing.WebSocketEchoBackend;
import dev.gatehouse.testing.WebSocketHandshakeFailedException;
import dev.gatehouse.testing.WebSocketTestClient;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What goes wrong around a WebSocket through a node: a backend that refuses, a backend that dies,
 * a tunnel left idle, and upgrade requests the node must refuse itself; the node keeps serving.
 */
final class WebSocketFailuresIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedUpgrade_passesTheBackendsStatusAndBody(int status, String body) throws Exception {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             TestNode node = TestNode.builder().backend(backend.address()).start()) {
            backend.refuseUpgrades(status, body);
            assertThatThrownBy(() -> WebSocketTestClient.connect(node.port(), "/ws").close())
                    .isInstanceOfSatisfying(WebSocketHandshakeFailedException.class, e -> {
                        assertThat(e.status()).isEqualTo(status);
                        assertThat(e.body()).isEqualTo(body);
                        assertThat(e.headers().get(WebSocketEchoBackend.LABEL_HEADER)).isEqualTo("v1");
                    });
            assertThat(node.server().tunnels().size()).isZero();
            backend.acceptUpgrades();
            assertServes(node);
        }
    }

    static Stream<Arguments> refusals() {
        return Stream.of(Arguments.of(403, "no websockets for you"), Arguments.of(426, "upgrade to something else"));
    }

    @Test
    void backendKilledMidTunnel_closesTheClientWithinSeconds() throws Exception {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             TestNode node = TestNode.builder().backend(backend.address()).start();
             WebSocketTestClient ws = WebSocketTestClient.connect(node.port(), "/ws")) {
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
            assertThat(node.server().tunnels().size()).isEqualTo(1);
            long killed = System.nanoTime();
            backend.kill();

            WebSocketClose close = ws.awaitClose(Duration.ofSeconds(5));
            Duration took = Duration.ofNanos(System.nanoTime() - killed);

            // The tunnel relays bytes: a backend gone without a Close frame ends the client's TCP
            // connection without one too (1006), or the node says goodbye itself.
            assertThat(close.code()).isIn(WebSocketClose.ABNORMAL, 1001, 1011, 1012);
            assertThat(took).isLessThan(Duration.ofSeconds(3));
            await().atMost(WAIT).until(() -> node.server().tunnels().size() == 0);
        }
    }

    @Test
    void clientGoneWithoutAClose_endsTheBackendConnection() throws Exception {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             TestNode node = TestNode.builder().backend(backend.address()).start()) {
            WebSocketTestClient ws = WebSocketTestClient.connect(node.port(), "/ws");
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
            assertThat(backend.openWebSockets()).isEqualTo(1);

            ws.close();

            await().atMost(Duration.ofSeconds(5)).until(() -> backend.openWebSockets() == 0);
            await().atMost(WAIT).until(() -> node.server().tunnels().size() == 0);
            assertServes(node);
        }
    }

    @Test
    void idleTunnel_isEndedWithClose1001_afterTheIdleTimeout() throws Exception {
        TunnelsConfig idleOneSecond = new TunnelsConfig(TunnelsConfig.OnCutover.CLOSE, Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofSeconds(1), false);
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             TestNode node = TestNode.builder().backend(backend.address()).tunnels("web", idleOneSecond).start();
             WebSocketTestClient ws = WebSocketTestClient.connect(node.port(), "/ws")) {
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
            // Traffic keeps it open past the timeout.
            for (int i = 0; i < 6; i++) {
                await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).until(() -> true);
                ws.sendText("still here " + i);
                assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("still here " + i);
            }
            long lastByte = System.nanoTime();

            WebSocketClose close = ws.awaitClose(Duration.ofSeconds(5));
            Duration quiet = Duration.ofNanos(System.nanoTime() - lastByte);

            assertThat(close.closeFrameReceived()).isTrue();
            assertThat(close.code()).isEqualTo(1001);
            assertThat(close.reason()).isEqualTo("idle timeout");
            assertThat(quiet).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(4));
            // The backend was told the same, and the tunnel is gone.
            await().atMost(WAIT).until(() -> backend.closeCodesReceived().contains(1001));
            await().atMost(WAIT).until(() -> node.server().tunnels().size() == 0);
            assertServes(node);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedByTheNode")
    void badUpgradeRequest_isAnswered400_andTheNodeKeepsServing(String what, String request, String problem)
            throws Exception {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             TestNode node = TestNode.builder().backend(backend.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse r = client.send(request).readResponse();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.bodyText()).startsWith("400 Bad Request").contains("request id: " + r.header("X-Request-Id"))
                    .contains(problem);
            assertThat(backend.webSocketsAccepted()).isZero();
            assertThat(node.server().tunnels().size()).isZero();
            assertServes(node);
        }
    }

    static Stream<Arguments> refusedByTheNode() {
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n";
        return Stream.of(
                Arguments.of("no Sec-WebSocket-Key", "GET /ws HTTP/1.1\r\nHost: x\r\n" + upgrade + "\r\n",
                        "Sec-WebSocket-Key"),
                Arguments.of("a key of 4 bytes", "GET /ws HTTP/1.1\r\nHost: x\r\n" + upgrade
                        + "Sec-WebSocket-Key: AAAAAA==\r\n\r\n", "Sec-WebSocket-Key"),
                Arguments.of("a body", "GET /ws HTTP/1.1\r\nHost: x\r\n" + upgrade + "Sec-WebSocket-Key: " + KEY
                        + "\r\nContent-Length: 5\r\n\r\nhello", "body"),
                Arguments.of("a POST", "POST /ws HTTP/1.1\r\nHost: x\r\n" + upgrade + "Sec-WebSocket-Key: " + KEY
                        + "\r\nContent-Length: 0\r\n\r\n", "GET"));
    }

    @Test
    void upgradeOnHttp10_isAnOrdinaryRequest() throws Exception {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             TestNode node = TestNode.builder().backend(backend.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse r = client.send("GET /ws HTTP/1.0\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + KEY + "\r\n\r\n").readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("hello from v1\n");
            assertThat(r.header("Upgrade")).isNull();
            assertThat(backend.webSocketsAccepted()).isZero();
            assertThat(node.server().tunnels().size()).isZero();
            assertServes(node);
        }
    }

    /** A plain request and a WebSocket both still work. */
    private static void assertServes(TestNode node) {
        RawHttpResponse plain = RawHttpResponse.get(node.port(), "/plain");
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.bodyText()).isEqualTo("hello from v1\n");
        try (WebSocketTestClient ws = WebSocketTestClient.connect(node.port(), "/ws")) {
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
            ws.sendText("echo?");
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("echo?");
            ws.sendClose(1000, "done");
            assertThat(ws.awaitClose(WAIT).code()).isEqualTo(1000);
        }
        await().atMost(WAIT).until(() -> node.server().tunnels().size() == 0);
    }
}
