package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A pool's policies: strategy, hashing, limits, queue, slow lane and stickiness. */
final class PoolPolicyConfigTest {

    private static PoolConfig pool(String body) throws ConfigException {
        String yaml = """
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: [ { pool: web } ]
                pools:
                  web:
                """ + body.indent(4);
        return ConfigLoader.parse(yaml, Map.of("STICKY_SECRET", "0123456789abcdef-secret")::get).pools().get("web");
    }

    private static String errors(String body) {
        assertThatThrownBy(() -> pool(body)).isInstanceOf(ConfigException.class);
        try {
            pool(body);
            return "";
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    @Test
    void everyPolicy_isRead() throws Exception {
        PoolConfig p = pool("""
                strategy: consistent-hash
                hash: { key: "header:X-User", bounded_load: 1.25 }
                backend_concurrency: 1
                queue: { max: 50, timeout: 2s }
                slow_lane: { share: 0.25, threshold: 200ms, max_routes: 500 }
                sticky: { mode: cookie, cookie: srv, ttl: 30m, secret: "${STICKY_SECRET}", version_affinity: 10m }
                backends: [ "10.0.0.1:80" ]
                """);
        assertThat(p.strategy()).isEqualTo(Strategy.CONSISTENT_HASH);
        assertThat(p.hash()).isEqualTo(new HashConfig(HashConfig.Source.HEADER, "X-User", 1.25));
        assertThat(p.admission()).isEqualTo(new AdmissionConfig(1, null, new QueueConfig(50, Duration.ofSeconds(2)),
                new SlowLaneConfig(0.25, Duration.ofMillis(200), 500)));
        assertThat(p.sticky()).isEqualTo(new StickyConfig(StickyConfig.Mode.COOKIE, "srv", Duration.ofMinutes(30),
                "0123456789abcdef-secret", Duration.ofMinutes(10)));
    }

    @Test
    void versionAffinity_withHashStickiness_isRefused() {
        assertThatThrownBy(() -> new StickyConfig(StickyConfig.Mode.HASH, "gh_sticky", Duration.ofHours(1), null,
                Duration.ofMinutes(1))).hasMessageContaining("version_affinity: set with mode hash");
        assertThatThrownBy(() -> new StickyConfig(StickyConfig.Mode.COOKIE, "gh_sticky", Duration.ofHours(1), null,
                Duration.ofHours(25))).hasMessageContaining("up to 24h");
    }

    @Test
    void defaults_areP2cWithLearnedLimitsAndASlowLaneWithoutStickiness() throws Exception {
        PoolConfig p = pool("backends: [ \"10.0.0.1:80\" ]");
        assertThat(p.strategy()).isEqualTo(Strategy.P2C_EWMA);
        assertThat(p.admission()).isEqualTo(AdmissionConfig.PROTECTED);
        assertThat(p.admission().adaptive()).isEqualTo(AdaptiveConfig.DEFAULTS);
        assertThat(p.admission().slowLane()).isEqualTo(SlowLaneConfig.DEFAULTS);
        assertThat(p.hash()).isEqualTo(HashConfig.DEFAULTS);
        assertThat(p.sticky()).isNull();
    }

    @Test
    void protectionByDefault_isTurnedOffOrNarrowedKeyByKey() throws Exception {
        assertThat(pool("backend_concurrency: 0").admission()).isEqualTo(AdmissionConfig.UNLIMITED);
        assertThat(pool("adaptive: false").admission()).isEqualTo(AdmissionConfig.UNLIMITED);
        AdmissionConfig fixed = pool("backend_concurrency: 4").admission();
        assertThat(fixed.backendConcurrency()).isEqualTo(4);
        assertThat(fixed.adaptive()).isNull();
        assertThat(fixed.slowLane()).isEqualTo(SlowLaneConfig.DEFAULTS);
        AdmissionConfig noLane = pool("slow_lane: false").admission();
        assertThat(noLane.adaptive()).isEqualTo(AdaptiveConfig.DEFAULTS);
        assertThat(noLane.slowLane()).isNull();
        AdmissionConfig bounded = pool("adaptive: { max: 32 }").admission();
        assertThat(bounded.adaptive().max()).isEqualTo(32);
        assertThat(bounded.slowLane()).isEqualTo(SlowLaneConfig.DEFAULTS);
    }

    @Test
    void shortForms_stickyCookieAdaptiveAndSlowLane() throws Exception {
        PoolConfig p = pool("""
                adaptive: true
                slow_lane: true
                sticky: cookie
                """);
        assertThat(p.admission().adaptive()).isEqualTo(AdaptiveConfig.DEFAULTS);
        assertThat(p.admission().slowLane()).isEqualTo(SlowLaneConfig.DEFAULTS);
        assertThat(p.sticky().mode()).isEqualTo(StickyConfig.Mode.COOKIE);
        assertThat(p.sticky().cookie()).isEqualTo(StickyConfig.DEFAULT_COOKIE);
        assertThat(p.sticky().secret()).isNull();
    }

    @Test
    void stickyHash_choosesConsistentHashing() throws Exception {
        PoolConfig p = pool("""
                sticky: hash
                hash: { key: "cookie:session" }
                """);
        assertThat(p.strategy()).isEqualTo(Strategy.CONSISTENT_HASH);
        assertThat(p.hash().source()).isEqualTo(HashConfig.Source.COOKIE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "backend_concurrency: -1 | pools.web.backend_concurrency: -1 (expected: an integer 0-100000)",
            "{backend_concurrency: 2, adaptive: true} | pools.web.adaptive: set together with backend_concurrency",
            "{backend_concurrency: 0, slow_lane: true} | pools.web.slow_lane: set without a limit",
            "{adaptive: false, slow_lane: {share: 0.3}} | pools.web.slow_lane: set without a limit",
            "{backend_concurrency: 1, slow_lane: {share: 1.5}} | pools.web.slow_lane.share: \"1.5\" (expected: a fraction",
            "hash: {key: ip} | pools.web.hash.key: \"ip\" (expected: client_ip, path, header:NAME or cookie:NAME)",
            "hash: {bounded_load: 0.5} | pools.web.hash.bounded_load: \"0.5\" (expected: a factor above 1",
            "sticky: always | pools.web.sticky: \"always\" (expected one of: cookie, hash)",
            "{strategy: round-robin, sticky: hash} | pools.web.sticky: hash with strategy round-robin (expected: strategy consistent-hash)",
            "sticky: {secret: short} | pools.web.sticky.secret: 5 characters (expected: at least 16)",
            "queue: {max: 10, wait: 1s} | pools.web.queue.wait: unknown field \"wait\" (expected one of: max, timeout)",
            "adaptive: {min: 10, max: 5} | pools.web.adaptive",
    })
    void badPolicy_isReportedWithItsPath(String body, String expected) {
        assertThat(errors(flowToBlock(body))).contains(expected);
    }

    /** Turns "{a: 1, b: {c: 2}}" into "a: 1\nb: {c: 2}" (top-level keys only). */
    private static String flowToBlock(String body) {
        if (!body.startsWith("{")) {
            return body;
        }
        String inner = body.substring(1, body.length() - 1);
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (char c : inner.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                out.append('\n');
            } else {
                out.append(c);
            }
        }
        return out.toString().lines().map(String::strip).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
