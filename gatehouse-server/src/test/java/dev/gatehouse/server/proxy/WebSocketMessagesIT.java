package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.log.AccessLog;
import dev.gatehouse.testing.WebSocketClose;
import dev.gatehouse.testing.WebSocketEchoBackend;
import dev.gatehouse.testing.WebSocketMessage;
import dev.gatehouse.testing.WebSocketTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * What a WebSocket carries through a node arrives unchanged: messages of every size from empty to
 * 16 MiB, fragmented messages, pings, and the closing handshake from either side; a tunnel's end
 * writes one access-log line.
 */
final class WebSocketMessagesIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A 16 MiB echo under paranoid leak detection takes about 12 s on two shared cores. */
    private static final Duration LARGE_WAIT = Duration.ofSeconds(90);
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    private WebSocketEchoBackend backend;
    private TestNode node;

    @BeforeEach
    void start() throws Exception {
        backend = WebSocketEchoBackend.start("v1");
        node = TestNode.builder().backend(backend.address()).start();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private WebSocketTestClient connect() {
        WebSocketTestClient ws = WebSocketTestClient.connect("ws://127.0.0.1:" + node.port() + "/ws",
                WebSocketTestClient.options().timeout(LARGE_WAIT));
        assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
        return ws;
    }

    static Stream<Arguments> messages() {
        // 16 MiB is slow under paranoid leak detection: one of each type, no more.
        return Stream.of(0, 1, 64 * KIB, MIB, 16 * MIB).flatMap(size -> Stream.of(
                Arguments.of(WebSocketMessage.Type.TEXT, size),
                Arguments.of(WebSocketMessage.Type.BINARY, size)));
    }

    @ParameterizedTest(name = "{0} of {1} bytes")
    @MethodSource("messages")
    void message_echoesByteForByte(WebSocketMessage.Type type, int size) {
        byte[] sent = type == WebSocketMessage.Type.TEXT ? utf8Text(size) : binary(size);
        try (WebSocketTestClient ws = connect()) {
            if (type == WebSocketMessage.Type.TEXT) {
                ws.sendText(new String(sent, StandardCharsets.UTF_8));
            } else {
                ws.sendBinary(sent);
            }
            WebSocketMessage echo = ws.awaitMessage(LARGE_WAIT);
            assertThat(echo.type()).isEqualTo(type);
            assertThat(echo.size()).isEqualTo(size);
            // The first differing index, not two 16 MiB arrays, when it fails.
            assertThat(Arrays.mismatch(echo.data(), sent)).as("first differing byte").isEqualTo(-1);
            assertThat(node.server().tunnels().size()).isEqualTo(1);
        }
    }

    @Test
    void fragmentedMessages_arriveWhole() {
        try (WebSocketTestClient ws = connect()) {
            ws.sendFragmentedText("gate", "house ", "tunnels €");
            WebSocketMessage text = ws.awaitMessage(WAIT);
            assertThat(text.type()).isEqualTo(WebSocketMessage.Type.TEXT);
            assertThat(text.text()).isEqualTo("gatehouse tunnels €");

            byte[] a = binary(10_000);
            byte[] b = binary(70_000);
            ws.sendFragmentedBinary(a, new byte[0], b);
            WebSocketMessage bin = ws.awaitMessage(WAIT);
            byte[] whole = new byte[a.length + b.length];
            System.arraycopy(a, 0, whole, 0, a.length);
            System.arraycopy(b, 0, whole, a.length, b.length);
            assertThat(bin.type()).isEqualTo(WebSocketMessage.Type.BINARY);
            assertThat(Arrays.mismatch(bin.data(), whole)).isEqualTo(-1);
        }
    }

    @Test
    void ping_isAnsweredWithAPongCarryingItsPayload() {
        try (WebSocketTestClient ws = connect()) {
            byte[] payload = "are you there?".getBytes(StandardCharsets.US_ASCII);
            ws.sendPing(payload);
            assertThat(ws.awaitPong(WAIT)).isEqualTo(payload);
            ws.sendPing(new byte[0]);
            assertThat(ws.awaitPong(WAIT)).isEmpty();
            // Messages still flow after control frames.
            ws.sendText("after the pings");
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("after the pings");
        }
    }

    @Test
    void closeByTheClient_isEchoed_andTheTunnelLeavesTheRegistry() {
        try (WebSocketTestClient ws = connect()) {
            assertThat(node.server().tunnels().size()).isEqualTo(1);
            ws.sendClose(1000, "bye");
            WebSocketClose close = ws.awaitClose(WAIT);
            assertThat(close.closeFrameReceived()).isTrue();
            assertThat(close.code()).isEqualTo(1000);
            await().atMost(WAIT).until(() -> node.server().tunnels().size() == 0);
            await().atMost(WAIT).until(() -> backend.openWebSockets() == 0);
            assertThat(backend.closeCodesReceived()).containsExactly(1000);
        }
    }

    @Test
    void closeByTheBackend_reachesTheClientWithItsCode() {
        try (WebSocketTestClient ws = connect()) {
            backend.closeWebSockets(4000, "backend says bye");
            WebSocketClose close = ws.awaitClose(WAIT);
            assertThat(close.closeFrameReceived()).isTrue();
            assertThat(close.code()).isEqualTo(4000);
            assertThat(close.reason()).isEqualTo("backend says bye");
            // The client's answer went back through the tunnel.
            await().atMost(WAIT).until(() -> backend.closeCodesReceived().contains(4000));
            await().atMost(WAIT).until(() -> node.server().tunnels().size() == 0);
        }
    }

    @Test
    void tunnelEnd_writesOneAccessLogLine_with101_bytesBothWays_andItsDuration() throws Exception {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
        lines.start();
        logger.addAppender(lines);
        // The test logging configuration is quiet (WARN); the access log writes at INFO.
        logger.setLevel(Level.INFO);
        try {
            long opened = System.nanoTime();
            try (WebSocketTestClient ws = connect()) {
                ws.sendBinary(binary(5_000));
                assertThat(ws.awaitMessage(WAIT).size()).isEqualTo(5_000);
                await().pollDelay(Duration.ofMillis(200)).atMost(WAIT).until(() -> true);
                assertThat(lines.list).as("nothing is logged while the tunnel is open").isEmpty();
                ws.sendClose(1000, "bye");
                ws.awaitClose(WAIT);
            }
            long closed = System.nanoTime();
            await().atMost(WAIT).until(() -> !lines.list.isEmpty());
            assertThat(lines.list).hasSize(1);
            JsonNode line = new ObjectMapper().readTree(lines.list.get(0).getFormattedMessage());
            assertThat(line.get("status").asInt()).isEqualTo(101);
            assertThat(line.get("method").asText()).isEqualTo("GET");
            assertThat(line.get("path").asText()).isEqualTo("/ws");
            assertThat(line.get("backend").asText()).isEqualTo(backend.address());
            // Frames both ways: at least the payloads (a masked 5,000-byte frame up; greeting and echo down).
            assertThat(line.get("bytes_in").asLong()).isGreaterThanOrEqualTo(5_000);
            assertThat(line.get("bytes_out").asLong()).isGreaterThanOrEqualTo(5_000 + "hello from v1".length());
            double durationMs = line.get("duration_ms").asDouble();
            assertThat(durationMs).isGreaterThanOrEqualTo(200)
                    .isLessThanOrEqualTo((closed - opened) / 1e6);
            assertThat(line.get("error").asText()).startsWith("tunnel");
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(null);
        }
    }

    /** {@code size} bytes of valid UTF-8 with multi-byte characters in it. */
    private static byte[] utf8Text(int size) {
        byte[] unit = "gatehouse → tunnels € ✓ ".getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[size];
        int i = 0;
        while (size - i >= unit.length) {
            System.arraycopy(unit, 0, out, i, unit.length);
            i += unit.length;
        }
        Arrays.fill(out, i, size, (byte) 'x');
        return out;
    }

    /** {@code size} bytes that are not all alike, so that a byte out of place shows. */
    private static byte[] binary(int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = (byte) (i * 31 + (i >>> 8) * 7 + (i >>> 16));
        }
        return out;
    }
}
