package dev.gatehouse.core.api;

import dev.gatehouse.core.config.HostPort;

/** How many tunnels (WebSockets and other upgrades) are open through a pool to a backend, for views and metrics. */
@FunctionalInterface
public interface TunnelCounts {

    /** Counts none: a node without tunnels, or a view that does not show them. */
    TunnelCounts NONE = (pool, backend) -> 0;

    /** Open tunnels of {@code pool} to {@code backend}. */
    long open(String pool, HostPort backend);
}
