package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * The admin listener: the JSON API, {@code /metrics} and the CLI's way in.
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

    /** Validates the combination. */
    public AdminConfig {
        if (tokenFile != null && tokenEnv != null) {
            throw new IllegalArgumentException("token_env: set together with token_file (expected: one of them)");
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
}
