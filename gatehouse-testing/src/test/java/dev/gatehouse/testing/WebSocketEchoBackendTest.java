package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The echo backend and the test client, against each other with no proxy in between. */
final class WebSocketEchoBackendTest {

    // Generous: a 16 MiB echo under paranoid leak detection on a busy 2-core machine takes over 10 s.
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SIXTEEN_MIB = 16 * 1024 * 1024;

    @Test
    void handshake_greetsWithTheLabelAndNamesItInAHeader() {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             WebSocketTestClient client = WebSocketTestClient.connect(backend.port(), "/ws")) {
            assertThat(client.handshakeStatus()).isEqualTo(101);
            assertThat(client.handshakeHeader("x-backend")).isEqualTo("v1");
            assertThat(client.awaitMessage(WAIT))
                    .isEqualTo(new WebSocketMessage(WebSocketMessage.Type.TEXT, "hello from v1".getBytes(StandardCharsets.UTF_8)));
            await().atMost(WAIT).until(() -> backend.openWebSockets() == 1);
            assertThat(backend.webSocketsAccepted()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 64 * 1024, SIXTEEN_MIB})
    void textMessage_isEchoedWholeAsText(int size) {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1", 0, false);
             WebSocketTestClient client = WebSocketTestClient.connect(backend.port(), "/echo")) {
            String text = letters(size);
            client.sendText(text);

            WebSocketMessage echo = client.awaitMessage(WAIT);
            assertThat(echo.type()).isEqualTo(WebSocketMessage.Type.TEXT);
            assertThat(echo.size()).isEqualTo(size);
            assertThat(echo.text().equals(text)).as("echo equals what was sent").isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 64 * 1024, SIXTEEN_MIB})
    void binaryMessage_isEchoedWholeAsBinary(int size) {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1", 0, false);
             WebSocketTestClient client = WebSocketTestClient.connect(backend.port(), "/echo")) {
            byte[] data = DeterministicBytes.bytes(0, size);
            client.sendBinary(data);

            WebSocketMessage echo = client.awaitMessage(WAIT);
            assertThat(echo.type()).isEqualTo(WebSocketMessage.Type.BINARY);
            assertThat(Arrays.equals(echo.data(), data)).as("echo equals what was sent (%d bytes)", size).isTrue();
        }
    }

    @Test
    void fragmentedMessages_areEchoedAsOneMessageOfTheirType() {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1", 0, false);
             WebSocketTestClient client = WebSocketTestClient.connect(backend.port(), "/echo")) {
            // The euro sign's three bytes go into different parts: the validator works across frames.
            client.sendFragmentedText("one ", "two \u20ac", " three");
            client.sendFragmentedBinary(new byte[] {1, 2}, new byte[0], new byte[] {3});

            assertThat(client.awaitMessage(WAIT).text()).isEqualTo("one two \u20ac three");
            assertThat(client.awaitMessage(WAIT))
                    .isEqualTo(new WebSocketMessage(WebSocketMessage.Type.BINARY, new byte[] {1, 2, 3}));
        }
    }

    @Test
    void ping_isAnsweredWithAPongOfTheSamePayload() {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1", 0, false);
             WebSocketTestClient client = WebSocketTestClient.connect(backend.port(), "/echo")) {
            client.sendPing(new byte[] {7, 8, 9});
            client.sendPing(new byte[0]);

            assertThat(client.awaitPong(WAIT)).containsExactly(7, 8, 9);
            assertThat(client.awaitPong(WAIT)).isEmpty();
        }
    }

    @Test
    void clientClose_isAnsweredWithTheSameCodeAndRecorded() {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1", 0, false);
             WebSocketTestClient client = WebSocketTestClient.connect(backend.port(), "/echo")) {
            client.sendClose(4001, "done here");

            WebSocketClose close = client.awaitClose(WAIT);
            assertThat(close).isEqualTo(new WebSocketClose(4001, "done here", true));
            assertThat(backend.closeCodesReceived()).containsExactly(4001);
            await().atMost(WAIT).until(() -> backend.openWebSockets() == 0);
        }
    }

    @Test
    void serverClose_reachesTheClientWhichAnswersWithTheSameCode() {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1", 0, false);
             WebSocketTestClient first = WebSocketTestClient.connect(backend.port(), "/a");
             WebSocketTestClient second = WebSocketTestClient.connect(backend.port(), "/b")) {
            await().atMost(WAIT).until(() -> backend.openWebSockets() == 2);

            backend.closeWebSockets(1001, "going away");

            assertThat(first.awaitClose(WAIT)).isEqualTo(new WebSocketClose(1001, "going away", true));
            assertThat(second.awaitClose(WAIT)).isEqualTo(new WebSocketClose(1001, "going away", true));
            await().atMost(WAIT).until(() -> backend.closeCodesReceived().size() == 2);
            assertThat(backend.closeCodesReceived()).containsOnly(1001);
            assertThat(backend.openWebSockets()).isZero();
        }
    }

    @Test
    void serverClose_withoutAnAnswer_stillEndsTheConnection() {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1", 0, false);
             WebSocketTestClient client = WebSocketTestClient.connect("ws://127.0.0.1:" + backend.port() + "/",
                     WebSocketTestClient.options().replyToClose(false))) {
            await().atMost(WAIT).until(() -> backend.openWebSockets() == 1);

            backend.closeWebSockets(1012, "restart");

            // The backend waits 5 s for an answer that never comes, then closes the TCP connection.
            assertThat(client.awaitClose(WAIT)).isEqualTo(new WebSocketClose(1012, "restart", true));
            assertThat(backend.closeCodesReceived()).isEmpty();
        }
    }

    @Test
    void kill_closesTheConnectionWithoutACloseFrame() {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             WebSocketTestClient client = WebSocketTestClient.connect(backend.port(), "/ws")) {
            assertThat(client.awaitMessage(WAIT).text()).isEqualTo("hello from v1");

            backend.kill();

            assertThat(client.awaitClose(WAIT)).isEqualTo(new WebSocketClose(WebSocketClose.ABNORMAL, "", false));
            assertThat(client.isOpen()).isFalse();
            // Usually the connect is refused. The freed port is an ephemeral one, though, and the
            // kernel may hand it to another socket (even to this connect's own, a TCP
            // self-connect); then the connect succeeds and the handshake fails instead. Either
            // way no killed backend answers.
            assertThatThrownBy(() -> WebSocketTestClient.connect(backend.port(), "/ws"))
                    .isInstanceOfAny(UncheckedIOException.class, WebSocketHandshakeFailedException.class)
                    .hasMessageContaining("ws://127.0.0.1:" + backend.port() + "/ws");
            assertThat(backend.webSocketsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void refusedUpgrade_reportsStatusHeadersAndBody() {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1")) {
            backend.refuseUpgrades(403, "no tunnels today\n");

            assertThatThrownBy(() -> WebSocketTestClient.connect(backend.port(), "/ws"))
                    .isInstanceOfSatisfying(WebSocketHandshakeFailedException.class, e -> {
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.body()).isEqualTo("no tunnels today\n");
                        assertThat(e.headers().get("X-Backend")).isEqualTo("v1");
                        assertThat(e).hasMessageContaining("status 403");
                    });
            assertThat(backend.webSocketsAccepted()).isZero();

            backend.acceptUpgrades();
            try (WebSocketTestClient client = WebSocketTestClient.connect(backend.port(), "/ws")) {
                assertThat(client.handshakeStatus()).isEqualTo(101);
            }
        }
    }

    @Test
    void extraHeadersAndHost_reachTheServer() {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             WebSocketTestClient client = WebSocketTestClient.connect("ws://127.0.0.1:" + backend.port() + "/ws",
                     WebSocketTestClient.options().host("app.example").header("X-Test", "1"))) {
            assertThat(client.handshakeStatus()).isEqualTo(101);
            assertThat(client.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
        }
    }

    @Test
    void plainHttp_answersHealthAndTheLabel() {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v2")) {
            RawHttpResponse health = RawHttpResponse.get(backend.port(), "/health");
            RawHttpResponse other = RawHttpResponse.get(backend.port(), "/version");

            assertThat(health.status()).isEqualTo(200);
            assertThat(health.bodyText()).isEqualTo("ok\n");
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.bodyText()).isEqualTo("hello from v2\n");
            assertThat(other.header("X-Backend")).isEqualTo("v2");
        }
    }

    /** A string of {@code size} ASCII letters, so that its UTF-8 form has {@code size} bytes. */
    private static String letters(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
