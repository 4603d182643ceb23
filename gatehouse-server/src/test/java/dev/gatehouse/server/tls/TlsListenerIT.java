package dev.gatehouse.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.core.state.StateStore;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import io.netty.handler.ssl.OpenSsl;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS listeners with real handshakes, both providers, certificates made at test time. */
final class TlsListenerIT {

    @TempDir
    Path dir;
    private TestPki pki;

    @BeforeEach
    void pki() throws Exception {
        pki = new TestPki(dir);
    }

    private static void assumeProvider(String provider) {
        if (provider.equals("openssl")) {
            Assumptions.assumeTrue(OpenSsl.isAvailable(), "netty-tcnative does not load here");
        }
    }

    private String threeCertificates(String provider) throws Exception {
        Path[] def = pki.write(pki.leaf(90, "default.test"), "default");
        Path[] exact = pki.write(pki.leaf(90, "api.example.test"), "exact");
        Path[] wild = pki.write(pki.leaf(90, "*.example.test"), "wild");
        return """
                provider: %s
                certificates:
                  - { cert: "%s", key: "%s" }
                  - { cert: "%s", key: "%s" }
                  - { cert: "%s", key: "%s" }
                """.formatted(provider, def[0], def[1], wild[0], wild[1], exact[0], exact[1]);
    }

    private static String cn(HttpsClient c) throws IOException {
        return c.serverCertificate().getSubjectX500Principal().getName();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void sni_picksExactThenWildcardThenTheDefault(String provider) throws Exception {
        assumeProvider(provider);
        try (StubBackend backend = StubBackend.start("a");
             TlsNode node = TlsNode.start(dir, backend.address(), threeCertificates(provider))) {
            // A fresh client context per connection: a client's session cache would resume the first
            // session (and its certificate) whatever name it asks for next.
            try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), "api.example.test")) {
                assertThat(cn(c)).isEqualTo("CN=api.example.test");
            }
            try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), "www.example.test")) {
                assertThat(cn(c)).isEqualTo("CN=*.example.test");
            }
            // A wildcard matches one label only.
            try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), "a.b.example.test")) {
                assertThat(cn(c)).isEqualTo("CN=default.test");
            }
            try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), "other.test")) {
                assertThat(cn(c)).isEqualTo("CN=default.test");
            }
            try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), null)) {
                assertThat(cn(c)).isEqualTo("CN=default.test");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void https11_reachesTheBackend_withForwardedProtoHttps_onKeepAlive(String provider) throws Exception {
        assumeProvider(provider);
        try (StubBackend backend = StubBackend.start("a");
             TlsNode node = TlsNode.start(dir, backend.address(), threeCertificates(provider));
             HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), "api.example.test")) {
            for (int i = 0; i < 5; i++) {
                HttpsClient.Response r = c.get("/hello", "X-Forwarded-Proto: http");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.headers().get("x-backend")).isEqualTo("a");
            }
            backend.awaitRequests(5, Duration.ofSeconds(5));
            RecordedRequest seen = backend.lastRequest();
            assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("https");
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
            String metrics = node.server.metrics().scrape();
            assertThat(metrics).containsPattern("gatehouse_tls_handshakes_total\\{listener=\"127.0.0.1:0\",result=\"success\",version=\"TLSv1.3\"} 1.0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void tls12Only_isServed_andTls13ClientsAreRefusedThen(String provider) throws Exception {
        assumeProvider(provider);
        try (StubBackend backend = StubBackend.start("a");
             TlsNode node = TlsNode.start(dir, backend.address(), threeCertificates(provider) + "protocols: [TLSv1.2]\n")) {
            try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), "x.example.test")) {
                assertThat(c.protocol()).isEqualTo("TLSv1.2");
                assertThat(c.get("/hello").status()).isEqualTo(200);
            }
            assertThatThrownBy(() -> new HttpsClient(pki.clientContext(null), node.port(), "x.example.test", "TLSv1.3"))
                    .isInstanceOf(SSLException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void tls10And11_areRefused(String provider) throws Exception {
        assumeProvider(provider);
        Assumptions.assumeTrue(OpenSsl.isAvailable(), "the old-protocol client is BoringSSL's");
        try (StubBackend backend = StubBackend.start("a");
             TlsNode node = TlsNode.start(dir, backend.address(), threeCertificates(provider))) {
            for (String old : List.of("TLSv1", "TLSv1.1")) {
                assertThat(OldClient.handshake(node.port(), old)).as(old).isNotNull();
            }
            assertThat(OldClient.handshake(node.port(), "TLSv1.2")).isNull();
            try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), null)) {
                assertThat(c.get("/hello").status()).isEqualTo(200);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void clientAuthOptional_passesTheVerifiedSubject_andStripsASpoofedOne(String provider) throws Exception {
        assumeProvider(provider);
        Path ca = pki.writeCa("clients");
        String tls = threeCertificates(provider) + "client_auth: { mode: optional, ca: \"" + ca + "\" }\n";
        try (StubBackend backend = StubBackend.start("a"); TlsNode node = TlsNode.start(dir, backend.address(), tls)) {
            X509Bundle alice = pki.client("CN=alice,O=Example");
            try (HttpsClient c = new HttpsClient(pki.clientContext(alice), node.port(), null)) {
                assertThat(c.get("/hello", "X-Client-Cert-Subject: CN=mallory").status()).isEqualTo(200);
                backend.awaitRequests(1, Duration.ofSeconds(5));
                assertThat(backend.lastRequest().header("X-Client-Cert-Subject")).isEqualTo("CN=alice,O=Example");
            }
            try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), null)) {
                assertThat(c.get("/hello", "X-Client-Cert-Subject: CN=mallory").status()).isEqualTo(200);
                backend.awaitRequests(2, Duration.ofSeconds(5));
                assertThat(backend.lastRequest().header("X-Client-Cert-Subject")).isNull();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void clientAuthRequire_refusesAClientWithoutCertificate(String provider) throws Exception {
        assumeProvider(provider);
        Path ca = pki.writeCa("clients");
        String tls = threeCertificates(provider) + "client_auth: { mode: require, ca: \"" + ca + "\", subject_header: X-Who }\n";
        try (StubBackend backend = StubBackend.start("a"); TlsNode node = TlsNode.start(dir, backend.address(), tls)) {
            try (HttpsClient c = new HttpsClient(pki.clientContext(pki.client("CN=bob")), node.port(), null)) {
                assertThat(c.get("/hello", "X-Who: CN=root").status()).isEqualTo(200);
                backend.awaitRequests(1, Duration.ofSeconds(5));
                assertThat(backend.lastRequest().header("X-Who")).isEqualTo("CN=bob");
            }
            // TLS 1.3: the server's refusal may come after the client's handshake, at the first read.
            assertThatThrownBy(() -> {
                try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), null)) {
                    c.get("/hello");
                }
            }).isInstanceOf(IOException.class);
            assertThat(backend.requests()).hasSize(1);
        }
    }

    @Test
    void garbageAndPlaintext_onTheTlsPort_areClosed_andTheNodeKeepsServing() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TlsNode node = TlsNode.start(dir, backend.address(), threeCertificates("auto"))) {
            assertThat(sendAndReadToEnd(node.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                    .isLessThan(64);
            byte[] garbage = new byte[600];
            new java.util.Random(42).nextBytes(garbage);
            garbage[0] = 0x16; // a handshake record type, then noise
            garbage[1] = 0x03;
            garbage[2] = 0x01;
            garbage[3] = 0x02; // a record of 595 bytes: complete, so it is parsed at once
            garbage[4] = 0x53;
            sendAndReadToEnd(node.port(), garbage);
            try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), null)) {
                assertThat(c.get("/hello").status()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(node.server.metrics().scrape())
                    .contains("gatehouse_tls_handshakes_total{listener=\"127.0.0.1:0\",result=\"failure\",version=\"none\"} 2.0"));
        }
    }

    /** Sends bytes, then reads until the server closes; returns how many bytes came back. */
    private static int sendAndReadToEnd(int port, byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            return in.readAllBytes().length;
        } catch (java.net.SocketException reset) {
            return 0;
        }
    }

    @Test
    void expiredMismatchedAndMissingFiles_areRefusedAtStart_withTheFileAndWhy() throws Exception {
        X509Bundle expired = pki.leaf(Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)), "old.test");
        Path[] e = pki.write(expired, "expired");
        Path[] good = pki.write(pki.leaf(30, "good.test"), "good");
        Path[] other = pki.write(pki.leaf(30, "other.test"), "other");
        String tls = """
                certificates:
                  - { cert: "%s", key: "%s" }
                  - { cert: "%s", key: "%s" }
                  - { cert: "%s", key: "%s" }
                """.formatted(e[0], e[1], good[0], other[1], dir.resolve("missing.crt"), good[1]);
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, TlsNode.yaml("127.0.0.1:1", tls));
        ConfigException thrown = catchThrowableOfType(ConfigException.class,
                () -> GatehouseServer.start(ConfigLoader.load(config), StateStore.NONE, null).stop());
        assertThat(thrown).isNotNull();
        assertThat(thrown.errors()).extracting(Object::toString).containsExactly(
                "listeners[0].tls.certificates[0]: \"" + e[0] + "\": expired on " + expired.getCertificate().getNotAfter().toInstant()
                        + " (expected: a certificate valid now)",
                "listeners[0].tls.certificates[1]: \"" + other[1] + "\": does not match the certificate in \"" + good[0]
                        + "\" (expected: the private key of that certificate)",
                "listeners[0].tls.certificates[2]: \"" + dir.resolve("missing.crt")
                        + "\": does not exist (expected: a PEM certificate chain, the leaf first)");
    }

    @Test
    void aBadFileAtReload_changesNothing_andSaysWhy() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TlsNode node = TlsNode.start(dir, backend.address(), threeCertificates("auto"))) {
            Path keyOfDefault = dir.resolve("default.key");
            String goodKey = Files.readString(keyOfDefault);
            TestPki.replace(keyOfDefault, TestPki.keyPem(pki.leaf(30, "x.test")));
            assertThatThrownBy(node::reload).isInstanceOf(ChangeRejected.class)
                    .hasMessageContaining("listeners[0].tls.certificates[0]: \"" + keyOfDefault + "\": does not match")
                    .hasMessageContaining("nothing changed");
            TestPki.replace(dir.resolve("default.crt"), "not a certificate");
            assertThatThrownBy(() -> node.server.control().reload(node.server.control().config(), "test"))
                    .hasMessageContaining("holds no PEM certificate");
            try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), null)) {
                assertThat(cn(c)).isEqualTo("CN=default.test");
                assertThat(c.get("/hello").status()).isEqualTo(200);
            }
            TestPki.replace(keyOfDefault, goodKey);
        }
    }

    @Test
    void curl_getsHttps11() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        try (StubBackend backend = StubBackend.start("a");
             TlsNode node = TlsNode.start(dir, backend.address(), threeCertificates("auto"))) {
            Path ca = pki.writeCa("ca");
            Process p = new ProcessBuilder("curl", "-sS", "--cacert", ca.toString(), "--resolve",
                    "api.example.test:" + node.port() + ":127.0.0.1", "-w", "%{http_code} %{http_version}",
                    "-o", "/dev/null", "https://api.example.test:" + node.port() + "/hello")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).isEqualTo("200 1.1");
        }
    }
}
