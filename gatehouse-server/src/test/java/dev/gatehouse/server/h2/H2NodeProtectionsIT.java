package dev.gatehouse.server.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.Http2Config;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.metrics.PrometheusText;
import dev.gatehouse.testing.H2Frame;
import dev.gatehouse.testing.HpackBlock;
import dev.gatehouse.testing.LeakGuardExtension;
import dev.gatehouse.testing.RawH2Connection;
import dev.gatehouse.testing.StubBackend;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The malformed-input matrix and the attacks against a real node with {@code http2: { h2c: true }}
 * in front of a stub backend: each refusal is the one the RFCs demand, the backend sees nothing of
 * a refused request, and the node keeps serving.
 */
@ExtendWith(LeakGuardExtension.class)
final class H2NodeProtectionsIT {

    private static final Http2Config H2C = Http2Config.DEFAULTS.withH2c(true);
    private static StubBackend backend;
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        backend = StubBackend.start("a");
        node = TestNode.builder().backend(backend.address()).http2(H2C).start();
    }

    @AfterAll
    static void stop() {
        node.close();
        backend.close();
    }

    static Stream<Arguments> malformed() {
        return Stream.concat(H2Malformed.arguments(H2Malformed.requests()), H2Malformed.arguments(H2Malformed.frames()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInput_isRefusedAsTheRfcsSay_andTheBackendSeesNothing(H2Malformed.Case c) {
        backend.clearRequests();
        int started = backend.requestsStarted();
        try (RawH2Connection h2 = RawH2Connection.connect(node.port())) {
            h2.awaitSettingsAck();
            c.send().accept(h2);
            H2Frame answer = h2.awaitStreamOrConnectionError(c.streamId());
            assertThat(c.expect().accepts(answer)).as("%s: got %s, expected %s", c.name(), answer, c.expect()).isTrue();
        }
        try (RawH2Connection next = RawH2Connection.connect(node.port())) {
            next.get(1, "/sentinel");
            assertThat(next.awaitResponse(1).status()).isEqualTo(200);
        }
        assertThat(backend.requestsStarted() - started).as("requests the backend saw").isEqualTo(1);
        assertThat(backend.lastRequest().uri()).isEqualTo("/sentinel");
    }

    @Test
    void rapidReset_boundsTheBackendRequests_andEndsWithEnhanceYourCalm() {
        int started = backend.requestsStarted();
        byte[] block = HpackBlock.get("/reset").bytes();
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int i = 0; i < 5_000; i++) {
            flood.writeBytes(H2Frame.encode(H2Frame.HEADERS, H2Frame.END_HEADERS | H2Frame.END_STREAM, 2 * i + 1, block));
            flood.writeBytes(H2Frame.encode(H2Frame.RST_STREAM, 0, 2 * i + 1, new byte[] {0, 0, 0, 8}));
        }
        try (RawH2Connection h2 = RawH2Connection.connect(node.port())) {
            h2.send(flood.toByteArray());
            assertThat(h2.awaitGoAway().errorCode()).isEqualTo(H2Frame.ENHANCE_YOUR_CALM);
            assertThat(h2.awaitClosed(Duration.ofSeconds(20))).isTrue();
        }
        assertThat(backend.requestsStarted() - started).isLessThanOrEqualTo(Http2Pipeline.MAX_RST_FRAMES + 1);
        try (RawH2Connection next = RawH2Connection.connect(node.port())) {
            next.get(1, "/after");
            assertThat(next.awaitResponse(1).status()).isEqualTo(200);
        }
    }

    @Test
    void continuationFlood_isCutOff() {
        try (RawH2Connection h2 = RawH2Connection.connect(node.port())) {
            h2.awaitSettingsAck();
            h2.frame(H2Frame.HEADERS, H2Frame.END_STREAM, 1, HpackBlock.get("/").bytes());
            ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int i = 0; i < 100_000; i++) {
                flood.writeBytes(H2Frame.encode(H2Frame.CONTINUATION, 0, 1, new byte[0]));
            }
            h2.send(flood.toByteArray());
            assertThat(h2.awaitGoAway().errorCode()).isEqualTo(H2Frame.ENHANCE_YOUR_CALM);
            assertThat(h2.awaitClosed(Duration.ofSeconds(20))).isTrue();
        }
    }

    @Test
    void hpackBomb_isRefused_andNotForwarded() {
        int started = backend.requestsStarted();
        HpackBlock bomb = HpackBlock.get("/").literalIndexed("x-bomb", "b".repeat(4000));
        for (int i = 0; i < 1_000; i++) {
            bomb.indexed(62);
        }
        try (RawH2Connection h2 = RawH2Connection.connect(node.port())) {
            h2.headers(1, bomb.bytes(), true);
            H2Frame f = h2.awaitFrame("a 431, RST_STREAM or GOAWAY", x -> x.type() == H2Frame.GOAWAY
                    || x.streamId() == 1 && (x.type() == H2Frame.RST_STREAM || x.type() == H2Frame.HEADERS),
                    Duration.ofSeconds(10));
            if (f.type() == H2Frame.HEADERS) {
                assertThat(h2.awaitResponse(1).status()).isEqualTo(431);
            }
        }
        assertThat(backend.requestsStarted()).isEqualTo(started);
    }

    @Test
    void streamsTheStrictHandlerRefuses_areCountedByReason() {
        Map<String, Double> before = refusedByReason();
        try (RawH2Connection h2 = RawH2Connection.connect(node.port())) {
            // Refused by the node's own checks (Netty lets it through): a :scheme other than http(s).
            h2.headers(1, new HpackBlock().literal(":method", "GET").literal(":scheme", "ftp").literal(":path", "/")
                    .literal(":authority", "x").bytes(), true);
            assertThat(h2.awaitStreamOrConnectionError(1).errorCode()).isEqualTo(H2Frame.PROTOCOL_ERROR);
            // A stream error Netty raises on an open stream, answered here: DATA past the content-length.
            h2.headers(3, HpackBlock.request("POST", "/").literal("content-length", "1").bytes(), false);
            h2.data(3, new byte[5], true);
            assertThat(h2.awaitStreamOrConnectionError(3).errorCode()).isEqualTo(H2Frame.PROTOCOL_ERROR);
            h2.headers(5, new HpackBlock().literal(":method", "CONNECT").literal(":authority", "example.com:443").bytes(),
                    true);
            assertThat(h2.awaitResponse(5).status()).isEqualTo(501);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Double> after = refusedByReason();
            assertThat(after.get("malformed") - before.get("malformed")).as("malformed").isEqualTo(1.0);
            assertThat(after.get("stream_error") - before.get("stream_error")).as("stream_error").isEqualTo(1.0);
            assertThat(after.get("connect") - before.get("connect")).as("connect").isEqualTo(1.0);
        });
    }

    private static Map<String, Double> refusedByReason() {
        PrometheusText metrics = PrometheusText.parse(node.server().metrics().scrape());
        return Map.of("malformed", metrics.value("gatehouse_h2_streams_refused_total", "reason", "malformed"),
                "connect", metrics.value("gatehouse_h2_streams_refused_total", "reason", "connect"),
                "stream_error", metrics.value("gatehouse_h2_streams_refused_total", "reason", "stream_error"));
    }
}
