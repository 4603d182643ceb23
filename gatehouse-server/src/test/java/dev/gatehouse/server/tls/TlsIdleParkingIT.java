package dev.gatehouse.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.StubBackend;
import io.netty.handler.ssl.OpenSsl;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A parked HTTPS keep-alive connection (the proxy's idle parking, behind the TLS handler) serves
 * its next requests: with {@code client_idle} 2 s a connection is parked after 0.5 s of silence.
 */
final class TlsIdleParkingIT {

    /** Long enough for the connection to be parked: two sweeps past the park delay. */
    private static final Duration PARKED = Duration.ofMillis(1200);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void parkedHttpsConnection_servesItsNextRequests(String provider) throws Exception {
        if (provider.equals("openssl")) {
            Assumptions.assumeTrue(OpenSsl.isAvailable(), "netty-tcnative does not load here");
        }
        TestPki pki = new TestPki(dir);
        Path[] cert = pki.write(pki.leaf(90, "api.example.test"), "api");
        String tls = "provider: %s\ncertificates:\n  - { cert: \"%s\", key: \"%s\" }\n".formatted(provider, cert[0], cert[1]);
        try (StubBackend backend = StubBackend.start("a");
             TlsNode node = TlsNode.startYaml(dir, TlsNode.yaml(backend.address(), tls) + "timeouts: { client_idle: 2s }\n");
             HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), "api.example.test")) {
            for (int i = 0; i < 3; i++) {
                HttpsClient.Response r = c.get("/hello");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("a\n");
                long since = System.nanoTime();
                await().pollDelay(PARKED).until(() -> System.nanoTime() - since >= PARKED.toNanos());
            }
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
            assertThat(node.server.clientConnections()).isEqualTo(1);
        }
    }
}
