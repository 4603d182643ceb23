package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A pool's health handling and retries: health_check, outlier_detection, slow_start, panic and retries. */
final class HealthConfigTest {

    private static final HealthCheckConfig CHECK = HealthCheckConfig.DEFAULTS;

    private static PoolConfig pool(String body) throws ConfigException {
        String yaml = """
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: [ { pool: web } ]
                pools:
                  web:
                """ + body.indent(4);
        return ConfigLoader.parse(yaml, Map.of("JITTER", "0")::get).pools().get("web");
    }

    private static List<String> errors(String body) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> pool(body));
        assertThat(e).as("errors for:\n%s", body).isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void everyKey_isRead() throws Exception {
        PoolConfig p = pool("""
                health_check:
                  type: http
                  path: /health?deep=1
                  method: GET
                  host: example.internal:8080
                  expect: 200-299
                  body_contains: ok
                  timeout: 500ms
                  interval: 5s
                  jitter: 1s
                  rise: 4
                  fall: 6
                outlier_detection:
                  consecutive_connect_failures: 2
                  consecutive_5xx: 0
                  consecutive_timeouts: 7
                  base_ejection: 10s
                  max_ejection: 5m
                  max_ejection_percent: 30
                slow_start: { window: 20s, min_percent: 5 }
                panic: { threshold_percent: 40, mode: reject }
                retries:
                  max: 3
                  on_status: [502, 503, 504]
                  on_timeout: false
                  per_try_timeout: 2s
                  deadline: 30s
                  buffer_body: 128k
                  budget: { percent: 10, min_per_second: 5, window: 20s }
                """);
        assertThat(p.health()).isEqualTo(new HealthConfig(
                new HealthCheckConfig(HealthCheckConfig.Type.HTTP, "/health?deep=1", "GET", "example.internal:8080",
                        200, 299, "ok", Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(1), 4, 6),
                new OutlierConfig(2, 0, 7, Duration.ofSeconds(10), Duration.ofMinutes(5), 30),
                new SlowStartConfig(Duration.ofSeconds(20), 5),
                new PanicConfig(40, PanicConfig.Mode.REJECT)));
        assertThat(p.retry()).isEqualTo(new RetryConfig(3, List.of(502, 503, 504), false, Duration.ofSeconds(2),
                Duration.ofSeconds(30), 128 * 1024, new RetryBudgetConfig(10, 5, Duration.ofSeconds(20))));
    }

    @Test
    void defaults_noChecksOutlierDetectionOnRetriesOn() throws Exception {
        PoolConfig p = pool("backends: [ \"10.0.0.1:80\" ]");
        assertThat(p.health()).isEqualTo(HealthConfig.DEFAULTS);
        assertThat(p.health().check()).isNull();
        assertThat(p.health().outlier()).isEqualTo(OutlierConfig.DEFAULTS);
        assertThat(p.retry()).isEqualTo(RetryConfig.DEFAULTS);
    }

    @Test
    void nullValues_areLikeLeavingTheKeysOut() throws Exception {
        PoolConfig p = pool("""
                health_check:
                outlier_detection: ~
                slow_start:
                panic:
                retries:
                """);
        assertThat(p.health()).isEqualTo(HealthConfig.DEFAULTS);
        assertThat(p.retry()).isEqualTo(RetryConfig.DEFAULTS);
    }

    @Test
    void trueForms_areTheDefaults() throws Exception {
        PoolConfig p = pool("""
                health_check: true
                outlier_detection: true
                slow_start: true
                retries: true
                """);
        assertThat(p.health()).isEqualTo(new HealthConfig(CHECK, OutlierConfig.DEFAULTS, SlowStartConfig.DEFAULTS,
                PanicConfig.DEFAULTS));
        assertThat(p.retry()).isEqualTo(RetryConfig.DEFAULTS);
    }

    @Test
    void falseForms_turnEachOff() throws Exception {
        PoolConfig p = pool("""
                health_check: false
                outlier_detection: false
                slow_start: false
                retries: false
                """);
        assertThat(p.health()).isEqualTo(new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS));
        assertThat(p.retry()).isEqualTo(RetryConfig.OFF);
    }

    @Test
    void emptyMaps_areTheDefaults() throws Exception {
        PoolConfig p = pool("""
                health_check: {}
                outlier_detection: {}
                slow_start: {}
                panic: {}
                retries: { budget: {} }
                """);
        assertThat(p.health()).isEqualTo(new HealthConfig(CHECK, OutlierConfig.DEFAULTS, SlowStartConfig.DEFAULTS,
                PanicConfig.DEFAULTS));
        assertThat(p.retry()).isEqualTo(RetryConfig.DEFAULTS);
    }

    @Test
    void partialMaps_keepTheDefaultsOfTheKeysNotGiven() throws Exception {
        PoolConfig p = pool("""
                health_check: { path: /health }
                outlier_detection: { consecutive_5xx: 10 }
                panic: { mode: reject }
                retries: { max: 1, budget: { percent: 50 } }
                """);
        OutlierConfig o = OutlierConfig.DEFAULTS;
        RetryConfig r = RetryConfig.DEFAULTS;
        assertThat(p.health()).isEqualTo(new HealthConfig(
                new HealthCheckConfig(CHECK.type(), "/health", CHECK.method(), null, 200, 399, null, CHECK.timeout(),
                        CHECK.interval(), CHECK.jitter(), CHECK.rise(), CHECK.fall()),
                new OutlierConfig(o.consecutiveConnectFailures(), 10, o.consecutiveTimeouts(), o.baseEjection(),
                        o.maxEjection(), o.maxEjectionPercent()),
                SlowStartConfig.DEFAULTS,
                new PanicConfig(0, PanicConfig.Mode.REJECT)));
        assertThat(p.retry()).isEqualTo(new RetryConfig(1, r.onStatus(), r.onTimeout(), null, null, r.bufferBody(),
                new RetryBudgetConfig(50, r.budget().minPerSecond(), r.budget().window())));
    }

    @Test
    void tcpCheck_needsNoHttpKeys() throws Exception {
        PoolConfig p = pool("health_check: { type: tcp, interval: 10s, rise: 1 }");
        HealthCheckConfig c = p.health().check();
        assertThat(c.type()).isEqualTo(HealthCheckConfig.Type.TCP);
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.rise()).isEqualTo(1);
    }

    @ParameterizedTest(name = "interval {0}")
    @CsvSource({
            "500ms, 500, 200",  // the 1 s default timeout would be longer than the interval
            "100ms, 100, 100",  // and the 200 ms default jitter too
            "10s, 1000, 200",
    })
    void defaultTimeoutAndJitter_giveWayToAShorterInterval(String interval, long timeoutMillis, long jitterMillis)
            throws Exception {
        HealthCheckConfig c = pool("health_check: { interval: " + interval + " }").health().check();
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(timeoutMillis));
        assertThat(c.jitter()).isEqualTo(Duration.ofMillis(jitterMillis));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{ base_ejection: 10m }  | 600 | 600",  // the 300 s default maximum gives way
            "{ max_ejection: 10s }   | 10  | 10",   // the 30 s default base gives way
            "{ base_ejection: 1m }   | 60  | 300",
    })
    void defaultEjectionLengths_giveWayToEachOther(String map, long baseSeconds, long maxSeconds) throws Exception {
        OutlierConfig o = pool("outlier_detection: " + map).health().outlier();
        assertThat(o.baseEjection()).isEqualTo(Duration.ofSeconds(baseSeconds));
        assertThat(o.maxEjection()).isEqualTo(Duration.ofSeconds(maxSeconds));
    }

    @ParameterizedTest(name = "expect: {0}")
    @CsvSource(delimiter = '|', value = {
            "200         | 200 | 200",
            "\"204\"     | 204 | 204",
            "200-299     | 200 | 299",
            "100-599     | 100 | 599",
            "\"302-302\" | 302 | 302",
    })
    void expect_isOneStatusOrARange(String written, int min, int max) throws Exception {
        HealthCheckConfig c = pool("health_check: { expect: " + written + " }").health().check();
        assertThat(c.expectMin()).isEqualTo(min);
        assertThat(c.expectMax()).isEqualTo(max);
    }

    @ParameterizedTest(name = "slow_start: {0}")
    @CsvSource(delimiter = '|', value = {
            "30s                            | 30000 | 10",
            "45                             | 45000 | 10",   // bare seconds, as for every duration
            "1h                             | 3600000 | 10",
            "{ min_percent: 25 }            | 10000 | 25",
            "{ window: 2m, min_percent: 1 } | 120000 | 1",
            "{ window: 5s, min_percent: 100 } | 5000 | 100",
    })
    void slowStart_durationOrMap(String written, long windowMillis, int minPercent) throws Exception {
        SlowStartConfig s = pool("slow_start: " + written).health().slowStart();
        assertThat(s).isEqualTo(new SlowStartConfig(Duration.ofMillis(windowMillis), minPercent));
    }

    @ParameterizedTest(name = "slow_start: {0}")
    @CsvSource(delimiter = '|', value = {"false", "0", "0s", "0ms", "\"0s\"", "{ window: 0s, min_percent: 50 }"})
    void slowStart_zeroWindowIsOff(String written) throws Exception {
        assertThat(pool("slow_start: " + written).health().slowStart()).isEqualTo(SlowStartConfig.OFF);
    }

    @Test
    void jitter_mayBeZeroAlsoFromTheEnvironment() throws Exception {
        assertThat(pool("health_check: { jitter: 0 }").health().check().jitter()).isZero();
        assertThat(pool("health_check: { jitter: \"${JITTER}\" }").health().check().jitter()).isZero();
    }

    @Test
    void retries_emptyStatusListAndNoBodyBuffer() throws Exception {
        RetryConfig r = pool("retries: { on_status: [], buffer_body: 0 }").retry();
        assertThat(r.onStatus()).isEmpty();
        assertThat(r.bufferBody()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // health_check
            "health_check: { rise: 0 }            | pools.web.health_check.rise: 0 (expected: an integer 1-100)",
            "health_check: { fall: 101 }          | pools.web.health_check.fall: 101 (expected: an integer 1-100)",
            "health_check: { type: udp }          | pools.web.health_check.type: \"udp\" (expected one of: http, tcp)",
            "health_check: { method: POST }       | pools.web.health_check.method: \"POST\" (expected one of: GET, HEAD)",
            "health_check: { method: HEAD, body_contains: ok } | pools.web.health_check.body_contains: set with method HEAD (expected: method GET, a HEAD response has no body)",
            "health_check: { path: health }       | pools.web.health_check.path: \"health\" (expected: an origin-form target such as /health: visible ASCII, at most 2048 characters)",
            "health_check: { path: \"/a b\" }     | pools.web.health_check.path: \"/a b\" (expected: an origin-form target such as /health: visible ASCII, at most 2048 characters)",
            "health_check: { host: \"a b\" }      | pools.web.health_check.host: \"a b\" (expected: a host name or IP, optionally with :port, such as example.internal)",
            "health_check: { host: \"a\\r\\nX: 1\" } | pools.web.health_check.host: \"a\\r\\nX: 1\" (expected: a host name or IP, optionally with :port, such as example.internal)",
            "health_check: { expect: 300-200 }    | pools.web.health_check.expect: \"300-200\" (expected: a status such as 200, or a range such as 200-399, within 100-599)",
            "health_check: { expect: 600 }        | pools.web.health_check.expect: 600 (expected: a status such as 200, or a range such as 200-399, within 100-599)",
            "health_check: { expect: 99-200 }     | pools.web.health_check.expect: \"99-200\" (expected: a status such as 200, or a range such as 200-399, within 100-599)",
            "health_check: { expect: 2xx }        | pools.web.health_check.expect: \"2xx\" (expected: a status such as 200, or a range such as 200-399, within 100-599)",
            "health_check: { expect: [200, 204] } | pools.web.health_check.expect: a list (expected: a status such as 200, or a range such as 200-399, within 100-599)",
            "health_check: { body_contains: \"\" } | pools.web.health_check.body_contains: 0 characters (expected: 1-1024)",
            "health_check: { timeout: 3s }        | pools.web.health_check.timeout: 3000ms (expected: > 0 and <= interval 2000ms)",
            "health_check: { timeout: 2s, interval: 1s } | pools.web.health_check.timeout: 2000ms (expected: > 0 and <= interval 1000ms)",
            "health_check: { jitter: 3s }         | pools.web.health_check.jitter: 3000ms (expected: 0 to interval 2000ms)",
            "health_check: { jitter: soon }       | pools.web.health_check.jitter: \"soon\" (expected: 0 for off, or a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)",
            "health_check: { interval: 5ms }      | pools.web.health_check.interval: 5ms (expected: >= 10ms)",
            "health_check: { interval: 0s }       | pools.web.health_check.interval: \"0s\" (expected: a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)",
            "health_check: { type: tcp, path: /x } | pools.web.health_check.path: set with type tcp (expected: only with type http)",
            "health_check: yes                    | pools.web.health_check: \"yes\" (expected: a map)",
            // outlier_detection
            "outlier_detection: { consecutive_5xx: -1 } | pools.web.outlier_detection.consecutive_5xx: -1 (expected: an integer 0-1000)",
            "outlier_detection: { consecutive_timeouts: 1001 } | pools.web.outlier_detection.consecutive_timeouts: 1001 (expected: an integer 0-1000)",
            "outlier_detection: { max_ejection_percent: 101 } | pools.web.outlier_detection.max_ejection_percent: 101 (expected: an integer 0-100)",
            "outlier_detection: { base_ejection: 0s } | pools.web.outlier_detection.base_ejection: \"0s\" (expected: a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)",
            "outlier_detection: { base_ejection: 60s, max_ejection: 30s } | pools.web.outlier_detection.max_ejection: 30000ms (expected: >= base_ejection 60000ms)",
            // slow_start
            "slow_start: 2h                       | pools.web.slow_start: \"2h\" (expected: 0 for off, or a duration up to 1h)",
            "slow_start: fast                     | pools.web.slow_start: \"fast\" (expected: 0 for off, or a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)",
            "slow_start: []                       | pools.web.slow_start: [] (expected: a duration such as 10s, false, or a map with window and min_percent)",
            "slow_start: { min_percent: 0 }       | pools.web.slow_start.min_percent: 0 (expected: an integer 1-100)",
            "slow_start: { window: 90m }          | pools.web.slow_start.window: \"90m\" (expected: 0 for off, or a duration up to 1h)",
            // panic
            "panic: { mode: fail-closed }         | pools.web.panic.mode: \"fail-closed\" (expected one of: fail-open, reject)",
            "panic: { threshold_percent: 150 }    | pools.web.panic.threshold_percent: 150 (expected: an integer 0-100)",
            "panic: reject                        | pools.web.panic: \"reject\" (expected: a map)",
            // retries
            "retries: { max: 11 }                 | pools.web.retries.max: 11 (expected: an integer 0-10)",
            "retries: { on_status: [502, 404] }   | pools.web.retries.on_status[1]: 404 (expected: an integer 500-599)",
            "retries: { on_status: 503 }          | pools.web.retries.on_status: 503 (expected: a list of statuses 500-599)",
            "retries: { on_timeout: \"yes\" }     | pools.web.retries.on_timeout: \"yes\" (expected: true or false)",
            "retries: { per_try_timeout: 0s }     | pools.web.retries.per_try_timeout: \"0s\" (expected: a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)",
            "retries: { deadline: forever }       | pools.web.retries.deadline: \"forever\" (expected: a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)",
            "retries: { buffer_body: 32m }        | pools.web.retries.buffer_body: \"32m\" (expected: 0 bytes to 16 MiB)",
            "retries: { buffer_body: -1 }         | pools.web.retries.buffer_body: -1 (expected: a size such as 8192, 8k, 32kb, 1m or 2g)",
            "retries: { budget: { percent: 101 } } | pools.web.retries.budget.percent: 101 (expected: an integer 0-100)",
            "retries: { budget: { min_per_second: 10001 } } | pools.web.retries.budget.min_per_second: 10001 (expected: an integer 0-10000)",
            "retries: { budget: { window: 90s } } | pools.web.retries.budget.window: 90000ms (expected: 1s-60s)",
            "retries: { budget: { window: 500ms } } | pools.web.retries.budget.window: 500ms (expected: 1s-60s)",
            "retries: { budget: 20 }              | pools.web.retries.budget: 20 (expected: a map)",
            "retries: 2                           | pools.web.retries: 2 (expected: a map)",
    })
    void badValue_isReportedWithItsPath(String body, String expected) {
        assertThat(errors(body)).containsExactly(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "health_check: { intervall: 2s } | pools.web.health_check.intervall: unknown field \"intervall\" (expected one of: type, path, method, host, expect, body_contains, timeout, interval, jitter, rise, fall)",
            "outlier_detection: { consecutive_500: 5 } | pools.web.outlier_detection.consecutive_500: unknown field \"consecutive_500\" (expected one of: consecutive_connect_failures, consecutive_5xx, consecutive_timeouts, base_ejection, max_ejection, max_ejection_percent)",
            "slow_start: { duration: 10s } | pools.web.slow_start.duration: unknown field \"duration\" (expected one of: window, min_percent)",
            "panic: { threshold: 10 } | pools.web.panic.threshold: unknown field \"threshold\" (expected one of: threshold_percent, mode)",
            "retries: { attempts: 3 } | pools.web.retries.attempts: unknown field \"attempts\" (expected one of: max, on_status, on_timeout, per_try_timeout, deadline, buffer_body, budget)",
            "retries: { budget: { ratio: 0.2 } } | pools.web.retries.budget.ratio: unknown field \"ratio\" (expected one of: percent, min_per_second, window)",
            "health: { rise: 2 } | pools.web.health: unknown field \"health\" (expected one of: strategy, backends, hash, backend_concurrency, adaptive, queue, slow_lane, request_buffering, sticky, health_check, outlier_detection, slow_start, panic, retries, tunnels, tls, discover)",
    })
    void unknownKey_isReportedWithTheKnownOnes(String body, String expected) {
        assertThat(errors(body)).containsExactly(expected);
    }

    @Test
    void everyError_isReportedInFileOrder() {
        assertThat(errors("""
                health_check:
                  type: tcp
                  path: /health
                  rise: 0
                  expect: 300-200
                outlier_detection: { consecutive_5xx: -1, max_ejection_percent: 101 }
                slow_start: 2h
                panic: { mode: off }
                retries:
                  max: 20
                  on_status: [404, 503, 200]
                  budget: { percent: -5 }
                """)).containsExactly(
                "pools.web.health_check.rise: 0 (expected: an integer 1-100)",
                "pools.web.health_check.expect: \"300-200\" (expected: a status such as 200, or a range such as 200-399, within 100-599)",
                "pools.web.health_check.path: set with type tcp (expected: only with type http)",
                "pools.web.health_check.expect: set with type tcp (expected: only with type http)",
                "pools.web.outlier_detection.consecutive_5xx: -1 (expected: an integer 0-1000)",
                "pools.web.outlier_detection.max_ejection_percent: 101 (expected: an integer 0-100)",
                "pools.web.slow_start: \"2h\" (expected: 0 for off, or a duration up to 1h)",
                "pools.web.panic.mode: \"off\" (expected one of: fail-open, reject)",
                "pools.web.retries.max: 20 (expected: an integer 0-10)",
                "pools.web.retries.on_status[0]: 404 (expected: an integer 500-599)",
                "pools.web.retries.on_status[2]: 200 (expected: an integer 500-599)",
                "pools.web.retries.budget.percent: -5 (expected: an integer 0-100)");
    }

    @Test
    void recordMessage_namingAKeyWithDigits_isPlacedAtThatKey() {
        Values in = new Values(name -> null);
        Object built = in.build("pools.web.outlier_detection", HealthWalker.OUTLIER_KEYS,
                () -> new OutlierConfig(3, 2000, 3, Duration.ofSeconds(30), Duration.ofSeconds(300), 50));
        assertThat(built).isNull();
        assertThat(in.errors()).containsExactly(new ConfigError("pools.web.outlier_detection.consecutive_5xx",
                "2000 (expected: 0 for off, or 1-1000)"));
    }
}
