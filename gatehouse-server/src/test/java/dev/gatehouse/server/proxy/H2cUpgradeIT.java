package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Requests that offer an optional upgrade to HTTP/2 (h2c), as the JDK's HttpClient (its default
 * version is HTTP/2) and {@code curl --http2} send over cleartext on every request, a POST with
 * a body included: the offer may be ignored (RFC 9110 §7.8), so they are ordinary requests.
 */
final class H2cUpgradeIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String H2C = "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
            + "HTTP2-Settings: AAEAAEAAAAIAAAAAAAMAAAAAAAQBAAAAAAUAAEAAAAYABgAA\r\n";

    @Test
    void postWithBody_offeringH2c_isProxiedAsAnOrdinaryRequest() throws Exception {
        try (StubBackend backend = StubBackend.start("b");
             TestNode node = TestNode.builder().backend(backend.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse r = client.send("POST /form HTTP/1.1\r\nHost: x\r\n" + H2C
                    + "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello").readResponse();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Upgrade")).isNull();
            backend.awaitRequests(1, WAIT);
            assertThat(backend.lastRequest().headers().get("Upgrade")).isNull();
            // The connection carries the next request as before.
            RawHttpResponse next = client.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertThat(next.status()).isEqualTo(200);
        }
    }

    @Test
    void getOfferingH2c_isProxied() throws Exception {
        try (StubBackend backend = StubBackend.start("b");
             TestNode node = TestNode.builder().backend(backend.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse r = client.send("GET /page HTTP/1.1\r\nHost: x\r\n" + H2C + "\r\n").readResponse();

            assertThat(r.status()).isEqualTo(200);
            assertThat(node.server().tunnels().size()).isZero();
        }
    }
}
