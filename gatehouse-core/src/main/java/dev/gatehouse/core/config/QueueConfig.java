package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The FIFO queue of a pool whose backends are all at their concurrency limit.
 *
 * @param max     requests that may wait, 0-1000000; past it, 503
 * @param timeout longest wait; past it, 503
 */
public record QueueConfig(int max, Duration timeout) {

    /** 1000 waiting requests, 5 s each at most. */
    public static final QueueConfig DEFAULTS = new QueueConfig(1000, Duration.ofSeconds(5));

    /** Validates the bounds. */
    public QueueConfig {
        Objects.requireNonNull(timeout, "timeout");
        if (max < 0 || max > 1_000_000) {
            throw new IllegalArgumentException("max: " + max + " (expected: 0-1000000)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
    }
}
