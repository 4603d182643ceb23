package dev.gatehouse.postgres.protocol;

/**
 * The parts of a client's Parse the front door looks at: in transaction pooling, a named
 * statement ties the client to its server connection.
 *
 * @param statement the prepared statement's name; empty for the unnamed statement
 * @param query the query text
 * @param parameterTypeCount how many parameter type OIDs the client specified
 */
public record Parse(String statement, String query, int parameterTypeCount) {

    /** Whether this prepares the unnamed statement, which lives until the next Parse or Query only. */
    public boolean unnamed() {
        return statement.isEmpty();
    }
}
