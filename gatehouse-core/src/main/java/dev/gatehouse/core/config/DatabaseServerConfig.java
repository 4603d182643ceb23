package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server (a primary) the front door opens connections to.
 *
 * @param name           its name in the config, as pools refer to it: 1-63 lowercase letters,
 *                       digits, {@code _} or {@code -}, like an HTTP pool's
 * @param address        where it listens
 * @param maxConnections the budget: the most server connections open to it at once, over all the
 *                       pools that use it, 1-100,000 (keep it under the server's own
 *                       {@code max_connections}, less its reserved ones)
 * @param connectTimeout how long opening a connection to it may take
 */
public record DatabaseServerConfig(String name, HostPort address, int maxConnections, Duration connectTimeout) {

    /** Default {@code connect_timeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The most {@code max_connections} may be, for a server and for a pool. */
    public static final int MAX_CONNECTIONS = 100_000;

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    static final String NAME_EXPECTED = "a server name of 1-63 lowercase letters, digits, _ or -, starting with a letter or digit";

    /** Validates the bounds. */
    public DatabaseServerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: " + Values.quote(name) + " (expected: " + NAME_EXPECTED + ")");
        }
        if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("max_connections: " + maxConnections + " (expected: 1-" + MAX_CONNECTIONS + ")");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect_timeout: " + connectTimeout.toMillis() + "ms (expected: > 0)");
        }
    }
}
