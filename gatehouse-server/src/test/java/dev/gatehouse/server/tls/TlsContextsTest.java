package dev.gatehouse.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.core.config.ClientAuthConfig;
import dev.gatehouse.core.config.TlsCertificateConfig;
import dev.gatehouse.core.config.TlsConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a listener's TLS section builds, and what it refuses, before any socket. */
final class TlsContextsTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private Path[] site;

    @BeforeEach
    void pki() throws Exception {
        pki = new TestPki(dir);
        site = pki.write(pki.leaf(90, "site.test"), "site");
    }

    private TlsConfig config(List<String> protocols, List<String> ciphers, Path[]... certificates) {
        List<TlsCertificateConfig> certs = java.util.Arrays.stream(certificates)
                .map(c -> new TlsCertificateConfig(c[0].toString(), c[1].toString(), null)).toList();
        return new TlsConfig(certs, TlsConfig.Provider.JDK, protocols, ciphers, TlsConfig.SessionTickets.DEFAULTS,
                ClientAuthConfig.NONE, TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT);
    }

    @Test
    void h2Offered_withTls12_refusesSuitesRfc9113Forbids_andSaysWhich() {
        List<String> ciphers = List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384");
        TlsLoadException e = catchThrowableOfType(TlsLoadException.class,
                () -> TlsContexts.build(config(TlsConfig.PROTOCOLS, ciphers, site), "listeners[0].tls", true, Instant.now()));
        assertThat(e).isNotNull();
        assertThat(e.errors()).extracting(Object::toString).hasSize(2).satisfiesExactly(
                first -> assertThat(first).startsWith("listeners[0].tls.ciphers[1]: \"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA\""
                        + " is not fit for HTTP/2, which this listener offers (RFC 9113 9.2.2").endsWith("or http2: false on this listener)"),
                second -> assertThat(second).startsWith("listeners[0].tls.ciphers[3]: \"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384\" is not fit"));
    }

    @Test
    void theSameSuites_areAccepted_withoutH2_orWithTls13Only() throws Exception {
        List<String> ciphers = List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(TlsContexts.build(config(TlsConfig.PROTOCOLS, ciphers, site), "l", false, Instant.now()).certificates()).hasSize(1);
        assertThat(TlsContexts.build(config(List.of("TLSv1.3"), ciphers, site), "l", true, Instant.now()).certificates()).hasSize(1);
        assertThat(TlsContexts.build(config(TlsConfig.PROTOCOLS, null, site), "l", true, Instant.now()).certificates())
                .as("the default suites all qualify").hasSize(1);
    }

    @Test
    void twoCertificatesWithTheSameFirstName_getAnExpiryGaugeAndTicketKeysEach() throws Exception {
        Path[] again = pki.write(pki.leaf(30, "site.test"), "again");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TlsListener listener = new TlsListener(0, "127.0.0.1:443", true, new TlsMeters(registry, "127.0.0.1:443", Clock.systemUTC()));
        CertificateSet set = listener.prepare(config(TlsConfig.PROTOCOLS, null, site, again), Instant.now());
        listener.install(set, Instant.now());
        List<Gauge> gauges = registry.find(TlsMeters.EXPIRY).gauges().stream().toList();
        assertThat(gauges).hasSize(2);
        assertThat(gauges).extracting(g -> g.getId().getTag("index")).containsExactlyInAnyOrder("0", "1");
        assertThat(gauges).extracting(g -> g.getId().getTag("certificate")).containsOnly("site.test");
        assertThat(set.certificates().get(0).scope()).isNotEqualTo(set.certificates().get(1).scope());
    }
}
