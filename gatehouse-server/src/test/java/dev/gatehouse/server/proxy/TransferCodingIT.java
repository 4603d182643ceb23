package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Request bodies are forwarded only in {@code Transfer-Encoding: chunked}, alone
 * ({@link TransferCodings}): any other coding list is refused before anything reaches the backend,
 * and the connection closes, since the bytes that follow cannot be framed with confidence.
 */
final class TransferCodingIT {

    private static StubBackend backend;
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        backend = StubBackend.start("a");
        node = TestNode.builder().backend(backend.address()).start();
    }

    @AfterAll
    static void stop() {
        node.close();
        backend.close();
    }

    @BeforeEach
    void clear() {
        backend.clearRequests();
    }

    /** Header fields are given as {@code name: value} joined by {@code " ~ "}. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // The fuzzer's TE.TE case (RequestHeadFuzzTest): an unknown coding, then chunked, in two fields.
        "two fields, the first obfuscated | HTTP/1.1 | Transfer-Encoding: chu\u00eeked ~ Transfer-Encoding: chunked | 501",
        // Chunked twice is the decoder's 400 already.
        "two fields, both chunked         | HTTP/1.1 | Transfer-Encoding: chunked ~ Transfer-Encoding: chunked      | 400",
        "another coding before chunked    | HTTP/1.1 | Transfer-Encoding: gzip, chunked                              | 501",
        "chunked twice in one field       | HTTP/1.1 | Transfer-Encoding: chunked, chunked                           | 400",
        "HTTP/1.0                         | HTTP/1.0 | Transfer-Encoding: chunked                                    | 400",
    })
    void codingsOtherThanChunkedAlone_areRefused_nothingReachesTheBackend_andTheConnectionCloses(
            String name, String version, String fields, int status) {
        String codings = fields.replace(" ~ ", "\r\n");
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST /up " + version + "\r\nHost: x\r\n" + codings + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                    + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(status);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(client::isClosedByPeer);
        }
        assertThat(backend.requests()).as("requests the backend received").isEmpty();
    }

    @Test
    void chunkedAlone_isForwardedChunked_withItsBody() {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
        backend.awaitRequests(1, Duration.ofSeconds(5));
        var received = backend.lastRequest();
        assertThat(received.headers().getAll("Transfer-Encoding")).hasSize(1);
        assertThat(received.bodyBytes()).isEqualTo(5);
    }
}
