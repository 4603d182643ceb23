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
            "tracing: { otlp: http://collector:4318 } | tracing.otlp: unknown field",
            "tracing: true | tracing: ",
    })
    void badValues_areReportedWithTheirPath(String top, String expected) {
        assertThatThrownBy(() -> parse(top + "\n")).isInstanceOf(ConfigException.class).hasMessageContaining(expected);
    }
}
