package dev.gatehouse.postgres.auth;

import java.util.Arrays;
import java.util.Objects;

/**
 * What logging in to a PostgreSQL server by SCRAM-SHA-256 takes when the password is not known:
 * the user's ClientKey and ServerKey, and the salt and iteration count of the stored secret they
 * belong to. The front door has them only after a client proved it knows the password
 * ({@link ScramServer#passThroughKeys}): the ClientKey is recovered from the client's proof, the
 * ServerKey is in the stored secret. With them {@link ScramClient#withKeys} answers the server's
 * challenge as the client would have ("pass-through"), provided the server holds the same secret
 * (the same salt and count).
 *
 * <p>The keys are as good as the password for logging in: kept in memory only, never shown
 * ({@link #toString} names the count and salt only).
 *
 * @param iterations the secret's iteration count
 * @param salt the secret's salt
 * @param clientKey HMAC(SaltedPassword, "Client Key")
 * @param serverKey HMAC(SaltedPassword, "Server Key")
 */
public record ScramKeys(int iterations, byte[] salt, byte[] clientKey, byte[] serverKey) {

    /** Copies the arrays, so that nobody else holds them. */
    public ScramKeys {
        Objects.requireNonNull(salt, "salt");
        if (clientKey.length != ScramCrypto.KEY_LENGTH || serverKey.length != ScramCrypto.KEY_LENGTH) {
            throw new IllegalArgumentException("ScramKeys: keys of " + clientKey.length + " and " + serverKey.length
                    + " bytes (expected: " + ScramCrypto.KEY_LENGTH + " each)");
        }
        salt = salt.clone();
        clientKey = clientKey.clone();
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] clientKey() {
        return clientKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    /** Whether the keys belong to a secret of this salt and iteration count. */
    public boolean matches(byte[] otherSalt, int otherIterations) {
        return iterations == otherIterations && Arrays.equals(salt, otherSalt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramKeys k && iterations == k.iterations && Arrays.equals(salt, k.salt)
                && Arrays.equals(clientKey, k.clientKey) && Arrays.equals(serverKey, k.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(iterations, Arrays.hashCode(salt), Arrays.hashCode(clientKey));
    }

    /** The count and salt, never the keys. */
    @Override
    public String toString() {
        return "ScramKeys[iterations=" + iterations + ", salt=" + ScramCrypto.base64(salt) + "]";
    }
}
