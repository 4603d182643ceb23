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

    /**
     * 1024 idle connections per backend and loop, closed after 60 s idle. The count is a bound for
     * pathological cases, not the way idle connections go: the idle timeout is. A cap below the
     * concurrency a backend sees churns connections: every request over it finds no idle one and
     * connects, every completion over it closes one (measured with 64, at 512 client connections
     * on one fast backend: 167,000 new backend connections in 25 s, two thirds of the proxy's CPU
     * per request, and SYNs into TIME_WAIT sockets held some requests for a second).
     */
    public static final UpstreamConfig DEFAULTS = new UpstreamConfig(1024, Duration.ofSeconds(60));

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
