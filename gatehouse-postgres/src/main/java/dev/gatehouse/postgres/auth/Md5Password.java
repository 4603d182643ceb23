package dev.gatehouse.postgres.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * PostgreSQL's md5 password authentication, both sides. The stored form is
 * {@code "md5" + md5hex(password + user)}; the server sends a random 4-byte salt
 * (AuthenticationMD5Password) and the client answers, in a PasswordMessage,
 * {@code "md5" + md5hex(md5hex(password + user) + salt)}, the inner digest in lowercase hex and the
 * salt as raw bytes. Strings are UTF-8, as PostgreSQL hashes them with UTF-8 client and server
 * encodings. md5 is weak (the stored hash is as good as the password); it exists for servers and
 * users that still have it, and SCRAM is the default.
 */
public final class Md5Password {

    /** The length of the salt in AuthenticationMD5Password. */
    public static final int SALT_LENGTH = 4;

    private static final String PREFIX = "md5";
    private static final int HASH_LENGTH = PREFIX.length() + 32;
    private static final HexFormat HEX = HexFormat.of();

    private Md5Password() {
    }

    /** The stored form PostgreSQL writes for this password and user: {@code md5} and 32 hex digits. */
    public static String hash(String password, String user) {
        return PREFIX + md5Hex(concat(utf8(password), utf8(user)));
    }

    /** Whether {@code stored} is an md5 hash ({@code md5} and 32 lowercase hex digits), as PostgreSQL tells. */
    public static boolean isHash(String stored) {
        if (stored.length() != HASH_LENGTH || !stored.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < HASH_LENGTH; i++) {
            char c = stored.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** A new random salt for one AuthenticationMD5Password. */
    public static byte[] newSalt(SecureRandom random) {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        return salt;
    }

    /**
     * The client's answer to a server's salt: the PasswordMessage's string (without its NUL).
     *
     * @throws IllegalArgumentException if the salt is not {@value #SALT_LENGTH} bytes
     */
    public static String response(String password, String user, byte[] salt) {
        return saltedResponse(hash(password, user), salt);
    }

    /**
     * The answer to a server's salt from the stored hash alone ({@link #isHash}): the hash is all
     * the exchange uses, so knowing it is as good as knowing the password (pass-through for users
     * whose hash an auth_query returned).
     *
     * @throws IllegalArgumentException if {@code hash} is not an md5 hash or the salt is not {@value #SALT_LENGTH} bytes
     */
    public static String responseFromHash(String hash, byte[] salt) {
        if (!isHash(hash)) {
            throw new IllegalArgumentException("Md5Password: not an md5 hash (expected: md5 and 32 lowercase hex digits)");
        }
        return saltedResponse(hash, salt);
    }

    /**
     * Whether a client's PasswordMessage answers {@code salt} for the user's stored password, which
     * is an md5 hash ({@link #isHash}) or else the plaintext password. A stored SCRAM secret cannot
     * answer md5 (PostgreSQL refuses such a user too): false. The comparison takes the same time
     * wherever the response differs.
     *
     * @param response the PasswordMessage's string without its NUL
     * @throws IllegalArgumentException if the salt is not {@value #SALT_LENGTH} bytes
     */
    public static boolean verify(String stored, String user, byte[] salt, byte[] response) {
        if (ScramSecret.isScramSecret(stored)) {
            return false;
        }
        String hash = isHash(stored) ? stored : hash(stored, user);
        return MessageDigest.isEqual(saltedResponse(hash, salt).getBytes(StandardCharsets.US_ASCII), response);
    }

    private static String saltedResponse(String hash, byte[] salt) {
        if (salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("Md5Password: the salt has " + salt.length + " bytes (expected: " + SALT_LENGTH + ")");
        }
        return PREFIX + md5Hex(concat(hash.substring(PREFIX.length()).getBytes(StandardCharsets.US_ASCII), salt));
    }

    private static String md5Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no MD5", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
