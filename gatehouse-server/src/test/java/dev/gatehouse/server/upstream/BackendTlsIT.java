package dev.gatehouse.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.BackendTlsConfig;
import dev.gatehouse.core.config.TlsConfig.Provider;
import dev.gatehouse.core.config.HealthCheckConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.health.BackendState;
import dev.gatehouse.core.health.BackendStatus;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehaviors;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS from the node to its backends, with certificates made at test time: verified by a CA file
 * and a name, SNI sent, keep-alive reuse, health checks over TLS, and each way verification can
 * fail (a 502, and a backend marked failing with the reason). Every case runs with both providers
 * (OpenSSL only where netty-tcnative loads).
 */
final class BackendTlsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    /** The CA the node is told to trust, and the backend's certificate it signed (api.internal and 127.0.0.1). */
    private static String ca;
    private static SslContext signed;
    /** Another CA, which signed nothing the backend shows. */
    private static String otherCa;

    @BeforeAll
    static void certificates() throws Exception {
        X509Bundle root = new CertificateBuilder().subject("CN=Gatehouse Test Backend CA").setIsCertificateAuthority(true)
                .ecp256().buildSelfSigned();
        X509Bundle leaf = new CertificateBuilder().subject("CN=api.internal").addSanDnsName("api.internal")
                .addSanIpAddress("127.0.0.1").ecp256().buildIssuedBy(root);
        X509Bundle other = new CertificateBuilder().subject("CN=Some Other CA").setIsCertificateAuthority(true)
                .ecp256().buildSelfSigned();
        ca = Files.writeString(dir.resolve("backend-ca.pem"), root.getCertificatePEM()).toString();
        otherCa = Files.writeString(dir.resolve("other-ca.pem"), other.getCertificatePEM()).toString();
        signed = SslContextBuilder.forServer(leaf.getKeyPair().getPrivate(), leaf.getCertificatePath())
                .sslProvider(SslProvider.JDK).build();
    }

    static Stream<Provider> providers() {
        List<Provider> p = new ArrayList<>(List.of(Provider.JDK));
        if (OpenSsl.isAvailable()) {
            p.add(Provider.OPENSSL);
        }
        return p.stream();
    }

    private static TestNode node(StubBackend backend, BackendTlsConfig tls) throws Exception {
        return TestNode.builder().backend(backend.address()).tls("web", tls).accessLog(false).start();
    }

    private static RawHttpResponse get(TestNode node, RawHttpClient client, String path) {
        return client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
    }

    private static BackendStatus status(TestNode node, StubBackend backend) {
        PoolSnapshot web = node.server().snapshots().current().pool("web");
        Member m = web.members().stream().filter(x -> x.backend().address().toString().equals(backend.address()))
                .findFirst().orElseThrow();
        return web.health().status(m);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void verifiedByTheCaAndServerName_sendsSni_andKeepsTheConnectionAlive(Provider provider) throws Exception {
        try (StubBackend backend = StubBackend.startTls("secure", StubBehaviors.standard("secure"), signed);
             TestNode node = node(backend, new BackendTlsConfig(true, ca, "api.internal", true, provider));
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            for (int i = 0; i < 3; i++) {
                RawHttpResponse r = get(node, client, "/r" + i);
                assertThat(r.status()).as("request %d", i).isEqualTo(200);
                assertThat(r.bodyText()).startsWith("secure");
            }
            assertThat(backend.connectionsAccepted()).as("one TLS connection, reused").isEqualTo(1);
            assertThat(backend.serverNames()).containsExactly("api.internal");
            assertThat(backend.requests()).extracting(req -> req.uri()).containsExactly("/r0", "/r1", "/r2");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void anIpBackendWithoutServerName_isVerifiedByItsIp_andGetsNoSni(Provider provider) throws Exception {
        try (StubBackend backend = StubBackend.startTls("ip", StubBehaviors.standard("ip"), signed);
             TestNode node = node(backend, new BackendTlsConfig(true, ca, null, true, provider));
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            assertThat(get(node, client, "/").status()).isEqualTo(200);
            assertThat(backend.serverNames()).containsExactly("");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void aCertificateFromAnotherCa_is502_andTheBackendIsMarkedFailingWithTheReason(Provider provider) throws Exception {
        try (StubBackend backend = StubBackend.startTls("forged", StubBehaviors.standard("forged"), signed);
             TestNode node = node(backend, new BackendTlsConfig(true, otherCa, "api.internal", true, provider))) {
            // Outlier detection ejects after 3 connect failures in a row (the default).
            for (int i = 0; i < 3; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    RawHttpResponse r = get(node, client, "/");
                    assertThat(r.status()).isEqualTo(502);
                }
            }
            await().atMost(WAIT).untilAsserted(() -> {
                BackendStatus s = status(node, backend);
                assertThat(s.state()).isEqualTo(BackendState.EJECTED);
                assertThat(s.reason()).contains("TLS handshake with " + backend.address())
                        .contains("its certificate is not trusted by ca " + otherCa);
            });
            assertThat(backend.requests()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void aCertificateThatDoesNotNameTheServer_is502_andSaysSo(Provider provider) throws Exception {
        try (StubBackend backend = StubBackend.startTls("misnamed", StubBehaviors.standard("misnamed"), signed);
             TestNode node = node(backend, new BackendTlsConfig(true, ca, "billing.internal", true, provider))) {
            for (int i = 0; i < 3; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    assertThat(get(node, client, "/").status()).isEqualTo(502);
                }
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(status(node, backend).reason())
                    .contains("TLS handshake with " + backend.address() + " (billing.internal) failed: "
                            + "its certificate does not name billing.internal"));
            assertThat(backend.requests()).isEmpty();
            // The backend saw the name the node wanted, and refused nothing: the node refused it.
            assertThat(backend.serverNames()).contains("billing.internal");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void verifyFalse_acceptsAnyCertificate(Provider provider) throws Exception {
        try (StubBackend backend = StubBackend.startTls("lax", StubBehaviors.standard("lax"), signed);
             TestNode node = node(backend, new BackendTlsConfig(true, null, "whatever.example", false, provider));
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            assertThat(get(node, client, "/").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void healthChecks_speakTlsToo(Provider provider) throws Exception {
        HealthCheckConfig check = new HealthCheckConfig(HealthCheckConfig.Type.HTTP, "/health", "GET", null, 200, 399,
                null, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 1, 1);
        HealthConfig health = new HealthConfig(check, HealthConfig.DEFAULTS.outlier(), HealthConfig.DEFAULTS.slowStart(),
                HealthConfig.DEFAULTS.panic());
        try (StubBackend good = StubBackend.startTls("good", StubBehaviors.standard("good"), signed);
             StubBackend bad = StubBackend.startTls("bad", StubBehaviors.standard("bad"), signed)) {
            BackendTlsConfig trusted = new BackendTlsConfig(true, ca, "api.internal", true, provider);
            BackendTlsConfig untrusted = new BackendTlsConfig(true, otherCa, "api.internal", true, provider);
            try (TestNode node = TestNode.builder().backend(good.address()).backend("other", bad.address())
                    .route(null, "/", "web").route(null, "/other/", "other")
                    .health("web", health).health("other", health).tls("web", trusted).tls("other", untrusted)
                    .accessLog(false).start()) {
                await().atMost(WAIT).untilAsserted(() -> {
                    assertThat(status(node, good).lastCheck()).startsWith("passed: HTTP 200");
                    assertThat(status(node, good).state()).isEqualTo(BackendState.HEALTHY);
                });
                await().atMost(WAIT).untilAsserted(() -> {
                    PoolSnapshot other = node.server().snapshots().current().pool("other");
                    BackendStatus s = other.health().status(other.members().get(0));
                    assertThat(s.state()).isEqualTo(BackendState.UNHEALTHY);
                    assertThat(s.lastCheck()).contains("TLS handshake with " + bad.address())
                            .contains("its certificate is not trusted by ca " + otherCa);
                });
                assertThat(good.requests()).allSatisfy(r -> assertThat(r.uri()).isEqualTo("/health"));
                assertThat(good.serverNames()).contains("api.internal");
            }
        }
    }
}
