package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Active health checks of a pool's backends: every {@code interval} (plus up to {@code jitter}),
 * each backend is probed on a fresh connection; {@code rise} passes in a row make an unhealthy
 * backend healthy, {@code fall} failures in a row make a healthy one unhealthy.
 *
 * @param type         {@code http} (a request, judged by status and optionally body) or {@code tcp}
 *                     (a connect)
 * @param path         the request target of an HTTP check, starting with {@code /}
 * @param method       the HTTP method, {@code GET} or {@code HEAD} (checks must be safe)
 * @param host         the Host header of an HTTP check, or null for the backend's address
 * @param expectMin    lowest passing status, inclusive
 * @param expectMax    highest passing status, inclusive
 * @param bodyContains text the response body must contain (first 64 KiB), or null for any body
 * @param timeout      a check that takes longer fails; at most {@code interval}
 * @param interval     time between the starts of two checks of one backend
 * @param jitter       a random extra delay of up to this much per check, so checks spread out
 * @param rise         passes in a row that make an unhealthy backend healthy, 1-100
 * @param fall         failures in a row that make a healthy backend unhealthy, 1-100
 */
public record HealthCheckConfig(Type type, String path, String method, String host, int expectMin, int expectMax,
                                String bodyContains, Duration timeout, Duration interval, Duration jitter,
                                int rise, int fall) {

    /** The kind of check. */
    public enum Type {
        /** An HTTP request; passes on an expected status (and body). */
        HTTP,
        /** A TCP connect; passes when the connection is accepted. */
        TCP;

        /** The name in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An HTTP {@code GET /} check every 2 s (up to 200 ms later), 1 s timeout, 2xx-3xx, rise 2, fall 3. */
    public static final HealthCheckConfig DEFAULTS = new HealthCheckConfig(Type.HTTP, "/", "GET", null, 200, 399,
            null, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(200), 2, 3);

    /** Validates the parts and their combination. */
    public HealthCheckConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(jitter, "jitter");
        if (!path.startsWith("/") || path.length() > 2048 || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("path: " + Values.quote(path)
                    + " (expected: an origin-form target such as /health: visible ASCII, at most 2048 characters)");
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new IllegalArgumentException("method: " + Values.quote(method) + " (expected: GET or HEAD)");
        }
        if (host != null && (host.isEmpty() || host.length() > 255 || !host.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("host: " + host.length() + " characters or unprintable (expected: a host name or IP)");
        }
        if (expectMin < 100 || expectMax > 599 || expectMin > expectMax) {
            throw new IllegalArgumentException("expect: " + expectMin + "-" + expectMax
                    + " (expected: a status or a range within 100-599)");
        }
        if (bodyContains != null && method.equals("HEAD")) {
            throw new IllegalArgumentException("body_contains: set with method HEAD (expected: method GET, a HEAD response has no body)");
        }
        if (bodyContains != null && (bodyContains.isEmpty() || bodyContains.length() > 1024)) {
            throw new IllegalArgumentException("body_contains: " + bodyContains.length() + " characters (expected: 1-1024)");
        }
        if (interval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("interval: " + interval.toMillis() + "ms (expected: >= 10ms)");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) > 0) {
            throw new IllegalArgumentException("timeout: " + timeout.toMillis() + "ms (expected: > 0 and <= interval "
                    + interval.toMillis() + "ms)");
        }
        if (jitter.isNegative() || jitter.compareTo(interval) > 0) {
            throw new IllegalArgumentException("jitter: " + jitter.toMillis() + "ms (expected: 0 to interval "
                    + interval.toMillis() + "ms)");
        }
        if (rise < 1 || rise > 100) {
            throw new IllegalArgumentException("rise: " + rise + " (expected: 1-100)");
        }
        if (fall < 1 || fall > 100) {
            throw new IllegalArgumentException("fall: " + fall + " (expected: 1-100)");
        }
    }

    /** Whether a response status passes. */
    public boolean passes(int status) {
        return status >= expectMin && status <= expectMax;
    }
}
