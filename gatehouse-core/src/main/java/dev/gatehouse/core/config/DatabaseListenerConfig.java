package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * A PostgreSQL front door listener: where database clients connect.
 *
 * @param bind       where it listens (port 0 asks the OS for a free port)
 * @param maxClients the most client connections open on it at once, 1-1,000,000; more are
 *                   refused when accepted
 * @param tls        TLS offered to clients that ask for it (SSLRequest), the same settings as an
 *                   HTTP listener's {@code tls}; null: a client asking for TLS is answered "no"
 */
public record DatabaseListenerConfig(HostPort bind, int maxClients, TlsConfig tls) {

    /** Default {@code max_clients}. */
    public static final int DEFAULT_MAX_CLIENTS = 10_000;
    /** The most {@code max_clients} may be. */
    public static final int MAX_CLIENTS = 1_000_000;

    /** Validates the bounds. */
    public DatabaseListenerConfig {
        Objects.requireNonNull(bind, "bind");
        if (maxClients < 1 || maxClients > MAX_CLIENTS) {
            throw new IllegalArgumentException("max_clients: " + maxClients + " (expected: 1-" + MAX_CLIENTS + ")");
        }
    }

    /** A listener without TLS. */
    public DatabaseListenerConfig(HostPort bind, int maxClients) {
        this(bind, maxClients, null);
    }

    /** A listener with the default {@code max_clients}, without TLS. */
    public DatabaseListenerConfig(HostPort bind) {
        this(bind, DEFAULT_MAX_CLIENTS);
    }
}
