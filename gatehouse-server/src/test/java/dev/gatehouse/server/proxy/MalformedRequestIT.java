package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed request gets its status and a closed connection, and a client on another
 * connection, mid-keep-alive, does not notice.
 */
final class MalformedRequestIT {

    private static StubBackend backend;
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        backend = StubBackend.start("a");
        node = TestNode.builder().backend(backend.address()).limits(1024, 4096, 1000).start();
    }

    @AfterAll
    static void stop() {
        node.close();
        backend.close();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("bad request line", "GARBAGE\r\n\r\n", 400),
                Arguments.of("bad version", "GET / HTTP/9\r\nHost: x\r\n\r\n", 400),
                Arguments.of("two different Content-Length values",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
                Arguments.of("Content-Length with Transfer-Encoding",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("bare LF in chunk framing",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("bare LF after chunk data",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", 400),
                Arguments.of("oversized headers", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(5000) + "\r\n\r\n", 431),
                Arguments.of("request line too long", "GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                Arguments.of("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400),
                Arguments.of("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                Arguments.of("invalid Host", "GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n", 400),
                Arguments.of("relative target", "GET foo HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("space in header name", "GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400),
                Arguments.of("body over the limit", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n", 413),
                Arguments.of("chunked body over the limit", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "3e9\r\n" + "b".repeat(1001) + "\r\n0\r\n\r\n", 413),
                Arguments.of("CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 501),
                Arguments.of("HTTP/2 preface on an HTTP/1 listener", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("malformed")
    void malformedRequest_getsItsStatus_andOthersAreUndisturbed(String name, String raw, int status) throws Exception {
        try (RawHttpClient bystander = RawHttpClient.connect(node.port());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            bystander.send("GET /before HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(bystander.readResponse().status()).isEqualTo(200);

            client.send(raw);
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).as(name).isEqualTo(status);
            assertThat(r.header("X-Request-Id")).isNotBlank();
            assertThat(r.bodyText()).contains("request id: " + r.header("X-Request-Id"));
            if (status != 501) {
                assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
                assertThat(client.isClosedByPeer()).as("connection closed after %s", name).isTrue();
            }

            bystander.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(bystander.readResponse().status()).isEqualTo(200);
        }
    }
}
