package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * How the PostgreSQL front door looks up a user that is not listed in its config: it runs a query on
 * the server, as a listed user, that returns the user's name and stored password (a SCRAM secret
 * or an md5 hash), then checks the client against that.
 *
 * @param query the query, with {@code $1} for the user name; it returns one row of two text
 *              columns (name and stored password), or none for an unknown user
 * @param user  the listed user whose server connection runs it; it has a server password
 */
public record DatabaseAuthQueryConfig(String query, String user) {

    /** Default {@code query}: what {@code pg_shadow} holds, readable by a superuser only. */
    public static final String DEFAULT_QUERY = "SELECT usename, passwd FROM pg_shadow WHERE usename = $1";
    /** The longest query accepted, in characters. */
    public static final int MAX_QUERY = 4096;

    /** Validates. */
    public DatabaseAuthQueryConfig {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(user, "user");
        if (query.isBlank() || query.length() > MAX_QUERY || !query.contains("$1") || query.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("query: " + Values.quote(query) + " (expected: a query of at most " + MAX_QUERY
                    + " characters with $1 for the user name, such as " + DEFAULT_QUERY + ")");
        }
        if (!DatabasePoolConfig.PG_NAME.matcher(user).matches()) {
            throw new IllegalArgumentException("user: " + Values.quote(user)
                    + " (expected: a user name of " + DatabasePoolConfig.PG_NAME_EXPECTED + ")");
        }
    }

    /** The default query, run as {@code user}. */
    public DatabaseAuthQueryConfig(String user) {
        this(DEFAULT_QUERY, user);
    }
}
