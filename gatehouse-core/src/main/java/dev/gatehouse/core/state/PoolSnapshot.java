package dev.gatehouse.core.state;

import dev.gatehouse.core.balance.Balancer;
import java.util.List;
import java.util.Objects;

/**
 * One pool at one moment.
 *
 * @param name     the pool's name
 * @param backends the backends that may take new requests, in config order
 * @param balancer picks among {@code backends}; shared by successive snapshots of the pool
 */
public record PoolSnapshot(String name, List<Backend> backends, Balancer balancer) {

    /** Validates and copies. */
    public PoolSnapshot {
        Objects.requireNonNull(name, "name");
        backends = List.copyOf(backends);
        Objects.requireNonNull(balancer, "balancer");
    }
}
