package dev.gatehouse.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The admin listener: the JSON API, {@code /metrics} and the CLI's way in.
 *
 * <p>Anyone who can reach the admin API can take every backend out of service, so an admin listener
 * off loopback without a token is refused here, where every way of building a configuration
 * passes: {@code bind} must be a loopback address ({@code localhost}, {@code 127.0.0.0/8},
 * {@code ::1}) unless {@code token_file} or {@code token_env} is set. The server checks the
 * address it actually bound once more.
 *
 * @param bind      where it listens, or null for no admin listener; on a loopback address by
 *                  default, anywhere else only with a token
 * @param tokenFile a file holding the bearer token, or null
 * @param tokenEnv  an environment variable holding the bearer token, or null
 * @param stateFile where runtime changes are kept across restarts, or null for the default next to
 *                  the config file ({@code <config>.state.json})
 */
public record AdminConfig(HostPort bind, String tokenFile, String tokenEnv, String stateFile) {

    /** On 127.0.0.1:9090, without a token, the state file next to the config file. */
    public static final AdminConfig DEFAULTS = new AdminConfig(new HostPort("127.0.0.1", 9090), null, null, null);

    /** No admin listener (embedded nodes and tests). */
    public static final AdminConfig DISABLED = new AdminConfig(null, null, null, null);

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /** Validates the combination. */
    public AdminConfig {
        if (tokenFile != null && tokenEnv != null) {
            throw new IllegalArgumentException("token_env: set together with token_file (expected: one of them)");
        }
        if (tokenFile != null && tokenFile.isBlank()) {
            throw new IllegalArgumentException("token_file: \"\" (expected: the path of a file holding the token)");
        }
        if (tokenEnv != null && !ENV_NAME.matcher(tokenEnv).matches()) {
            throw new IllegalArgumentException("token_env: \"" + tokenEnv
                    + "\" (expected: an environment variable name: letters, digits and _, not starting with a digit)");
        }
        if (stateFile != null && stateFile.isBlank()) {
            throw new IllegalArgumentException("state_file: \"\" (expected: a file path)");
        }
        if (bind != null && tokenFile == null && tokenEnv == null && !isLoopback(bind.host())) {
            throw new IllegalArgumentException("bind: \"" + bind + "\" (expected: a loopback address such as"
                    + " 127.0.0.1:9090; any other address needs a token: set token_file or token_env)");
        }
    }

    /** Whether a token is configured. */
    public boolean hasToken() {
        return tokenFile != null || tokenEnv != null;
    }

    /** Whether the admin listener is on. */
    public boolean enabled() {
        return bind != null;
    }

    /** A copy with another bind address. */
    public AdminConfig withBind(HostPort bind) {
        return new AdminConfig(Objects.requireNonNull(bind, "bind"), tokenFile, tokenEnv, stateFile);
    }

    /**
     * Whether a host, as written, is a loopback address: {@code localhost} or an IP literal in
     * {@code 127.0.0.0/8} or {@code ::1}. Names other than {@code localhost} are never looked up
     * here: they do not count as loopback.
     */
    public static boolean isLoopback(String host) {
        if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
