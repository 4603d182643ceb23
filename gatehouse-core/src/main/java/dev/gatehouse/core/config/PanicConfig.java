package dev.gatehouse.core.config;

import java.util.Locale;
import java.util.Objects;

/**
 * What a pool does when too few of its backends are available (healthy and not ejected): when the
 * available share falls below {@code thresholdPercent}, or to none at all, the pool panics.
 *
 * @param thresholdPercent panic below this share of available backends, 0-100; at 0 only when
 *                         none is available
 * @param mode             what a panicking pool does
 */
public record PanicConfig(int thresholdPercent, Mode mode) {

    /** What a panicking pool does. */
    public enum Mode {
        /** Route to every backend that is not draining, as if all were healthy: some requests may get through. */
        FAIL_OPEN,
        /** Answer 503 at once. */
        REJECT;

        /** The name in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Panic only when no backend is available, and then try them all. */
    public static final PanicConfig DEFAULTS = new PanicConfig(0, Mode.FAIL_OPEN);

    /** Validates the bounds. */
    public PanicConfig {
        Objects.requireNonNull(mode, "mode");
        if (thresholdPercent < 0 || thresholdPercent > 100) {
            throw new IllegalArgumentException("threshold_percent: " + thresholdPercent + " (expected: 0-100)");
        }
    }
}
