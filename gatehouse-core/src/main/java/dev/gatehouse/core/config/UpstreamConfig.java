package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How connections to backends are pooled. Pools are per (backend, event loop).
 *
 * @param maxIdlePerLoop idle connections kept per backend and event loop, 0-10000; more are closed
 * @param idleTimeout    an idle pooled connection older than this is closed
 */
public record UpstreamConfig(int maxIdlePerLoop, Duration idleTimeout) {

    /** 64 idle connections per backend and loop, closed after 60 s idle. */
    public static final UpstreamConfig DEFAULTS = new UpstreamConfig(64, Duration.ofSeconds(60));

    /** Validates the bounds. */
    public UpstreamConfig {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxIdlePerLoop < 0 || maxIdlePerLoop > 10_000) {
            throw new IllegalArgumentException("max_idle_per_loop: " + maxIdlePerLoop + " (expected: 0-10000)");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle_timeout: " + idleTimeout + " (expected: > 0)");
        }
    }
}
