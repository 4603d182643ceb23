package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class RawHttpClientTest {

    private static RawHttpResponse answer(String rawResponse) {
        byte[] bytes = rawResponse.getBytes(StandardCharsets.ISO_8859_1);
        try (StubBackend backend = StubBackend.start("raw", StubBehaviors.raw(bytes))) {
            return RawHttpResponse.get(backend.port(), "/");
        }
    }

    @Test
    void readResponse_dechunksAndKeepsTrailers() {
        RawHttpResponse response = answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Checksum: 42\r\n\r\n");

        assertThat(response.bodyText()).isEqualTo("Wikipedia");
        assertThat(response.bodyLength()).isEqualTo(9);
        assertThat(response.trailers()).containsExactly(Map.entry("X-Checksum", "42"));
    }

    @Test
    void readResponse_readsUntilCloseWithoutFraming() {
        RawHttpResponse response = answer("HTTP/1.0 200 OK\r\nX-A: 1\r\n\r\nuntil the end");

        assertThat(response.version()).isEqualTo("HTTP/1.0");
        assertThat(response.bodyText()).isEqualTo("until the end");
    }

    @Test
    void readResponse_returnsInterimResponsesOnTheirOwn() {
        byte[] bytes = ("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").getBytes(StandardCharsets.ISO_8859_1);
        try (StubBackend backend = StubBackend.start("raw", StubBehaviors.raw(bytes));
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

            RawHttpResponse hints = client.readResponse();
            RawHttpResponse last = client.readResponse();

            assertThat(hints.status()).isEqualTo(103);
            assertThat(hints.reason()).isEqualTo("Early Hints");
            assertThat(hints.header("link")).isEqualTo("</a.css>");
            assertThat(last.bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void readResponse_handlesMissingReasonAndFoldedHeaders() {
        RawHttpResponse response = answer("HTTP/1.1 404\r\nX-Folded: a\r\n  b\r\nContent-Length: 0\r\n\r\n");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.reason()).isEmpty();
        assertThat(response.header("x-folded")).isEqualTo("a b");
    }

    @Test
    void readResponse_rejectsGarbage() {
        byte[] bytes = "SMTP ready\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        try (StubBackend backend = StubBackend.start("raw", StubBehaviors.raw(bytes));
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThatThrownBy(client::readResponse)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("bad status line: SMTP ready");
        }
    }

    @Test
    void isClosedByPeer_keepsBytesThatArriveInstead() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            backend.awaitRequests(1, RawHttpClient.DEFAULT_TIMEOUT);

            // The response arrives during one of these peeks; it must be kept, not swallowed.
            for (int i = 0; i < 5; i++) {
                assertThat(client.isClosedByPeer()).isFalse();
            }
            assertThat(client.readResponse().bodyText()).isEqualTo("a\n");
            await().until(client::isClosedByPeer);
        }
    }
}
