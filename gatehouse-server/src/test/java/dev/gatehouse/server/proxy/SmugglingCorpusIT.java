package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.proxy.SmugglingCorpus.Case;
import dev.gatehouse.server.proxy.SmugglingCorpus.Kind;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the request-smuggling corpus ({@code smuggling/corpus.txt}) through a real node to a
 * backend that keeps every byte it receives. For each case it checks what the client got (the
 * status, whether the connection closed) and what the backend received, byte for byte: nothing
 * for a refused request, exactly the normalized request for a forwarded one. A sentinel request
 * follows each case in the same write, so a node that reads a different boundary than the
 * client meant shows it; a marker request on a new connection closes each case, so that anything
 * the node might still have sent for the case has arrived before the backend's bytes are read
 * (the backend answered the case's requests before the marker was sent, so their bytes come first).
 */
final class SmugglingCorpusIT {

    private static final String SENTINEL = "GET /sentinel HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String MARKER = "GET /marker HTTP/1.1\r\nHost: x\r\n\r\n";
    /** The headers the node adds to every forwarded request; their values vary (addresses, ids). */
    private static final Pattern ADDED_BY_NODE = Pattern.compile(
            "(?im)^(x-forwarded-for|x-forwarded-proto|x-forwarded-host|x-request-id|traceparent|via):[^\r\n]*\r\n");

    private static StubBackend backend;
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        backend = StubBackend.start("a");
        backend.captureBytes(true);
        node = TestNode.builder().backend(backend.address()).limits(256, 1024, 10_000).start();
    }

    @AfterAll
    static void stop() {
        node.close();
        backend.close();
    }

    static List<Case> corpus() {
        return SmugglingCorpus.load();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void corpusCase(Case c) {
        backend.clearReceivedBytes();
        backend.clearRequests();
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send(c.request() + SENTINEL);
            switch (c.kind()) {
                case FORWARD -> {
                    answeredOk(client, c, c.responses());
                    assertThat(client.readResponse().status()).as("the sentinel").isEqualTo(200);
                }
                case FORWARD_CLOSE -> {
                    answeredOk(client, c, 1);
                    closes(client);
                }
                case ANSWER -> {
                    assertThat(client.readResponse(c.head()).status()).isEqualTo(c.status());
                    assertThat(client.readResponse().status()).as("the sentinel").isEqualTo(200);
                }
                case REJECT, REJECT_BODY -> refused(client, c);
                case REJECT_AFTER -> {
                    answeredOk(client, c, c.responses());
                    refused(client, c);
                }
            }
        }
        try (RawHttpClient other = RawHttpClient.connect(node.port())) {
            assertThat(other.send(MARKER).readResponse().status()).as("the marker").isEqualTo(200);
        }
        String received = ADDED_BY_NODE.matcher(new String(backend.receivedBytes(), StandardCharsets.ISO_8859_1))
                .replaceAll("");
        if (c.kind() == Kind.REJECT_BODY) {
            // The head went out before the body's framing failed; the backend never got a whole request.
            // That connection was closed unanswered, so its bytes may be read after the marker's.
            assertThat(backend.requests()).extracting(RecordedRequest::uri).as("complete requests at the backend")
                    .containsExactly("/marker");
            assertThat(SmugglingCorpus.escape(received)).doesNotContain("/sentinel").contains(SmugglingCorpus.escape(MARKER));
            return;
        }
        String expected = switch (c.kind()) {
            case FORWARD -> c.forwarded() + SENTINEL;
            case ANSWER -> SENTINEL;
            case FORWARD_CLOSE, REJECT_AFTER -> c.forwarded();
            default -> "";
        };
        assertThat(SmugglingCorpus.escape(received)).as("what the backend received")
                .isEqualTo(SmugglingCorpus.escape(expected + MARKER));
    }

    private static void closes(RawHttpClient client) {
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(client::isClosedByPeer);
    }

    private static void answeredOk(RawHttpClient client, Case c, int n) {
        for (int i = 0; i < n; i++) {
            RawHttpResponse r = client.readResponse(c.head());
            assertThat(r.status()).as("response %d: %s", i + 1, r.bodyText()).isEqualTo(200);
        }
    }

    private static void refused(RawHttpClient client, Case c) {
        RawHttpResponse r = client.readResponse(c.head());
        assertThat(r.status()).as("status; body: %s", r.bodyText()).isEqualTo(c.status());
        assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
        closes(client);
    }
}
