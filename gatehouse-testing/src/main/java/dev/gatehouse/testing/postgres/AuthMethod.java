package dev.gatehouse.testing.postgres;

/**
 * How a role of a {@link PostgresCluster} authenticates over TCP: its {@code pg_hba.conf} method
 * and the {@code password_encryption} its password is stored with. The two must agree: a role
 * whose password is stored as SCRAM cannot use md5, and PostgreSQL quietly upgrades an md5 line to
 * SCRAM for such a role, which would make an md5 test prove nothing.
 */
enum AuthMethod {
    /** No password asked. */
    TRUST("trust", null),
    /** SCRAM-SHA-256 (RFC 7677), the password stored as a SCRAM verifier. */
    SCRAM_SHA_256("scram-sha-256", "scram-sha-256"),
    /** The md5 challenge, the password stored as md5(password || user). */
    MD5("md5", "md5");

    private final String hbaMethod;
    private final String passwordEncryption;

    AuthMethod(String hbaMethod, String passwordEncryption) {
        this.hbaMethod = hbaMethod;
        this.passwordEncryption = passwordEncryption;
    }

    /** The method's name in {@code pg_hba.conf}. */
    String hbaMethod() {
        return hbaMethod;
    }

    /** The {@code password_encryption} to create the role's password with; null: the role has none. */
    String passwordEncryption() {
        return passwordEncryption;
    }
}
