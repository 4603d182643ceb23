package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code limits} section and a route's own limits: {@code max_request_body} and {@code rate_limit}. */
final class LimitsConfigTest {

    private static final String POOLS = """
            pools:
              web: {}
            """;

    private static String route(String extra) {
        return """
                listeners:
                  - bind: 127.0.0.1:8080
                    routes:
                      - { pool: web, %s }
                """.formatted(extra) + POOLS;
    }

    private static final String MINIMAL = route("path_prefix: /");

    @Test
    void limits_readEveryKey() throws ConfigException {
        GatehouseConfig c = ConfigLoader.parse(MINIMAL + """
                limits:
                  max_request_line: 4k
                  max_header_size: 16k
                  max_request_body: 1m
                  max_headers: 50
                  max_connections_per_client: 20
                """, name -> null);
        assertThat(c.limits()).isEqualTo(new LimitsConfig(4096, 16384, 1 << 20, 50, 20));
    }

    @Test
    void limits_defaults_haveAHeaderCountAndNoConnectionLimit() throws ConfigException {
        LimitsConfig d = ConfigLoader.parse(MINIMAL, name -> null).limits();
        assertThat(d.maxHeaders()).isEqualTo(100);
        assertThat(d.maxConnectionsPerClient()).isZero();
        assertThat(ConfigLoader.parse(MINIMAL + "limits: { max_headers: 7 }", name -> null).limits())
                .isEqualTo(new LimitsConfig(8192, 32768, 2L << 30, 7, 0));
    }

    @Test
    void route_readsItsOwnBodyLimitAndRateLimit() throws ConfigException {
        GatehouseConfig c = ConfigLoader.parse(route(
                "path_prefix: /upload/, max_request_body: 100m, rate_limit: { key: \"header:X-Api-Key\", rate: 30/m, burst: 5, max_keys: 1000 }"),
                name -> null);
        RouteConfig r = c.listeners().get(0).routes().get(0);
        assertThat(r.maxRequestBody()).isEqualTo(100L << 20);
        assertThat(r.maxRequestBody(1)).isEqualTo(100L << 20);
        assertThat(r.rateLimit()).isEqualTo(new RateLimitConfig(RateLimitConfig.Key.HEADER, "X-Api-Key", 30,
                Duration.ofMinutes(1), 5, 1000));
        assertThat(r.rateLimit().intervalNanos()).isEqualTo(2_000_000_000L);
        assertThat(r.rateLimit().rateText()).isEqualTo("30/m");
    }

    @Test
    void route_withoutItsOwnLimits_keepsTheNodes() throws ConfigException {
        RouteConfig r = ConfigLoader.parse(MINIMAL, name -> null).listeners().get(0).routes().get(0);
        assertThat(r.maxRequestBody()).isNull();
        assertThat(r.maxRequestBody(1234)).isEqualTo(1234);
        assertThat(r.rateLimit()).isNull();
        // 0 on a route is "no limit" there, whatever the node's.
        assertThat(ConfigLoader.parse(route("max_request_body: 0"), name -> null).listeners().get(0).routes().get(0)
                .maxRequestBody(1234)).isZero();
    }

    @Test
    void rateLimit_defaults_areClientIpAndABurstOfOnePeriod() throws ConfigException {
        RateLimitConfig r = ConfigLoader.parse(route("rate_limit: { rate: 100/s }"), name -> null)
                .listeners().get(0).routes().get(0).rateLimit();
        assertThat(r).isEqualTo(RateLimitConfig.perClientIp(100, Duration.ofSeconds(1)));
        assertThat(r.burst()).isEqualTo(100);
        assertThat(r.maxKeys()).isEqualTo(100_000);
        assertThat(r.intervalNanos()).isEqualTo(10_000_000L);
    }

    static Stream<Arguments> errors() {
        String rl = "listeners[0].routes[0].rate_limit";
        return Stream.of(
                Arguments.of(MINIMAL + "limits: {max_headers: 0}", "limits.max_headers", "0 (expected: an integer 1-10000)"),
                Arguments.of(MINIMAL + "limits: {max_headers: 10001}", "limits.max_headers", "10001 (expected: an integer 1-10000)"),
                Arguments.of(MINIMAL + "limits: {max_connections_per_client: -1}", "limits.max_connections_per_client",
                        "-1 (expected: an integer 0-1000000)"),
                Arguments.of(MINIMAL + "limits: {max_uri: 1k}", "limits.max_uri", "unknown field \"max_uri\" (expected one of: "
                        + "max_request_line, max_header_size, max_request_body, max_headers, max_connections_per_client)"),
                Arguments.of(route("max_request_body: 1.5m"), "listeners[0].routes[0].max_request_body",
                        "\"1.5m\" (expected: a size such as 8192, 8k, 32kb, 1m or 2g)"),
                Arguments.of(route("rate_limit: 100/s"), rl, "\"100/s\" (expected: a map)"),
                Arguments.of(route("rate_limit: { burst: 5 }"), rl + ".rate",
                        "missing (expected: requests per second or minute, such as 100/s or 30/m)"),
                Arguments.of(route("rate_limit: { rate: 100/h }"), rl + ".rate",
                        "\"100/h\" (expected: requests per second or minute, such as 100/s or 30/m; 1 to 1000000 requests)"),
                Arguments.of(route("rate_limit: { rate: 0/s }"), rl + ".rate",
                        "\"0/s\" (expected: requests per second or minute, such as 100/s or 30/m; 1 to 1000000 requests)"),
                Arguments.of(route("rate_limit: { rate: 1000001/s }"), rl + ".rate",
                        "\"1000001/s\" (expected: requests per second or minute, such as 100/s or 30/m; 1 to 1000000 requests)"),
                Arguments.of(route("rate_limit: { rate: 10/s, burst: 0 }"), rl + ".burst", "0 (expected: an integer 1-1000000)"),
                Arguments.of(route("rate_limit: { rate: 10/s, max_keys: 0 }"), rl + ".max_keys",
                        "0 (expected: an integer 1-10000000)"),
                Arguments.of(route("rate_limit: { rate: 10/s, key: path }"), rl + ".key",
                        "\"path\" (expected: client_ip or header:NAME)"),
                Arguments.of(route("rate_limit: { rate: 10/s, key: \"header:\" }"), rl + ".key",
                        "\"header:\" (expected: client_ip or header:NAME)"),
                Arguments.of(route("rate_limit: { rate: 10/s, zone: a }"), rl + ".zone",
                        "unknown field \"zone\" (expected one of: key, rate, burst, max_keys)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("errors")
    void errors_areReportedAtTheirPath(String yaml, String path, String message) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, name -> null));
        assertThat(e).as("errors for:\n%s", yaml).isNotNull();
        List<ConfigError> errors = e.errors();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).path()).isEqualTo(path);
        assertThat(errors.get(0).message()).isEqualTo(message);
    }
}
