package dev.gatehouse.postgres.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 primitives of RFC 5802 section 2.2 (HMAC, H, Hi, XOR) and the strict base64 the
 * messages and stored secrets use. Every JDK provides HmacSHA256 and SHA-256, so their absence is
 * an {@link IllegalStateException}, not a checked exception every caller would have to carry.
 */
final class ScramCrypto {

    /** The length of SHA-256's output, hence of every key, signature and proof. */
    static final int KEY_LENGTH = 32;

    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    /** Per thread: see {@link #mac}. */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no HmacSHA256", e);
        }
    });

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    });

    private ScramCrypto() {
    }

    /** Hi(password, salt, i) of RFC 5802: PBKDF2 with HMAC-SHA-256 and one block of output. */
    static byte[] saltedPassword(byte[] password, byte[] salt, int iterations) {
        // Not SecretKeyFactory's PBKDF2WithHmacSHA256: it takes a char[] and encodes it itself,
        // while PostgreSQL hashes raw bytes when SASLprep falls back to them.
        Mac mac = mac(password);
        mac.update(salt);
        mac.update(new byte[] {0, 0, 0, 1});
        byte[] u = mac.doFinal();
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    static byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, CLIENT_KEY);
    }

    static byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, SERVER_KEY);
    }

    static byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    static byte[] sha256(byte[] data) {
        return SHA256.get().digest(data);   // digest() resets it for the next use
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * The bytes of canonical, padded base64 (RFC 4648 section 4), or null for anything else: empty
     * text, a missing or wrong padding, a character outside the alphabet, non-zero spare bits.
     */
    static byte[] decodeBase64(String text) {
        if (text.isEmpty() || text.length() % 4 != 0) {
            return null;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            // The JDK ignores non-zero spare bits in the last group; only the canonical form is one value.
            return base64(bytes).equals(text) ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * This thread's HMAC-SHA-256, keyed with {@code key}. One instance per thread, keyed again at
     * each use: {@code Mac.getInstance} looks the algorithm up among the providers and the first
     * {@code init} picks one, which cost more than the HMACs of a whole login. Callers finish with
     * it before their next call here (none holds one across another).
     */
    private static Mac mac(byte[] key) {
        try {
            Mac mac = MACS.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no HmacSHA256", e);
        }
    }
}
