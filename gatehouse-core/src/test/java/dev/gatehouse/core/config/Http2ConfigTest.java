package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A listener's {@code http2} section. */
final class Http2ConfigTest {

    private static String listener(String http2) {
        return """
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: [ { pool: web } ]
                %s
                pools:
                  web: {}
                """.formatted(http2 == null ? "" : "    http2: " + http2);
    }

    private static Http2Config read(String http2) throws ConfigException {
        return ConfigLoader.parse(listener(http2), name -> null).listeners().get(0).http2();
    }

    @Test
    void absent_isTheDefaults_enabledWithoutH2c() throws ConfigException {
        Http2Config d = read(null);
        assertThat(d).isEqualTo(Http2Config.DEFAULTS);
        assertThat(d.enabled()).isTrue();
        assertThat(d.priorKnowledge()).isFalse();
        assertThat(d.maxConcurrentStreams()).isEqualTo(100);
        assertThat(d.initialWindowSize()).isEqualTo(65_535);
        assertThat(d.maxFrameSize()).isEqualTo(16_384);
        assertThat(d.effectiveConnectionWindow()).isEqualTo(100 * 65_535);
        assertThat(d.effectiveMaxHeaderListSize(LimitsConfig.DEFAULTS)).isEqualTo(32 * 1024);
    }

    @Test
    void booleanShorthand_setsEnabled() throws ConfigException {
        assertThat(read("false").enabled()).isFalse();
        assertThat(read("true")).isEqualTo(Http2Config.DEFAULTS);
    }

    @Test
    void map_readsEveryKey() throws ConfigException {
        Http2Config c = read("{ enabled: true, h2c: true, max_concurrent_streams: 250, initial_window_size: 1m, "
                + "connection_window_size: 16m, max_frame_size: 32k, max_header_list_size: 16k }");
        assertThat(c).isEqualTo(new Http2Config(true, true, 250, 1 << 20, 16 << 20, 32 << 10, 16 << 10));
        assertThat(c.priorKnowledge()).isTrue();
        assertThat(c.effectiveConnectionWindow()).isEqualTo(16 << 20);
        assertThat(c.effectiveMaxHeaderListSize(LimitsConfig.DEFAULTS)).isEqualTo(16 << 10);
    }

    @Test
    void connectionWindow_byDefault_isCappedAtTheLargestWindow() {
        Http2Config c = new Http2Config(true, false, 10_000, Integer.MAX_VALUE, 0, 16_384, 0);
        assertThat(c.effectiveConnectionWindow()).isEqualTo(Integer.MAX_VALUE);
    }

    static Stream<Arguments> errors() {
        String p = "listeners[0].http2";
        return Stream.of(
                Arguments.of("yes", p, "\"yes\" (expected: true, false, or a map with keys enabled, h2c, "
                        + "max_concurrent_streams, initial_window_size, connection_window_size, max_frame_size, max_header_list_size)"),
                Arguments.of("{ max_concurrent_streams: 0 }", p + ".max_concurrent_streams", "0 (expected: an integer 1-10000)"),
                Arguments.of("{ initial_window_size: 100 }", p + ".initial_window_size", "100 (expected: 1 KiB to 2147483647 bytes)"),
                Arguments.of("{ max_frame_size: 8k }", p + ".max_frame_size", "\"8k\" (expected: 16 KiB to 16777215 bytes)"),
                Arguments.of("{ max_header_list_size: 2m }", p + ".max_header_list_size", "\"2m\" (expected: 1 KiB to 1 MiB)"),
                Arguments.of("{ enabled: false, h2c: true }", p + ".h2c",
                        "true (expected: false when enabled is false; h2c is HTTP/2 without TLS)"),
                Arguments.of("{ push: true }", p + ".push", "unknown field \"push\" (expected one of: enabled, h2c, "
                        + "max_concurrent_streams, initial_window_size, connection_window_size, max_frame_size, max_header_list_size)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void errors_areReportedAtTheirPath(String http2, String path, String message) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(listener(http2), name -> null));
        assertThat(e).as("errors for %s", http2).isNotNull();
        List<ConfigError> errors = e.errors();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).path()).isEqualTo(path);
        assertThat(errors.get(0).message()).isEqualTo(message);
    }
}
