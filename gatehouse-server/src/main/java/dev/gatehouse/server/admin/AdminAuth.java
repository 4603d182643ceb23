package dev.gatehouse.server.admin;

import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.ConfigError;
import dev.gatehouse.core.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's bearer token: read once at start from a file or an environment variable (never
 * the command line), and compared in constant time. Without a token configured every request is
 * allowed; {@link AdminConfig} only allows that on loopback.
 *
 * <p>The comparison hashes both sides with SHA-256 and compares the digests with
 * {@link MessageDigest#isEqual}, so that its time depends neither on where the first wrong byte is
 * nor on the length of the token.
 */
final class AdminAuth {

    private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);
    private static final int MAX_TOKEN_FILE = 4096;
    private static final int SHORT_TOKEN = 16;
    private static final String BEARER = "bearer ";

    /** What a request's credentials amount to. */
    enum Verdict {
        /** No token is needed, or the right one was sent. */
        ALLOWED,
        /** A token is needed and none was sent. */
        MISSING,
        /** A token was sent and it is not the one, or the header is malformed. */
        WRONG
    }

    private final byte[] tokenDigest;

    private AdminAuth(byte[] tokenDigest) {
        this.tokenDigest = tokenDigest;
    }

    /** Allows every request. */
    static AdminAuth none() {
        return new AdminAuth(null);
    }

    /** Requires this token. */
    static AdminAuth token(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("token: \"\" (expected: a token)");
        }
        return new AdminAuth(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Reads the token an admin config names.
     *
     * @param env resolves environment variables (System::getenv outside tests)
     * @throws ConfigException naming {@code admin.token_file} or {@code admin.token_env} when the
     *                         token cannot be read, is empty, or could not be sent in a header
     */
    static AdminAuth load(AdminConfig config, Function<String, String> env) throws ConfigException {
        if (config.tokenFile() != null) {
            return token(check("admin.token_file", readFile(config.tokenFile()), "\"" + config.tokenFile() + "\""));
        }
        if (config.tokenEnv() != null) {
            String value = env.apply(config.tokenEnv());
            if (value == null) {
                throw error("admin.token_env", config.tokenEnv() + " is not set (expected: the admin token)");
            }
            return token(check("admin.token_env", value.trim(), config.tokenEnv()));
        }
        return none();
    }

    private static String readFile(String file) throws ConfigException {
        Path path = Path.of(file);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_TOKEN_FILE + 1);
        } catch (NoSuchFileException e) {
            throw error("admin.token_file", "\"" + file + "\" does not exist (expected: a readable file holding the admin token)");
        } catch (IOException e) {
            throw error("admin.token_file", "\"" + file + "\" cannot be read: " + e.getMessage()
                    + " (expected: a readable file holding the admin token)");
        }
        if (bytes.length > MAX_TOKEN_FILE) {
            throw error("admin.token_file", "\"" + file + "\" is larger than 4 KiB (expected: a file holding the admin token)");
        }
        warnIfOthersCanRead(path);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString().trim();
        } catch (CharacterCodingException e) {
            throw error("admin.token_file", "\"" + file + "\" is not UTF-8 text (expected: a file holding the admin token)");
        }
    }

    private static String check(String path, String token, String source) throws ConfigException {
        if (token.isEmpty()) {
            throw error(path, source + " is empty (expected: the admin token)");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw error(path, source + " holds a token with spaces, control or non-ASCII characters"
                    + " (expected: visible ASCII, as it must fit in an Authorization header)");
        }
        if (token.length() < SHORT_TOKEN) {
            LOG.warn("the admin token from {} has only {} characters: a longer random one (32 or more) is much harder to guess",
                    source, token.length());
        }
        return token;
    }

    private static void warnIfOthersCanRead(Path path) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
            if (p.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("the admin token file {} is readable by every user of this machine (chmod 600 it)", path);
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not a POSIX file system: nothing to say.
        }
    }

    private static ConfigException error(String path, String message) {
        return new ConfigException(List.of(new ConfigError(path, message)));
    }

    /** Whether requests need the token. */
    boolean required() {
        return tokenDigest != null;
    }

    /**
     * Judges a request's {@code Authorization} headers: exactly one, {@code Bearer <token>} (the
     * scheme in any case), with the token.
     */
    Verdict check(List<String> authorization) {
        if (tokenDigest == null) {
            return Verdict.ALLOWED;
        }
        if (authorization.isEmpty()) {
            return Verdict.MISSING;
        }
        if (authorization.size() > 1) {
            return Verdict.WRONG;
        }
        String value = authorization.get(0).trim();
        if (!value.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return Verdict.WRONG;
        }
        byte[] sent = value.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(tokenDigest, sha256(sent)) ? Verdict.ALLOWED : Verdict.WRONG;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }
}
