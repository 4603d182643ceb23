package dev.gatehouse.server.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.Http2Config;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** h2c with prior knowledge on a plaintext listener: a stream is an exchange like any request. */
final class H2cIT {

    static final Http2Config H2C = Http2Config.DEFAULTS.withH2c(true);

    @Test
    void priorKnowledge_get_isProxiedToTheHttp11Backend() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             H2TestClient client = H2TestClient.connect(node.port())) {
            H2TestClient.Response r = client.request("GET", "/hello", null).get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("a\n");
            assertThat(r.headers().get("x-request-id")).isNotNull();
            assertThat(r.headers().contains("connection")).isFalse();
            assertThat(r.headers().contains("transfer-encoding")).isFalse();
        }
    }

    @Test
    void http11_stillWorksOnAnH2cListener() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             RawHttpClient raw = RawHttpClient.connect(node.port())) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readResponse().status()).isEqualTo(200);
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readResponse().bodyText()).isEqualTo("a\n");
        }
    }
}
