package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The request target's bytes: what is refused (and never reaches the backend), and what is
 * forwarded byte for byte. Requests are written as one char per byte (ISO-8859-1), and the
 * backend records the target the same way, so both sides are compared byte for byte.
 */
final class StrictTargetIT {

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

    private static RawHttpResponse send(String target) {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
            return client.readResponse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/a\u0000b", "/a\u0001b", "/a\u001fb", "/a\u007fb", "/a%zz", "/a%4", "/a%"})
    void controlBytesAndBrokenPercentEncoding_get400_andNothingReachesTheBackend(String target) {
        RawHttpResponse r = send(target);
        assertThat(r.status()).isEqualTo(400);
        assertThat(backend.requests()).isEmpty();
        assertThat(send("/ok").status()).as("the node keeps serving").isEqualTo(200);
    }

    @Test
    void rawUtf8Path_isForwardedByteForByte() {
        // "/café/ü?q=ß" as UTF-8 bytes, written one char per byte.
        String raw = "/caf\u00c3\u00a9/\u00c3\u00bc?q=\u00c3\u009f";
        assertThat(send(raw).status()).isEqualTo(200);
        backend.awaitRequests(1, Duration.ofSeconds(5));
        assertThat(backend.lastRequest().uri()).isEqualTo(raw);
    }

    @Test
    void invalidUtf8_gets400() {
        assertThat(send("/caf\u00e9").status()).as("a lone Latin-1 byte is not UTF-8").isEqualTo(400);
        assertThat(send("/\u00c3").status()).as("a truncated sequence").isEqualTo(400);
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void percentEncodedBytes_areForwardedAsTheyCame() {
        String target = "/caf%C3%A9?x=%2F%20";
        assertThat(send(target).status()).isEqualTo(200);
        backend.awaitRequests(1, Duration.ofSeconds(5));
        assertThat(backend.lastRequest().uri()).isEqualTo(target);
    }

    @Test
    void lookAlikeHeaders_neverReachTheBackend_andTheBodyIsFramedByTheRealOne() {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST /form HTTP/1.1\r\nHost: x\r\nContent_Length: 1000\r\nTransfer_Encoding: chunked\r\n"
                    + "Transfer---Encoding: chunked\r\nX_Tenant: a\r\nX-Tenant: b\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
        backend.awaitRequests(1, Duration.ofSeconds(5));
        var received = backend.lastRequest();
        assertThat(received.headers().names()).noneMatch(n -> n.contains("_") || n.contains("---"));
        assertThat(received.header("X-Tenant")).isEqualTo("b");
        assertThat(received.bodyBytes()).isEqualTo(5);
    }
}
