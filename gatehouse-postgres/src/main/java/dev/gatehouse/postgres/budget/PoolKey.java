package dev.gatehouse.postgres.budget;

import java.util.Objects;

/**
 * A pool's identity: server connections are shared only between clients of the same database
 * and user, since a server connection is authenticated as one user on one database.
 *
 * @param database the database's name clients ask for
 * @param user the user's name
 */
public record PoolKey(String database, String user) {

    /** Validates that both names are present. */
    public PoolKey {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
    }

    @Override
    public String toString() {
        return database + "/" + user;
    }
}
