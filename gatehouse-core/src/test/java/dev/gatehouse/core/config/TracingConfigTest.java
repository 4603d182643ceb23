package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code tracing} section. */
final class TracingConfigTest {

    private static GatehouseConfig parse(String top) throws ConfigException {
        return ConfigLoader.parse("""
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: [ { pool: web } ]
                pools:
                  web:
                    backends: [ "10.0.0.1:80" ]
                """ + top, name -> null);
    }

    @Test
    void onByDefault_startingSampledTraces() throws Exception {
        assertThat(parse("").tracing()).isEqualTo(TracingConfig.DEFAULTS);
        assertThat(TracingConfig.DEFAULTS.enabled()).isTrue();
        assertThat(TracingConfig.DEFAULTS.sampled()).isTrue();
        assertThat(parse("tracing:\n").tracing()).isEqualTo(TracingConfig.DEFAULTS);
    }

    @Test
    void everyKey_isRead() throws Exception {
        assertThat(parse("tracing: { enabled: false }\n").tracing()).isEqualTo(new TracingConfig(false, true));
        assertThat(parse("tracing: { sampled: false }\n").tracing()).isEqualTo(new TracingConfig(true, false));
        assertThat(parse("tracing:\n  enabled: true\n  sampled: true\n").tracing()).isEqualTo(TracingConfig.DEFAULTS);
        OtlpConfig otlp = parse("tracing: { otlp: { endpoint: 'http://127.0.0.1:4318/v1/traces' } }\n").tracing().otlp();
        assertThat(otlp).isEqualTo(new OtlpConfig(java.net.URI.create("http://127.0.0.1:4318/v1/traces"),
                OtlpConfig.DEFAULT_SERVICE, OtlpConfig.DEFAULT_PERCENT, OtlpConfig.DEFAULT_TIMEOUT, OtlpConfig.DEFAULT_QUEUE));
        assertThat(parse("tracing: { otlp: { endpoint: 'https://c/v1/traces', service_name: edge, sample_percent: 5,"
                + " timeout: 2s, max_queue: 100 } }\n").tracing().otlp()).isEqualTo(new OtlpConfig(
                java.net.URI.create("https://c/v1/traces"), "edge", 5, java.time.Duration.ofSeconds(2), 100));
    }

    @Test
    void aReloadedConfig_keepsTheSection() throws Exception {
        GatehouseConfig c = parse("tracing: { enabled: false }\n");
        assertThat(c.withPools(c.pools()).tracing().enabled()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "tracing: { enabled: yes please } | tracing.enabled: \"yes please\" (expected: true or false)",
            "tracing: { enabled: 1 } | tracing.enabled: 1 (expected: true or false)",
            "tracing: { sampled: sometimes } | tracing.sampled: \"sometimes\" (expected: true or false)",
            "tracing: { otlp: http://collector:4318 } | tracing.otlp: \"http://collector:4318\" (expected: a map)",
            "tracing: { enabled: false, otlp: { endpoint: 'http://c:4318/v1/traces' } } | tracing.otlp: set while enabled is false",
            "tracing: { otlp: { endpoint: 'http://c:4318/v1/traces', timeout: soon } } | tracing.otlp.timeout: \"soon\"",
            "tracing: true | tracing: ",
    })
    void badValues_areReportedWithTheirPath(String top, String expected) {
        assertThatThrownBy(() -> parse(top + "\n")).isInstanceOf(ConfigException.class).hasMessageContaining(expected);
    }
}
