package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A database clients can ask for at the PostgreSQL front door, and how its server connections are
 * pooled. A pool of server connections is kept per (database, user): the connection counts here
 * are per such pool.
 *
 * @param name           the database name clients ask for (the startup message's {@code database})
 * @param server         the name of the {@link DatabaseServerConfig} it lives on
 * @param database       its name on that server
 * @param mode           when a client gives its server connection back
 * @param minConnections server connections kept open per (database, user) pool, even when idle
 * @param maxConnections the most server connections per (database, user) pool, at least
 *                       {@code minConnections} and at most the server's budget
 * @param waitTimeout    how long a client waits in the queue for a server connection before it
 *                       gets an error
 * @param sessionState   what a transaction-mode client that leaves session state behind gets
 */
public record DatabasePoolConfig(String name, String server, String database, Mode mode, int minConnections,
                                 int maxConnections, Duration waitTimeout, SessionState sessionState) {

    /** When a client gives its server connection back. */
    public enum Mode {
        /** At the end of each transaction: many clients share few server connections. */
        TRANSACTION,
        /** When the client disconnects: the client has the server connection to itself. */
        SESSION;

        /** The name in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What a transaction-mode client gets when a transaction ends with session state on its server
     * connection ({@code SET}, {@code LISTEN}, advisory locks, temporary tables, {@code WITH HOLD}
     * cursors), which the next client must not inherit.
     */
    public enum SessionState {
        /** The server connection stays the client's until it disconnects, as in session mode. */
        PIN,
        /** The client gets an error, and the server connection is not lent to another client with that state. */
        REJECT;

        /** The name in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Default {@code mode}. */
    public static final Mode DEFAULT_MODE = Mode.TRANSACTION;
    /** Default {@code wait_timeout}. */
    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@code session_state}. */
    public static final SessionState DEFAULT_SESSION_STATE = SessionState.PIN;

    /**
     * A database or user name as clients send it: 1-63 characters (PostgreSQL's own limit is 63
     * bytes), letters, digits and {@code _ . - @ $}, starting with a letter, a digit or {@code _}.
     * Narrower than PostgreSQL allows, so that no name needs quoting in a log or a query.
     */
    static final Pattern PG_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@$-]{0,62}");
    static final String PG_NAME_EXPECTED =
            "1-63 letters, digits, _ . - @ or $, starting with a letter, a digit or _";

    /** Validates the bounds. */
    public DatabasePoolConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        Objects.requireNonNull(sessionState, "sessionState");
        if (!PG_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: " + Values.quote(name) + " (expected: a database name of " + PG_NAME_EXPECTED + ")");
        }
        if (!DatabaseServerConfig.NAME.matcher(server).matches()) {
            throw new IllegalArgumentException("server: " + Values.quote(server)
                    + " (expected: " + DatabaseServerConfig.NAME_EXPECTED + ")");
        }
        if (!PG_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("database: " + Values.quote(database)
                    + " (expected: a database name of " + PG_NAME_EXPECTED + ")");
        }
        if (maxConnections < 1 || maxConnections > DatabaseServerConfig.MAX_CONNECTIONS) {
            throw new IllegalArgumentException("max_connections: " + maxConnections
                    + " (expected: 1-" + DatabaseServerConfig.MAX_CONNECTIONS + ")");
        }
        if (minConnections < 0 || minConnections > maxConnections) {
            throw new IllegalArgumentException("min_connections: " + minConnections
                    + " (expected: 0 to the pool's max_connections, " + maxConnections + ")");
        }
        if (waitTimeout.isNegative() || waitTimeout.isZero()) {
            throw new IllegalArgumentException("wait_timeout: " + waitTimeout.toMillis() + "ms (expected: > 0)");
        }
    }
}
