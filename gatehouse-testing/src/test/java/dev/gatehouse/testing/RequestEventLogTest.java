package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

final class RequestEventLogTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void answeredRequests_logReceivedThenDone() {
        try (StubBackend backend = StubBackend.start("a", 0, StubBehaviors.standard("a"), log);
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("GET /status/503 HTTP/1.1\r\nHost: x\r\nX-Request-Id: r-1\r\n\r\n").readResponse();
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nX-Request-Id: r-2\r\nContent-Length: 3\r\n\r\nabc")
                    .readResponse();
            client.send("GET /download?bytes=100000 HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();

            await().atMost(WAIT).until(() -> lines().size() == 6);
            List<String[]> events = lines().stream().map(l -> l.split(" ")).toList();
            assertThat(events).extracting(e -> e[0] + " " + e[3])
                    .containsExactly("recv r-1", "done r-1", "recv r-2", "done r-2", "recv -", "done -");
            assertThat(events.get(0)).endsWith("GET", "/status/503");
            assertThat(events.get(1)[4]).isEqualTo("503");
            assertThat(events.get(3)[4]).isEqualTo("200");
            assertThat(events).allSatisfy(e -> assertThat(e[2]).isEqualTo("1"));
        }
    }

    @Test
    void interimResponse_doesNotCountAsTheAnswer() {
        try (StubBackend backend = StubBackend.start("a", 0, StubBehaviors.expectContinue(0), log);
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nX-Request-Id: c-1\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 2\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(100);
            client.send("ok");
            assertThat(client.readResponse().status()).isEqualTo(200);

            await().atMost(WAIT).until(() -> lines().size() == 2);
            assertThat(lines().get(1)).startsWith("done ").endsWith(" c-1 200");
        }
    }

    @Test
    void unansweredRequest_isDroppedWhenTheConnectionCloses() {
        try (StubBackend backend = StubBackend.start("a", 0, StubBehaviors.hang(), log)) {
            try (RawHttpClient client = RawHttpClient.connect(backend.port())) {
                client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: h-1\r\n\r\n");
                await().atMost(WAIT).until(() -> lines().size() == 1);
            }

            await().atMost(WAIT).until(() -> lines().size() == 2);
            assertThat(lines().get(0)).startsWith("recv ").contains(" h-1 GET /");
            assertThat(lines().get(1)).startsWith("drop ").endsWith(" h-1");
        }
    }

    @Test
    void withoutALog_nothingIsWritten() {
        try (StubBackend backend = StubBackend.start("a")) {
            assertThat(RawHttpResponse.get(backend.port(), "/").status()).isEqualTo(200);
            assertThat(backend.requestLog()).isNull();
        }
    }

    /** The complete lines written so far (the event loop may be in the middle of one). */
    private List<String> lines() {
        String text = bytes.toString(StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : Arrays.asList(text.substring(0, end).split("\n"));
    }
}
