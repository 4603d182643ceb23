package dev.gatehouse.core.config;

import java.util.List;
import java.util.Objects;

/**
 * A named group of backends serving the same app.
 *
 * @param name     the pool's name, as routes refer to it
 * @param strategy how requests are spread over the backends
 * @param backends the backends, possibly empty (requests then get 503)
 */
public record PoolConfig(String name, Strategy strategy, List<BackendConfig> backends) {

    /** Validates and copies. */
    public PoolConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(strategy, "strategy");
        backends = List.copyOf(backends);
    }
}
