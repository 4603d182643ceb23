package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.TunnelsConfig;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.control.ControlPlane;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehavior;
import dev.gatehouse.testing.StubExchange;
import dev.gatehouse.testing.WebSocketClose;
import dev.gatehouse.testing.WebSocketEchoBackend;
import dev.gatehouse.testing.WebSocketTestClient;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Long-lived connections when something stops: a stopping node says goodbye to its WebSockets
 * with 1001, and a drained backend's long streamed response (server-sent events) runs to its end.
 */
final class WebSocketShutdownIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int EVENTS = 20;
    private static final long EVENT_EVERY_MILLIS = 100;

    @Test
    void stoppingNode_closesOpenWebSocketsWith1001_bothWays() throws Exception {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1")) {
            TestNode node = TestNode.builder().backend(backend.address()).start();
            try (WebSocketTestClient ws = WebSocketTestClient.connect(node.port(), "/ws")) {
                assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
                long start = System.nanoTime();
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> node.server().stop(Duration.ofSeconds(10)));

                WebSocketClose close = ws.awaitClose(WAIT);

                assertThat(close.closeFrameReceived()).isTrue();
                assertThat(close.code()).isEqualTo(1001);
                stopped.get(15, TimeUnit.SECONDS);
                // The tunnel ended by its handshake, not at the drain timeout.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                await().atMost(WAIT).until(() -> backend.closeCodesReceived().contains(1001));
                assertThat(node.server().tunnels().size()).isZero();
            } finally {
                node.close();
            }
        }
    }

    @Test
    void stoppingNode_closesATunnelWhoseHandshakeWasInFlight_with1001() throws Exception {
        // The backend answers the handshake only after the node started to stop: the tunnel that
        // opens then must get its 1001 too, not hold the shutdown until the drain timeout.
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             DelayingForwarder slow = new DelayingForwarder(backend.address(), 1500)) {
            TestNode node = TestNode.builder().backend(slow.address()).start();
            try {
                CompletableFuture<WebSocketTestClient> connecting =
                        CompletableFuture.supplyAsync(() -> WebSocketTestClient.connect(node.port(), "/ws"));
                assertThat(slow.awaitRequest(5_000)).isTrue();
                long start = System.nanoTime();
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> node.server().stop(Duration.ofSeconds(10)));
                try (WebSocketTestClient ws = connecting.get(10, TimeUnit.SECONDS)) {
                    WebSocketClose close = ws.awaitClose(WAIT);

                    assertThat(close.closeFrameReceived()).isTrue();
                    assertThat(close.code()).isEqualTo(1001);
                    stopped.get(15, TimeUnit.SECONDS);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
                }
            } finally {
                node.close();
            }
        }
    }

    /** Answers with {@value #EVENTS} server-sent events, one every {@value #EVENT_EVERY_MILLIS} ms, then ends. */
    private static StubBehavior events() {
        return ex -> ex.discardBody(() -> {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            HttpUtil.setTransferEncodingChunked(head, true);
            ex.writeHead(head);
            sendEvent(ex, 0);
        });
    }

    private static void sendEvent(StubExchange ex, int n) {
        if (n == EVENTS) {
            ex.end();
            return;
        }
        ex.writeBody(Unpooled.copiedBuffer("data: event " + n + "\n\n", StandardCharsets.UTF_8)).addListener(f -> {
            if (f.isSuccess()) {
                ex.eventLoop().schedule(() -> sendEvent(ex, n + 1), EVENT_EVERY_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    @Test
    void serverSentEvents_areNotCutByABackendDrain_beforeItsDeadline() throws Exception {
        // Tunnels of a drained backend close at once: that must not touch an ordinary streamed response.
        TunnelsConfig closeAtOnce = new TunnelsConfig(TunnelsConfig.OnCutover.CLOSE, Duration.ZERO,
                Duration.ofSeconds(2), Duration.ofHours(1), false);
        try (StubBackend backend = StubBackend.start("sse", events());
             TestNode node = TestNode.builder().backend(backend.address()).tunnels("web", closeAtOnce).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
            backend.awaitRequests(1, WAIT);
            HostPort drained = HostPort.parse(backend.address());
            ControlPlane control = node.server().control();
            long deadline = System.currentTimeMillis() + 30_000;
            control.change("test", "drain " + drained,
                    s -> RuntimeChanges.admin(s, control.config(), "web", drained, AdminState.DRAIN, deadline));

            RawHttpResponse r = client.readResponse();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("text/event-stream");
            String body = r.bodyText();
            for (int i = 0; i < EVENTS; i++) {
                assertThat(body).contains("data: event " + i + "\n\n");
            }
            assertThat(body).endsWith("data: event " + (EVENTS - 1) + "\n\n");
        }
    }
}
