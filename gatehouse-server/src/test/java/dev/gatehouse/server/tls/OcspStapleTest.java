package dev.gatehouse.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.config.TlsCertificateConfig;
import io.netty.pkitesting.X509Bundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCSP responses made by {@code openssl ocsp} (a real responder's encoding, not this reader's own)
 * checked at load: the right serial, "good", not stale; and what is read from them.
 */
final class OcspStapleTest {

    @TempDir
    Path dir;
    private TestPki pki;

    @BeforeEach
    void openssl() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        pki = new TestPki(dir);
    }

    /** A response from {@code openssl ocsp} acting as the CA's responder, valid 7 days, about {@code leaf}. */
    private Path respond(X509Bundle leaf, boolean revoked, String name) throws Exception {
        Path ca = pki.writeCa("ca");
        Path caKey = dir.resolve("ca.key");
        Files.writeString(caKey, TestPki.keyPem(pki.ca));
        Path cert = dir.resolve(name + "-leaf.pem");
        Files.writeString(cert, TestPki.pem("CERTIFICATE", leaf.getCertificate().getEncoded()));
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
        String serial = leaf.getCertificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        String expiry = f.format(leaf.getCertificate().getNotAfter().toInstant());
        Path index = dir.resolve(name + "-index.txt");
        Files.writeString(index, (revoked ? "R\t" + expiry + "\t" + f.format(Instant.now().minusSeconds(60)) : "V\t" + expiry + "\t")
                + "\t" + serial + "\tunknown\t/CN=" + name + "\n");
        Path request = dir.resolve(name + "-req.der");
        Path response = dir.resolve(name + ".ocsp");
        run("openssl", "ocsp", "-issuer", ca.toString(), "-cert", cert.toString(), "-no_nonce", "-reqout", request.toString());
        run("openssl", "ocsp", "-index", index.toString(), "-rsigner", ca.toString(), "-rkey", caKey.toString(),
                "-CA", ca.toString(), "-reqin", request.toString(), "-respout", response.toString(), "-ndays", "7");
        return response;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    private TlsCertificateConfig config(X509Bundle leaf, String name, Path ocsp) throws Exception {
        Path[] files = pki.write(leaf, name);
        return new TlsCertificateConfig(files[0].toString(), files[1].toString(), ocsp.toString());
    }

    @Test
    void aGoodResponseForTheLeaf_isRead_withItsSerialAndNextUpdate() throws Exception {
        X509Bundle leaf = pki.leaf(90, "site.test");
        Path ocsp = respond(leaf, false, "site");
        List<OcspStaple.Single> singles = OcspStaple.parse(Files.readAllBytes(ocsp));
        assertThat(singles).singleElement().satisfies(s -> {
            assertThat(s.serial()).isEqualTo(leaf.getCertificate().getSerialNumber());
            assertThat(s.status()).isEqualTo(OcspStaple.Status.GOOD);
            assertThat(s.nextUpdate()).isBetween(Instant.now().plus(Duration.ofDays(7)).minusSeconds(120),
                    Instant.now().plus(Duration.ofDays(7)).plusSeconds(120));
        });
        CertificateFiles.Loaded loaded = CertificateFiles.load(config(leaf, "site", ocsp), Instant.now());
        assertThat(loaded.ocspNextUpdate()).isEqualTo(singles.get(0).nextUpdate());
    }

    @Test
    void aResponseForAnotherCertificate_revokedOrStale_isRefusedWithWhy() throws Exception {
        X509Bundle leaf = pki.leaf(90, "site.test");
        X509Bundle other = pki.leaf(90, "other.test");
        Path forOther = respond(other, false, "other");
        assertThatThrownBy(() -> CertificateFiles.load(config(leaf, "site", forOther), Instant.now()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("is about the serial numbers [" + other.getCertificate().getSerialNumber().toString(16)
                        + "], not " + leaf.getCertificate().getSerialNumber().toString(16))
                .hasMessageContaining("(expected: the OCSP response for that certificate)");

        Path revoked = respond(leaf, true, "revoked");
        assertThatThrownBy(() -> CertificateFiles.load(config(leaf, "site", revoked), Instant.now()))
                .hasMessageContaining("says the certificate").hasMessageContaining("is revoked");

        Path good = respond(leaf, false, "site");
        assertThatThrownBy(() -> CertificateFiles.load(config(leaf, "site", good), Instant.now().plus(Duration.ofDays(8))))
                .hasMessageContaining("is stale: its nextUpdate was")
                .hasMessageContaining("fetch a new one and reload");

        byte[] truncated = java.util.Arrays.copyOf(Files.readAllBytes(good), 40);
        Path cut = dir.resolve("cut.ocsp");
        Files.write(cut, truncated);
        assertThatThrownBy(() -> CertificateFiles.load(config(leaf, "site", cut), Instant.now()))
                .hasMessageContaining("is no usable OCSP response");
    }

    @Test
    void theStapledResponse_hasAnExpiryGauge() throws Exception {
        Assumptions.assumeTrue(io.netty.handler.ssl.OpenSsl.isAvailable(), "OCSP is stapled by the OpenSSL provider");
        X509Bundle leaf = pki.leaf(90, "site.test");
        Path ocsp = respond(leaf, false, "site");
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        TlsListener listener = new TlsListener(0, "l", false, new TlsMeters(registry, "l", java.time.Clock.systemUTC()));
        var config = new dev.gatehouse.core.config.TlsConfig(List.of(config(leaf, "site", ocsp)),
                dev.gatehouse.core.config.TlsConfig.Provider.OPENSSL, dev.gatehouse.core.config.TlsConfig.PROTOCOLS, null,
                dev.gatehouse.core.config.TlsConfig.SessionTickets.DEFAULTS, dev.gatehouse.core.config.ClientAuthConfig.NONE,
                dev.gatehouse.core.config.TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT);
        listener.install(listener.prepare(config, Instant.now()), Instant.now());
        double seconds = registry.get(TlsMeters.OCSP_EXPIRY).tag("index", "0").tag("certificate", "site.test").gauge().value();
        assertThat(seconds).isBetween(Duration.ofDays(7).minusMinutes(5).toSeconds() * 1.0, Duration.ofDays(7).toSeconds() + 60.0);
    }
}
