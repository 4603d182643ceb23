package dev.gatehouse.core.config;

import java.util.List;
import java.util.Objects;

/**
 * An address the node accepts client traffic on, and the routes of that traffic.
 *
 * @param bind   the local address to listen on
 * @param routes the routes, in config order (matching does not depend on the order)
 * @param tls    the listener's TLS, or null for a plaintext listener
 */
public record ListenerConfig(HostPort bind, List<RouteConfig> routes, TlsConfig tls) {

    /** Validates and copies. */
    public ListenerConfig {
        Objects.requireNonNull(bind, "bind");
        routes = List.copyOf(routes);
    }

    /** A plaintext listener. */
    public ListenerConfig(HostPort bind, List<RouteConfig> routes) {
        this(bind, routes, null);
    }

    /** Whether clients speak TLS to this listener. */
    public boolean isTls() {
        return tls != null;
    }
}
