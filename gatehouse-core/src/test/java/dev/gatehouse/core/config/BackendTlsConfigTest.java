package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class BackendTlsConfigTest {

    @TempDir
    static Path dir;
    private static Path ca;

    /** A real CA certificate, taken from the JDK's trust store and written as PEM: no key involved. */
    @BeforeAll
    static void writeCa() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
            store.load(in, null);
        }
        String alias = Collections.list(store.aliases()).get(0);
        Certificate cert = store.getCertificate(alias);
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        ca = Files.writeString(dir.resolve("ca.pem"), pem);
    }

    private static String withTls(String tls) {
        return """
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: [{ pool: api }]
                pools:
                  api:
                    backends: [10.0.0.1:8443]
                    tls: %s
                """.formatted(tls);
    }

    private static BackendTlsConfig tls(String tls) throws ConfigException {
        return ConfigLoader.parse(withTls(tls), n -> null).pools().get("api").tls();
    }

    private static List<ConfigError> errors(String tls) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(withTls(tls), n -> null));
        assertThat(e).isNotNull();
        return e.errors();
    }

    @Test
    void absent_isOff() throws ConfigException {
        GatehouseConfig c = ConfigLoader.parse(withTls("~"), n -> null);
        assertThat(c.pools().get("api").tls()).isEqualTo(BackendTlsConfig.OFF);
        assertThat(c.pools().get("api").tls().enabled()).isFalse();
    }

    @Test
    void trueAndAnEmptyMap_areOnWithVerificationAgainstTheJdkTrustStore() throws ConfigException {
        assertThat(tls("true")).isEqualTo(BackendTlsConfig.DEFAULTS);
        assertThat(tls("{}")).isEqualTo(BackendTlsConfig.DEFAULTS);
        assertThat(BackendTlsConfig.DEFAULTS.verify()).isTrue();
        assertThat(BackendTlsConfig.DEFAULTS.ca()).isNull();
        assertThat(tls("false")).isEqualTo(BackendTlsConfig.OFF);
    }

    @Test
    void everyKey() throws ConfigException {
        BackendTlsConfig t = tls("{ enabled: true, ca: \"" + ca + "\", server_name: API.internal, verify: true, provider: jdk }");

        assertThat(t).isEqualTo(new BackendTlsConfig(true, ca.toString(), "api.internal", true, TlsConfig.Provider.JDK));
    }

    @Test
    void verifyFalse_mustBeSaid() throws ConfigException {
        assertThat(tls("{ verify: false, provider: openssl }").verify()).isFalse();
    }

    @Test
    void theCaFile_isCheckedAtLoad() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        String expected = " (expected: a readable PEM file of CA certificates)";

        assertThat(errors("{ ca: " + dir.resolve("missing.pem") + " }")).containsExactly(new ConfigError("pools.api.tls.ca",
                "\"" + dir.resolve("missing.pem") + "\" does not exist" + expected));
        assertThat(errors("{ ca: " + empty + " }")).containsExactly(new ConfigError("pools.api.tls.ca",
                "\"" + empty + "\" holds no certificate" + expected));
        assertThat(errors("{ ca: " + garbage + " }")).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("pools.api.tls.ca");
            assertThat(e.message()).startsWith("\"" + garbage + "\" holds no valid certificate: ").endsWith(expected);
        });
    }

    @Test
    void badValues_areReportedWithTheirPath() {
        assertThat(errors("{ server_name: 10.0.0.1 }")).containsExactly(new ConfigError("pools.api.tls.server_name",
                "\"10.0.0.1\" (expected: a DNS name such as api.internal; not an IP address, which SNI cannot carry: "
                        + "leave server_name out to verify a backend by its IP address)"));
        assertThat(errors("{ server_name: \"a b\" }")).extracting(ConfigError::path).containsExactly("pools.api.tls.server_name");
        assertThat(errors("{ provider: netty }")).containsExactly(new ConfigError("pools.api.tls.provider",
                "\"netty\" (expected one of: auto, openssl, jdk)"));
        assertThat(errors("{ verify: \"no\" }")).extracting(ConfigError::path).containsExactly("pools.api.tls.verify");
        assertThat(errors("{ sni: x }")).containsExactly(new ConfigError("pools.api.tls.sni",
                "unknown field \"sni\" (expected one of: enabled, ca, server_name, verify, provider)"));
        assertThat(errors("yes")).extracting(ConfigError::path).containsExactly("pools.api.tls");
    }

    @Test
    void record_checksItsParts() {
        assertThatThrownBy(() -> new BackendTlsConfig(true, " ", null, true, TlsConfig.Provider.AUTO))
                .hasMessageStartingWith("ca: ");
        assertThatThrownBy(() -> new BackendTlsConfig(true, null, "Api.internal", true, TlsConfig.Provider.AUTO))
                .hasMessageStartingWith("server_name: ");
    }
}
