package dev.gatehouse.core.config;

import java.util.List;
import java.util.Objects;

/**
 * An address the node accepts client traffic on, and the routes of that traffic.
 *
 * @param bind   the local address to listen on
 * @param routes the routes, in config order (matching does not depend on the order)
 */
public record ListenerConfig(HostPort bind, List<RouteConfig> routes) {

    /** Validates and copies. */
    public ListenerConfig {
        Objects.requireNonNull(bind, "bind");
        routes = List.copyOf(routes);
    }
}
