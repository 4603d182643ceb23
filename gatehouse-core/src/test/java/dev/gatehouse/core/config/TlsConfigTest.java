package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A listener's {@code tls} section: defaults, every key, and an error with its path for each bad value. */
final class TlsConfigTest {

    private static String config(String tls) {
        return """
                listeners:
                  - bind: 127.0.0.1:8443
                    tls:
                %s
                    routes:
                      - pool: web
                pools:
                  web: {}
                """.formatted(tls.indent(6).stripTrailing());
    }

    private static TlsConfig parse(String tls) throws ConfigException {
        return ConfigLoader.parse(config(tls), name -> null).listeners().get(0).tls();
    }

    private static List<ConfigError> errors(String tls) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(config(tls), name -> null));
        assertThat(e).as("errors for:\n%s", tls).isNotNull();
        return e.errors();
    }

    @Test
    void minimal_takesTheDefaults() throws ConfigException {
        TlsConfig tls = parse("certificates:\n  - { cert: site.crt, key: site.key }");
        assertThat(tls.certificates()).containsExactly(new TlsCertificateConfig("site.crt", "site.key", null));
        assertThat(tls.provider()).isEqualTo(TlsConfig.Provider.AUTO);
        assertThat(tls.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(tls.ciphers()).isNull();
        assertThat(tls.effectiveCiphers()).isEqualTo(TlsConfig.DEFAULT_CIPHERS);
        assertThat(tls.sessionTickets()).isEqualTo(new TlsConfig.SessionTickets(true, Duration.ofHours(1)));
        assertThat(tls.clientAuth()).isEqualTo(ClientAuthConfig.NONE);
        assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void plaintextListener_hasNoTls() throws ConfigException {
        GatehouseConfig c = ConfigLoader.parse("listeners:\n  - bind: 127.0.0.1:80\n    routes: [ { pool: web } ]\npools:\n  web: {}\n",
                name -> null);
        assertThat(c.listeners().get(0).tls()).isNull();
        assertThat(c.listeners().get(0).isTls()).isFalse();
    }

    @Test
    void everyKey_isRead() throws ConfigException {
        TlsConfig tls = parse("""
                certificates:
                  - { cert: a.crt, key: a.key, ocsp: a.ocsp }
                  - { cert: b.crt, key: b.key }
                provider: openssl
                protocols: [TLSv1.3]
                ciphers: [TLS_AES_256_GCM_SHA384]
                session_tickets: { enabled: true, rotate: 10m }
                client_auth: { mode: require, ca: clients.pem, subject_header: X-Subject }
                handshake_timeout: 5s
                """);
        assertThat(tls.certificates()).hasSize(2);
        assertThat(tls.certificates().get(0).ocsp()).isEqualTo("a.ocsp");
        assertThat(tls.provider()).isEqualTo(TlsConfig.Provider.OPENSSL);
        assertThat(tls.protocols()).containsExactly("TLSv1.3");
        assertThat(tls.ciphers()).containsExactly("TLS_AES_256_GCM_SHA384");
        assertThat(tls.sessionTickets().rotate()).isEqualTo(Duration.ofMinutes(10));
        assertThat(tls.clientAuth()).isEqualTo(new ClientAuthConfig(ClientAuthConfig.Mode.REQUIRE, "clients.pem", "X-Subject"));
        assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void sessionTickets_false_turnsThemOff() throws ConfigException {
        TlsConfig tls = parse("certificates: [ { cert: a, key: b } ]\nsession_tickets: false");
        assertThat(tls.sessionTickets().enabled()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            protocols: [TLSv1.1]                 | listeners[0].tls.protocols | [TLSv1.1] (expected: TLSv1.2 and/or TLSv1.3, each once)
            protocols: [TLSv1.2, TLSv1.2]        | listeners[0].tls.protocols | [TLSv1.2, TLSv1.2] (expected: TLSv1.2 and/or TLSv1.3, each once)
            provider: gnutls                     | listeners[0].tls.provider  | "gnutls" (expected one of: auto, openssl, jdk)
            ciphers: [RC4-MD5]                   | listeners[0].tls.ciphers   | "RC4-MD5" (expected: an IANA cipher suite name such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)
            ciphers: [TLS_AES_128_GCM_SHA256]    | listeners[0].tls.ciphers   | no TLS 1.2 suite (expected: at least one *_WITH_* suite while protocols has TLSv1.2)
            ciphers: []                          | listeners[0].tls.ciphers   | [] (expected: at least one cipher suite, or leave it out for the defaults)
            session_tickets: { rotate: 0s }      | listeners[0].tls.session_tickets.rotate | "0s" (expected: a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)
            session_tickets: { rotate: 10ms }    | listeners[0].tls.session_tickets.rotate | 10ms (expected: 1s to 24h)
            client_auth: { mode: require }       | listeners[0].tls.client_auth.ca | missing (expected: a PEM file of the CAs that sign client certificates, with mode require)
            client_auth: { mode: maybe }         | listeners[0].tls.client_auth.mode | "maybe" (expected one of: none, optional, require)
            client_auth: { mode: optional, ca: c.pem, subject_header: "X Subject" } | listeners[0].tls.client_auth.subject_header | "X Subject" (expected: a header name)
            handshake_timeout: 2m                | listeners[0].tls.handshake_timeout | 120000ms (expected: > 0 and <= 60s)
            colour: blue                         | listeners[0].tls.colour    | unknown field "colour" (expected one of: certificates, provider, protocols, ciphers, session_tickets, client_auth, handshake_timeout)
            """)
    void badValue_isReportedAtItsPath(String line, String path, String message) {
        List<ConfigError> errors = errors("certificates: [ { cert: a.crt, key: a.key } ]\n" + line);
        assertThat(errors).containsExactly(new ConfigError(path, message));
    }

    @Test
    void certificates_missingOrIncomplete_areReported() {
        assertThat(errors("provider: jdk")).containsExactly(
                new ConfigError("listeners[0].tls.certificates", "missing (expected: a list of { cert, key })"));
        assertThat(errors("certificates: []")).containsExactly(
                new ConfigError("listeners[0].tls.certificates", "[] (expected: at least one certificate)"));
        assertThat(errors("certificates: [ { cert: a.crt } ]")).containsExactly(
                new ConfigError("listeners[0].tls.certificates[0].key", "missing (expected: the path of a PEM private key)"));
    }

    @Test
    void ocspWithTheJdkProvider_isRefused() {
        assertThat(errors("certificates: [ { cert: a, key: b, ocsp: c } ]\nprovider: jdk")).containsExactly(
                new ConfigError("listeners[0].tls.provider", "\"jdk\" with an ocsp file (expected: provider openssl or auto;"
                        + " the JDK's TLS cannot staple OCSP responses)"));
    }
}
