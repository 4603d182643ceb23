package dev.gatehouse.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.ClientAuthConfig;
import dev.gatehouse.core.config.TlsCertificateConfig;
import dev.gatehouse.core.config.TlsConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SNI choice among a listener's certificates, and the names read from them. */
final class CertificateSetTest {

    @TempDir
    Path dir;

    @Test
    void select_exactThenWildcardOfOneLabelThenDefault() throws Exception {
        TestPki pki = new TestPki(dir);
        Path[] def = pki.write(pki.leaf(90, "default.test", "alt.default.test"), "default");
        Path[] wild = pki.write(pki.leaf(90, "*.example.test"), "wild");
        Path[] exact = pki.write(pki.leaf(90, "api.example.test"), "exact");
        TlsConfig config = new TlsConfig(List.of(new TlsCertificateConfig(def[0].toString(), def[1].toString(), null),
                new TlsCertificateConfig(wild[0].toString(), wild[1].toString(), null),
                new TlsCertificateConfig(exact[0].toString(), exact[1].toString(), null)),
                TlsConfig.Provider.JDK, TlsConfig.PROTOCOLS, null, TlsConfig.SessionTickets.DEFAULTS, ClientAuthConfig.NONE,
                TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT);
        CertificateSet set = TlsContexts.build(config, "listeners[0].tls", false, Instant.now());
        assertThat(set.certificates()).extracting(ServedCertificate::names).containsExactly(
                List.of("default.test", "alt.default.test"), List.of("*.example.test"), List.of("api.example.test"));
        assertThat(set.select("api.example.test").index()).isEqualTo(2);
        assertThat(set.select("API.Example.Test.").index()).isEqualTo(2);
        assertThat(set.select("www.example.test").index()).isEqualTo(1);
        assertThat(set.select("a.b.example.test").index()).isEqualTo(0);
        assertThat(set.select("example.test").index()).isEqualTo(0);
        assertThat(set.select("alt.default.test").index()).isEqualTo(0);
        assertThat(set.select(null).index()).isEqualTo(0);
    }
}
