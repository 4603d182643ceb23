package dev.gatehouse.testing.postgres;

import java.util.Objects;

/**
 * A login role a {@link PostgresCluster} creates, with its authentication method over TCP.
 *
 * @param name a plain identifier, not {@code postgres}
 * @param method how it authenticates
 * @param password its password; null exactly when the method is {@link AuthMethod#TRUST}
 */
record ClusterRole(String name, AuthMethod method, String password) {

    ClusterRole {
        SqlText.identifier("role", name);
        Objects.requireNonNull(method, "method");
        if (name.equals(PostgresCluster.SUPERUSER)) {
            throw new IllegalArgumentException("role: \"postgres\" (expected: another name; the superuser exists already)");
        }
        if ((method == AuthMethod.TRUST) != (password == null)) {
            throw new IllegalArgumentException("password of role " + name + " (expected: "
                    + (method == AuthMethod.TRUST ? "none for trust" : "one for " + method.hbaMethod()) + ")");
        }
        if (password != null && (password.isEmpty() || password.indexOf(0) >= 0)) {
            throw new IllegalArgumentException("password of role " + name + " (expected: not empty, no NUL)");
        }
    }

    /** The statement that creates it (run after {@code SET password_encryption} to its method's). */
    String createStatement() {
        return "CREATE ROLE " + name + " LOGIN" + (password == null ? "" : " PASSWORD " + SqlText.literal(password));
    }

    /** Its {@code pg_hba.conf} line: TCP from 127.0.0.1 only, to any database. */
    String hbaLine() {
        return "host all " + name + " 127.0.0.1/32 " + method.hbaMethod();
    }
}
