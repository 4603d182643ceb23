package dev.gatehouse.postgres.extended;

import java.util.Arrays;
import java.util.Objects;

/**
 * What makes two prepared statements the same on a server: the query text and the parameter
 * types given with it (Parse's OIDs, 0 for "let the server infer"). Two clients preparing the
 * same query share one statement on a server connection.
 */
public final class StatementKey {

    private final String query;
    private final int[] parameterTypes;
    private final int hash;

    /** A key; {@code parameterTypes} is copied. */
    public StatementKey(String query, int[] parameterTypes) {
        this.query = Objects.requireNonNull(query, "query");
        this.parameterTypes = parameterTypes.clone();
        this.hash = 31 * query.hashCode() + Arrays.hashCode(parameterTypes);
    }

    /** The query text. */
    public String query() {
        return query;
    }

    /** The parameter types, a copy. */
    public int[] parameterTypes() {
        return parameterTypes.clone();
    }

    /** The bytes this key keeps alive, roughly: what a cache of them is bounded by. */
    public int weight() {
        return 2 * query.length() + 4 * parameterTypes.length + 64;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatementKey k && hash == k.hash && query.equals(k.query)
                && Arrays.equals(parameterTypes, k.parameterTypes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return query.length() <= 60 ? query : query.substring(0, 60) + "...";
    }
}
