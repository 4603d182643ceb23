package dev.gatehouse.postgres.auth;

import java.security.SecureRandom;

/**
 * A user's SCRAM-SHA-256 verifier as PostgreSQL stores it in {@code pg_authid.rolpassword}:
 * {@code SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>}. It lets a
 * server check a client's proof without knowing the password; it does not let anyone log in, but it
 * does allow an offline guess at the password, so {@link #toString()} leaves the keys out.
 *
 * <p>Immutable; the accessors return copies. {@link #parse} accepts exactly what {@link #format}
 * writes (canonical padded base64, 32-byte keys, a non-empty salt, a plain decimal iteration count
 * within {@link #MIN_ITERATIONS}..{@link #MAX_ITERATIONS}) and throws {@link IllegalArgumentException}
 * naming the part at fault for anything else.
 */
public final class ScramSecret {

    /** PostgreSQL's iteration count (its {@code scram_iterations} default since 16, fixed before). */
    public static final int DEFAULT_ITERATIONS = 4096;
    /** The lowest count accepted: PostgreSQL 16's {@code scram_iterations} may be set that low. */
    public static final int MIN_ITERATIONS = 1;
    /** The highest count accepted, so that one login cannot cost more than seconds of CPU. */
    public static final int MAX_ITERATIONS = 10_000_000;
    /** The salt length PostgreSQL generates. */
    public static final int SALT_LENGTH = 16;

    private static final String PREFIX = "SCRAM-SHA-256$";
    private static final String EXPECTED = "(expected: SCRAM-SHA-256$<iterations>:<salt>$<storedkey>:<serverkey>)";
    /** Salts are 16 bytes in practice; the bound keeps a hostile secret from sizing our buffers. */
    private static final int MAX_SALT_LENGTH = 1024;
    private static final int MAX_ECHO = 200;

    private final int iterations;
    private final byte[] salt;
    private final byte[] storedKey;
    private final byte[] serverKey;

    private ScramSecret(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
        this.iterations = iterations;
        this.salt = salt;
        this.storedKey = storedKey;
        this.serverKey = serverKey;
    }

    /**
     * Reads PostgreSQL's stored form.
     *
     * @throws IllegalArgumentException if {@code text} is not exactly that form
     */
    public static ScramSecret parse(String text) {
        if (!text.startsWith(PREFIX)) {
            throw invalid(text, "it does not start with SCRAM-SHA-256$");
        }
        String[] parts = text.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 2) {
            throw invalid(text, "it has " + (parts.length + 1) + " '$'-separated parts, not 3");
        }
        String[] countAndSalt = parts[0].split(":", -1);
        String[] keys = parts[1].split(":", -1);
        if (countAndSalt.length != 2 || keys.length != 2) {
            throw invalid(text, "each part after the first has two ':'-separated values");
        }
        int iterations = parseIterations(countAndSalt[0]);
        if (iterations < 0) {
            throw invalid(text, "the iteration count is not a number in " + MIN_ITERATIONS + ".." + MAX_ITERATIONS);
        }
        byte[] salt = ScramCrypto.decodeBase64(countAndSalt[1]);
        if (salt == null || salt.length > MAX_SALT_LENGTH) {
            throw invalid(text, "the salt is not base64 of 1 to " + MAX_SALT_LENGTH + " bytes");
        }
        byte[] storedKey = ScramCrypto.decodeBase64(keys[0]);
        if (storedKey == null || storedKey.length != ScramCrypto.KEY_LENGTH) {
            throw invalid(text, "the StoredKey is not base64 of " + ScramCrypto.KEY_LENGTH + " bytes");
        }
        byte[] serverKey = ScramCrypto.decodeBase64(keys[1]);
        if (serverKey == null || serverKey.length != ScramCrypto.KEY_LENGTH) {
            throw invalid(text, "the ServerKey is not base64 of " + ScramCrypto.KEY_LENGTH + " bytes");
        }
        return new ScramSecret(iterations, salt, storedKey, serverKey);
    }

    /** Whether {@code text} is a stored SCRAM secret (as PostgreSQL tells its password kinds apart). */
    public static boolean isScramSecret(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The secret PostgreSQL would store for this password: a new random {@link #SALT_LENGTH}-byte
     * salt and {@link #DEFAULT_ITERATIONS}.
     *
     * @throws IllegalArgumentException if the password is empty (PostgreSQL refuses it too)
     */
    public static ScramSecret fromPassword(String password, SecureRandom random) {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        return fromPassword(password, salt, DEFAULT_ITERATIONS);
    }

    /**
     * The secret for this password, salt and iteration count, the password prepared as PostgreSQL
     * does (SASLprep, or the raw UTF-8 bytes when SASLprep rejects it).
     *
     * @throws IllegalArgumentException if the password or salt is empty, or the count out of bounds
     */
    public static ScramSecret fromPassword(String password, byte[] salt, int iterations) {
        if (password.isEmpty()) {
            throw new IllegalArgumentException("ScramSecret: the password is empty");
        }
        if (salt.length == 0 || salt.length > MAX_SALT_LENGTH) {
            throw new IllegalArgumentException("ScramSecret: the salt has " + salt.length + " bytes (expected: 1.." + MAX_SALT_LENGTH + ")");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("ScramSecret: " + iterations + " iterations (expected: "
                    + MIN_ITERATIONS + ".." + MAX_ITERATIONS + ")");
        }
        byte[] salted = ScramCrypto.saltedPassword(SaslPrep.prepare(password), salt, iterations);
        return new ScramSecret(iterations, salt.clone(), ScramCrypto.sha256(ScramCrypto.clientKey(salted)),
                ScramCrypto.serverKey(salted));
    }

    /** A secret from its parts, which the caller has checked (a 32-byte key each, a count within bounds). */
    static ScramSecret of(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
        return new ScramSecret(iterations, salt.clone(), storedKey.clone(), serverKey.clone());
    }

    /** PostgreSQL's stored form; {@link #parse} reads it back. */
    public String format() {
        return PREFIX + iterations + ":" + ScramCrypto.base64(salt) + "$" + ScramCrypto.base64(storedKey) + ":"
                + ScramCrypto.base64(serverKey);
    }

    public int iterations() {
        return iterations;
    }

    public byte[] salt() {
        return salt.clone();
    }

    /** H(ClientKey): what a client's proof must hash to. */
    public byte[] storedKey() {
        return storedKey.clone();
    }

    /** HMAC(SaltedPassword, "Server Key"): what the server signs its final message with. */
    public byte[] serverKey() {
        return serverKey.clone();
    }

    /** The iteration count and salt, not the keys. */
    @Override
    public String toString() {
        return "ScramSecret[iterations=" + iterations + ", salt=" + ScramCrypto.base64(salt) + "]";
    }

    /** The count, or -1 unless it is plain decimal digits (no sign, no leading zero) within bounds. */
    static int parseIterations(String text) {
        if (text.isEmpty() || text.length() > 8 || text.charAt(0) == '0') {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value >= MIN_ITERATIONS && value <= MAX_ITERATIONS ? value : -1;
    }

    private static IllegalArgumentException invalid(String text, String why) {
        String shown = text.length() > MAX_ECHO ? text.substring(0, MAX_ECHO) + "..." : text;
        return new IllegalArgumentException("ScramSecret: \"" + shown + "\" " + EXPECTED + ": " + why);
    }
}
