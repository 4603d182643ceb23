package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Passive outlier detection: a backend that fails real requests several times in a row is ejected
 * (takes no new requests) for {@code baseEjection} times the number of times it has been ejected,
 * at most {@code maxEjection}; never more than {@code maxEjectionPercent} of a pool at once (but,
 * unless it is 0, always at least one backend may be ejected). A success resets the counts.
 *
 * @param consecutiveConnectFailures connects refused, unreachable or timed out in a row; 0 for off
 * @param consecutive5xx             5xx responses in a row, counting a connection that died before
 *                                   its response (the client would have had a 502); 0 for off
 * @param consecutiveTimeouts        responses that did not come within their timeout in a row; 0 for off
 * @param baseEjection               the first ejection's length
 * @param maxEjection                the longest ejection, however often the backend was ejected
 * @param maxEjectionPercent         at most this share of the pool's backends ejected at once, 0-100;
 *                                   0 turns ejection off
 */
public record OutlierConfig(int consecutiveConnectFailures, int consecutive5xx, int consecutiveTimeouts,
                            Duration baseEjection, Duration maxEjection, int maxEjectionPercent) {

    /** 3 connect failures, 5 5xx or 3 timeouts in a row; 30 s, growing to 300 s; half of a pool at most. */
    public static final OutlierConfig DEFAULTS = new OutlierConfig(3, 5, 3, Duration.ofSeconds(30),
            Duration.ofSeconds(300), 50);

    /** Validates the bounds. */
    public OutlierConfig {
        Objects.requireNonNull(baseEjection, "baseEjection");
        Objects.requireNonNull(maxEjection, "maxEjection");
        check("consecutive_connect_failures", consecutiveConnectFailures);
        check("consecutive_5xx", consecutive5xx);
        check("consecutive_timeouts", consecutiveTimeouts);
        if (baseEjection.isNegative() || baseEjection.isZero()) {
            throw new IllegalArgumentException("base_ejection: " + baseEjection.toMillis() + "ms (expected: > 0)");
        }
        if (maxEjection.compareTo(baseEjection) < 0) {
            throw new IllegalArgumentException("max_ejection: " + maxEjection.toMillis() + "ms (expected: >= base_ejection "
                    + baseEjection.toMillis() + "ms)");
        }
        if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
            throw new IllegalArgumentException("max_ejection_percent: " + maxEjectionPercent + " (expected: 0-100)");
        }
    }

    private static void check(String name, int value) {
        if (value < 0 || value > 1000) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 0 for off, or 1-1000)");
        }
    }
}
