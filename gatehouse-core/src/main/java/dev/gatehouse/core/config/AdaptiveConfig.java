package dev.gatehouse.core.config;

/**
 * Concurrency limits learned per backend from its latency, instead of a fixed
 * {@code backend_concurrency}.
 *
 * @param initial the limit a backend starts with
 * @param min     the limit never goes below this
 * @param max     the limit never goes above this
 */
public record AdaptiveConfig(int initial, int min, int max) {

    /**
     * Start at 1, between 1 and 256. One, because a sync worker that starts at 4 gets three
     * requests queued behind a slow one before the limit learns (measured: a backlog of 1,500
     * requests that took ten seconds to drain); an async backend under load earns a slot per ten
     * clean requests, a hundred slots within a second at a few thousand requests a second.
     */
    public static final AdaptiveConfig DEFAULTS = new AdaptiveConfig(1, 1, 256);

    /** Validates the bounds. */
    public AdaptiveConfig {
        if (min < 1 || max > 100_000 || min > max) {
            throw new IllegalArgumentException("min/max: " + min + "/" + max + " (expected: 1 <= min <= max <= 100000)");
        }
        if (initial < min || initial > max) {
            throw new IllegalArgumentException("initial: " + initial + " (expected: between min and max)");
        }
    }
}
