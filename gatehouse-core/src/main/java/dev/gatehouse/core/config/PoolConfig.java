package dev.gatehouse.core.config;

import java.util.List;
import java.util.Objects;

/**
 * A named group of backends serving the same app.
 *
 * @param name      the pool's name, as routes refer to it
 * @param strategy  how requests are spread over the backends
 * @param backends  the backends, possibly empty (requests then get 503)
 * @param hash      the key of {@code consistent-hash} (and {@code sticky: hash})
 * @param admission concurrency limits, queue and slow lane
 * @param sticky    session persistence, or null for none
 */
public record PoolConfig(String name, Strategy strategy, List<BackendConfig> backends, HashConfig hash,
                         AdmissionConfig admission, StickyConfig sticky) {

    /** Validates and copies. */
    public PoolConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(strategy, "strategy");
        backends = List.copyOf(backends);
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(admission, "admission");
        if (sticky != null && sticky.mode() == StickyConfig.Mode.HASH && strategy != Strategy.CONSISTENT_HASH) {
            throw new IllegalArgumentException("sticky: hash with strategy " + strategy.configName()
                    + " (expected: strategy consistent-hash)");
        }
    }

    /** A pool with default hashing, no admission control and no stickiness. */
    public PoolConfig(String name, Strategy strategy, List<BackendConfig> backends) {
        this(name, strategy, backends, HashConfig.DEFAULTS, AdmissionConfig.DEFAULTS, null);
    }
}
