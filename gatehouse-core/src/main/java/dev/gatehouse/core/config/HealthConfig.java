package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * How a pool tells working backends from failed ones, and treats those that come back.
 *
 * @param check     active health checks, or null for none (backends are then healthy unless
 *                  ejected)
 * @param outlier   passive outlier detection on real traffic, or null for off
 * @param slowStart the ramp of a backend that joins or comes back
 * @param panic     what the pool does when too few backends are available
 */
public record HealthConfig(HealthCheckConfig check, OutlierConfig outlier, SlowStartConfig slowStart, PanicConfig panic) {

    /** No active checks; outlier detection, slow start and panic at their defaults. */
    public static final HealthConfig DEFAULTS = new HealthConfig(null, OutlierConfig.DEFAULTS, SlowStartConfig.DEFAULTS,
            PanicConfig.DEFAULTS);

    /** Validates the parts. */
    public HealthConfig {
        Objects.requireNonNull(slowStart, "slowStart");
        Objects.requireNonNull(panic, "panic");
    }
}
