package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The retry budget of a pool: over the last {@code window}, retries may be at most
 * {@code percent} of the requests plus {@code minPerSecond} per second of the window, so that a
 * pool whose backends all fail sees a bounded extra load instead of a retry storm.
 *
 * @param percent      retries as a share of requests, 0-100
 * @param minPerSecond retries allowed on top of the share, per second of the window (lets a quiet
 *                     pool retry at all), 0-10000
 * @param window       how far back requests and retries are counted, 1-60 s, in whole seconds
 *                     (a fraction of a second is dropped)
 */
public record RetryBudgetConfig(int percent, int minPerSecond, Duration window) {

    /** 20 % of requests plus 10 retries a second, over 10 s. */
    public static final RetryBudgetConfig DEFAULTS = new RetryBudgetConfig(20, 10, Duration.ofSeconds(10));

    /** Validates the bounds. */
    public RetryBudgetConfig {
        Objects.requireNonNull(window, "window");
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: 0-100)");
        }
        if (minPerSecond < 0 || minPerSecond > 10_000) {
            throw new IllegalArgumentException("min_per_second: " + minPerSecond + " (expected: 0-10000)");
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("window: " + window.toMillis() + "ms (expected: 1s-60s)");
        }
    }
}
