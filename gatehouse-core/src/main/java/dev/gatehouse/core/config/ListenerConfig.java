package dev.gatehouse.core.config;

import java.util.List;
import java.util.Objects;

/**
 * An address the node accepts client traffic on, and the routes of that traffic.
 *
 * @param bind   the local address to listen on
 * @param routes the routes, in config order (matching does not depend on the order)
 * @param tls    the listener's TLS, or null for a plaintext listener
 * @param http2  HTTP/2 towards clients ({@link Http2Config#DEFAULTS} when the file says nothing)
 */
public record ListenerConfig(HostPort bind, List<RouteConfig> routes, TlsConfig tls, Http2Config http2) {

    /** Validates and copies. */
    public ListenerConfig {
        Objects.requireNonNull(bind, "bind");
        routes = List.copyOf(routes);
        Objects.requireNonNull(http2, "http2");
    }

    /** A plaintext listener with the default HTTP/2 settings (h2c off). */
    public ListenerConfig(HostPort bind, List<RouteConfig> routes) {
        this(bind, routes, null, Http2Config.DEFAULTS);
    }

    /** Whether clients speak TLS to this listener. */
    public boolean isTls() {
        return tls != null;
    }
}
