package dev.gatehouse.postgres.protocol;

import java.util.Arrays;

/**
 * The parts of a client's Parse the front door looks at: in transaction pooling, a named
 * statement is prepared again under another name on each server connection, so its query and
 * parameter types are kept.
 *
 * @param statement the prepared statement's name; empty for the unnamed statement
 * @param query the query text
 * @param parameterTypes the parameter type OIDs the client specified (0: the server infers it)
 */
public record Parse(String statement, String query, int[] parameterTypes) {

    /** Copies the types. */
    public Parse {
        parameterTypes = parameterTypes.clone();
    }

    /** How many parameter type OIDs the client specified. */
    public int parameterTypeCount() {
        return parameterTypes.length;
    }

    /** The parameter types, a copy. */
    @Override
    public int[] parameterTypes() {
        return parameterTypes.clone();
    }

    /** Whether this prepares the unnamed statement, which lives until the next Parse or Query only. */
    public boolean unnamed() {
        return statement.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parse p && statement.equals(p.statement) && query.equals(p.query)
                && Arrays.equals(parameterTypes, p.parameterTypes);
    }

    @Override
    public int hashCode() {
        return (statement.hashCode() * 31 + query.hashCode()) * 31 + Arrays.hashCode(parameterTypes);
    }

    @Override
    public String toString() {
        return "Parse[statement=" + statement + ", query=" + query + ", parameterTypes=" + Arrays.toString(parameterTypes) + "]";
    }
}
