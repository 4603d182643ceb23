package dev.gatehouse.core.config;

import java.util.List;
import java.util.Objects;

/**
 * An address the node accepts client traffic on, and the routes of that traffic.
 *
 * @param bind   the local address to listen on
 * @param routes the routes, in config order (matching does not depend on the order)
 * @param http2  HTTP/2 towards clients ({@link Http2Config#DEFAULTS} when the file says nothing)
 */
public record ListenerConfig(HostPort bind, List<RouteConfig> routes, Http2Config http2) {

    /** Validates and copies. */
    public ListenerConfig {
        Objects.requireNonNull(bind, "bind");
        routes = List.copyOf(routes);
        Objects.requireNonNull(http2, "http2");
    }

    /** A listener with the default HTTP/2 settings (h2c off). */
    public ListenerConfig(HostPort bind, List<RouteConfig> routes) {
        this(bind, routes, Http2Config.DEFAULTS);
    }
}
