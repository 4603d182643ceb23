package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.auth.Md5Password;
import dev.gatehouse.postgres.auth.ScramClient;
import dev.gatehouse.postgres.auth.ScramKeys;
import java.security.SecureRandom;

/**
 * What one pool's server connections log in with: the configured user's plaintext server password,
 * or, for a user found by {@code auth_query}, what its last client login left ("pass-through"):
 * the md5 hash the query returned, or the SCRAM keys recovered from the client's proof. A
 * pass-through pool has nothing until its first client logged in, and its pool is made only then,
 * so no connection of it is opened before. Each later login replaces what it holds, so a changed
 * password is followed. Held in memory only; used on the front door's event loop.
 */
final class ServerCredentials {

    private final String user;
    private final String password;
    private final boolean passThrough;
    private String md5Hash;
    private ScramKeys scramKeys;

    private ServerCredentials(String user, String password, boolean passThrough) {
        this.user = user;
        this.password = password;
        this.passThrough = passThrough;
    }

    /**
     * A configured user's.
     *
     * @param password its server password, or null: the server must then trust the front door
     */
    static ServerCredentials configured(String user, String password) {
        return new ServerCredentials(user, password, false);
    }

    /** An auth_query user's: empty until {@link #learnMd5} or {@link #learnScram}. */
    static ServerCredentials passThrough(String user) {
        return new ServerCredentials(user, null, true);
    }

    /** A client logged in against the md5 hash the auth_query returned: the server is answered with it. */
    void learnMd5(String hash) {
        md5Hash = hash;
        scramKeys = null;
    }

    /** A client logged in by SCRAM against the secret the auth_query returned: its keys answer the server. */
    void learnScram(ScramKeys keys) {
        scramKeys = keys;
        md5Hash = null;
    }

    /** The cleartext password to send, or null when there is none. */
    String cleartext() {
        return password;
    }

    /** The answer to an md5 challenge, or null when there is nothing to answer it with. */
    String md5Response(byte[] salt) {
        if (password != null) {
            return Md5Password.response(password, user, salt);
        }
        return md5Hash == null ? null : Md5Password.responseFromHash(md5Hash, salt);
    }

    /** A SCRAM exchange to run with the server, or null when there is nothing to run it with. */
    ScramClient scram(SecureRandom random) {
        if (password != null) {
            return ScramClient.create(password, random);
        }
        return scramKeys == null ? null : ScramClient.withKeys(scramKeys, random);
    }

    /** Why a server's request for {@code method} cannot be answered, for its log line and its client. */
    String cannotAnswer(String method) {
        if (!passThrough) {
            return "the server asks for a password for user \"" + user + "\" and none is configured (databases.users."
                    + user + ".server_password)";
        }
        String held = md5Hash != null ? "an md5 hash" : scramKeys != null ? "SCRAM keys" : "nothing yet";
        return "the server asks for " + method + " for user \"" + user + "\", found by databases.auth_query, and the front"
                + " door holds " + held + " from the user's last login (pass-through answers md5 with the md5 hash and"
                + " SCRAM-SHA-256 with a SCRAM secret; check the user's password and pg_hba.conf on the server)";
    }
}
