package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Slow-lane isolation: requests of routes learned to be slow may hold at most {@code share} of the
 * pool's backend slots, so fast requests always find a free worker.
 *
 * @param share     fraction of the pool's slots slow requests may hold, above 0 and below 1
 * @param threshold a route whose average latency is above this is slow
 * @param maxRoutes how many route keys are remembered (least recently seen are forgotten)
 */
public record SlowLaneConfig(double share, Duration threshold, int maxRoutes) {

    /** Half the slots; slow above 100 ms; 10000 route keys. */
    public static final SlowLaneConfig DEFAULTS = new SlowLaneConfig(0.5, Duration.ofMillis(100), 10_000);

    /** Validates the bounds. */
    public SlowLaneConfig {
        Objects.requireNonNull(threshold, "threshold");
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("share: " + share + " (expected: above 0 and below 1)");
        }
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("threshold: " + threshold + " (expected: > 0)");
        }
        if (maxRoutes < 1 || maxRoutes > 1_000_000) {
            throw new IllegalArgumentException("max_routes: " + maxRoutes + " (expected: 1-1000000)");
        }
    }
}
