package dev.gatehouse.testing.postgres;

/**
 * A database a {@link PostgresCluster} creates.
 *
 * @param name a plain identifier, not one of the databases initdb makes
 * @param owner {@code postgres} or a role of the same cluster
 */
record ClusterDatabase(String name, String owner) {

    ClusterDatabase {
        SqlText.identifier("database", name);
        SqlText.identifier("owner of database " + name, owner);
        if (name.equals("postgres") || name.equals("template0") || name.equals("template1")) {
            throw new IllegalArgumentException("database: \"" + name + "\" (expected: another name; initdb made it)");
        }
    }

    /** The statement that creates it; CREATE DATABASE cannot run in a transaction, so alone. */
    String createStatement() {
        return "CREATE DATABASE " + name + " OWNER " + owner;
    }
}
