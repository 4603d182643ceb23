package dev.gatehouse.core.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * TLS on a pool's connections to its backends (requests and health checks alike).
 *
 * @param enabled    whether the pool's backends are spoken to over TLS
 * @param ca         a PEM file of the CA certificates that may sign a backend's certificate;
 *                   {@code null} for the JDK's default trust store
 * @param serverName the name sent as SNI and that the backend's certificate must hold; {@code null}
 *                   for each backend's own host (no SNI when that is an IP address, whose
 *                   certificate must then list it as an IP address)
 * @param verify     whether the backend's certificate and name are verified; false only when the
 *                   configuration says {@code verify: false}, which the node warns about at load
 * @param provider   the TLS implementation (the same choice as a listener's)
 */
public record BackendTlsConfig(boolean enabled, String ca, String serverName, boolean verify, TlsConfig.Provider provider) {

    /** No TLS: plain HTTP/1.1 to the backends. */
    public static final BackendTlsConfig OFF = new BackendTlsConfig(false, null, null, true, TlsConfig.Provider.AUTO);
    /** TLS with every default: verified against the JDK's trust store and the backend's host. */
    public static final BackendTlsConfig DEFAULTS = new BackendTlsConfig(true, null, null, true, TlsConfig.Provider.AUTO);

    // Letters, digits and '-' in dot-separated labels, with at least one letter somewhere: SNI carries names, not addresses.
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,63}(\\.[a-z0-9_-]{1,63})*");
    private static final Pattern IPV4 = Pattern.compile("[0-9.]+");

    /** Validates the parts. */
    public BackendTlsConfig {
        Objects.requireNonNull(provider, "provider");
        if (ca != null && ca.isBlank()) {
            throw new IllegalArgumentException("ca: \"\" (expected: the path of a PEM file of CA certificates)");
        }
        if (serverName != null && !isServerName(serverName)) {
            throw new IllegalArgumentException("server_name: \"" + serverName
                    + "\" (expected: a DNS name such as api.internal, lower case; not an IP address)");
        }
    }

    /** Whether {@code name} can be sent as SNI: a lower-case DNS name of at most 253 characters, not an IPv4 address. */
    public static boolean isServerName(String name) {
        return name.length() <= 253 && NAME.matcher(name).matches() && !IPV4.matcher(name).matches();
    }
}
