package dev.gatehouse.core.config;

import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user clients may log in as at the PostgreSQL front door, and what the front door tells the
 * server for it.
 *
 * <p>No message and no {@link #toString} ever shows a password: config errors reach logs and the
 * admin API.
 *
 * @param name           the user name clients send
 * @param auth           how the front door checks the client
 * @param password       what the client is checked against: plaintext, or a stored secret as
 *                       PostgreSQL keeps it ({@link PasswordForm}); null only with {@link Auth#TRUST}
 * @param serverPassword the plaintext password the front door answers the server's challenge with
 *                       (SCRAM or md5, whichever the server asks for); by default {@code password}
 *                       when that is plaintext; null when there is none (the server must then trust
 *                       the front door)
 */
public record DatabaseUserConfig(String name, Auth auth, String password, String serverPassword) {

    /** How the front door checks a client. */
    public enum Auth {
        /** SCRAM-SHA-256 (RFC 7677, without channel binding), against a plaintext password or a SCRAM secret. */
        SCRAM_SHA_256,
        /** PostgreSQL's md5 challenge, against a plaintext password or an md5 hash. */
        MD5,
        /** No check: allowed only when every database listener is on a loopback address. */
        TRUST;

        /** The name in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What a password value holds. */
    public enum PasswordForm {
        /** The password itself. */
        PLAINTEXT,
        /** A SCRAM secret as in {@code pg_authid}: {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}. */
        SCRAM_SHA_256,
        /** An md5 hash as in {@code pg_authid}: {@code md5} and the hex md5 of the password followed by the user name. */
        MD5
    }

    /** Default {@code auth}. */
    public static final Auth DEFAULT_AUTH = Auth.SCRAM_SHA_256;
    /** The longest password or secret accepted, in characters. */
    public static final int MAX_PASSWORD = 1024;

    private static final String SCRAM_PREFIX = "SCRAM-SHA-256$";
    // The form only; the SCRAM code decodes and uses the parts. Keys are 32 bytes: 43 base64 digits and "=".
    private static final Pattern SCRAM_SECRET = Pattern.compile(
            "SCRAM-SHA-256\\$([1-9][0-9]{0,9}):([A-Za-z0-9+/]+={0,2})\\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=");
    // "md5" and hex digits is taken for an attempt at a hash (PostgreSQL reads it as one when it has 32).
    private static final Pattern MD5_LIKE = Pattern.compile("md5[0-9A-Fa-f]+");
    private static final Pattern MD5_HASH = Pattern.compile("md5[0-9a-f]{32}");
    private static final String SCRAM_EXPECTED = "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> in base64,"
            + " as pg_authid holds it";

    /** Validates, and defaults {@code serverPassword} to a plaintext {@code password}. */
    public DatabaseUserConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(auth, "auth");
        if (!DatabasePoolConfig.PG_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: " + Values.quote(name)
                    + " (expected: a user name of " + DatabasePoolConfig.PG_NAME_EXPECTED + ")");
        }
        PasswordForm form = password == null ? null : formOf("password", password);
        if (password == null && auth != Auth.TRUST) {
            throw new IllegalArgumentException("password: missing (expected: the user's password or its stored secret, for auth "
                    + auth.configName() + ")");
        }
        if (form == PasswordForm.SCRAM_SHA_256 && auth != Auth.SCRAM_SHA_256) {
            throw new IllegalArgumentException("password: a SCRAM secret with auth " + auth.configName()
                    + " (expected: auth scram-sha-256 for a SCRAM secret, or the plaintext password)");
        }
        if (form == PasswordForm.MD5 && auth != Auth.MD5) {
            throw new IllegalArgumentException("password: an md5 hash with auth " + auth.configName()
                    + " (expected: auth md5 for an md5 hash, or the plaintext password)");
        }
        if (serverPassword != null && formOf("server_password", serverPassword) != PasswordForm.PLAINTEXT) {
            throw new IllegalArgumentException("server_password: a stored secret (expected: the plaintext password:"
                    + " answering the server's SCRAM or md5 challenge needs it)");
        }
        if (serverPassword == null && form == PasswordForm.PLAINTEXT) {
            serverPassword = password;
        }
        if (serverPassword == null && form != null) {
            throw new IllegalArgumentException("server_password: missing (expected: the plaintext password the server knows "
                    + name + " by, since password is a stored secret)");
        }
    }

    /** A user checked with a plaintext password, the same one the server knows it by. */
    public DatabaseUserConfig(String name, Auth auth, String password) {
        this(name, auth, password, null);
    }

    /** What {@code password} holds, or null when there is none. */
    public PasswordForm passwordForm() {
        return password == null ? null : formOf("password", password);
    }

    /** Whether the front door has a password to answer the server's challenge for this user. */
    public boolean hasServerPassword() {
        return serverPassword != null;
    }

    /**
     * What a password value holds. Only its form is checked here; the SCRAM code decodes the parts.
     *
     * @param key the config key, for the message
     * @throws IllegalArgumentException (never quoting the value) when it is empty, too long, holds a
     *                                  NUL, or looks like a stored secret but is not a well-formed one
     */
    public static PasswordForm formOf(String key, String password) {
        if (password.isEmpty()) {
            throw new IllegalArgumentException(key + ": \"\" (expected: a password, or a stored secret)");
        }
        if (password.length() > MAX_PASSWORD) {
            throw new IllegalArgumentException(key + ": " + password.length() + " characters (expected: at most " + MAX_PASSWORD + ")");
        }
        if (password.indexOf('\0') >= 0) {
            // The protocol's strings end at a NUL: such a password could never be sent.
            throw new IllegalArgumentException(key + ": a value with a NUL character (expected: a password without one)");
        }
        if (password.startsWith(SCRAM_PREFIX)) {
            if (!isScramSecret(password)) {
                throw new IllegalArgumentException(key + ": a value starting with " + SCRAM_PREFIX
                        + " that is not a SCRAM secret (expected: " + SCRAM_EXPECTED + ")");
            }
            return PasswordForm.SCRAM_SHA_256;
        }
        if (MD5_LIKE.matcher(password).matches()) {
            if (!MD5_HASH.matcher(password).matches()) {
                throw new IllegalArgumentException(key + ": a value of md5 and hex digits that is not an md5 hash"
                        + " (expected: md5 and 32 lowercase hex digits, as pg_authid holds it)");
            }
            return PasswordForm.MD5;
        }
        return PasswordForm.PLAINTEXT;
    }

    private static boolean isScramSecret(String text) {
        Matcher m = SCRAM_SECRET.matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) > Integer.MAX_VALUE) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(m.group(2)).length > 0;
        } catch (IllegalArgumentException e) {
            return false; // the salt's padding or length is wrong
        }
    }

    /** The user without its passwords, which must not reach a log. */
    @Override
    public String toString() {
        return "DatabaseUserConfig[name=" + name + ", auth=" + auth.configName() + ", password="
                + (password == null ? "none" : passwordForm().name().toLowerCase(Locale.ROOT)) + ", serverPassword="
                + (serverPassword == null ? "none" : "set") + "]";
    }
}
