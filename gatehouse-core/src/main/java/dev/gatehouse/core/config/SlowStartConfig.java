package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Slow start: a backend that joins a running pool or comes back from being unhealthy or ejected
 * takes a share of traffic (and of its concurrency limit) that grows linearly from
 * {@code minPercent} to all of it over {@code window}. Backends present when the node starts take
 * their full share at once.
 *
 * @param window     how long the ramp takes; zero for off
 * @param minPercent the share at the start of the ramp, 1-100
 */
public record SlowStartConfig(Duration window, int minPercent) {

    /** A 10 s ramp from 10 %. */
    public static final SlowStartConfig DEFAULTS = new SlowStartConfig(Duration.ofSeconds(10), 10);

    /** No slow start. */
    public static final SlowStartConfig OFF = new SlowStartConfig(Duration.ZERO, 100);

    /** Validates the bounds. */
    public SlowStartConfig {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("window: " + window.toMillis() + "ms (expected: 0 for off, up to 1h)");
        }
        if (minPercent < 1 || minPercent > 100) {
            throw new IllegalArgumentException("min_percent: " + minPercent + " (expected: 1-100)");
        }
    }

    /** Whether backends ramp up at all. */
    public boolean enabled() {
        return !window.isZero() && minPercent < 100;
    }
}
