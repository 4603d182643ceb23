package dev.gatehouse.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code fleet} section: this node is one of several that share their runtime state on etcd.
 * Without it, the node keeps its state in its own file.
 *
 * @param name         the fleet's name, the last part of its key prefix
 * @param endpoints    etcd's client URLs ({@code http://host:port}), at least one
 * @param prefix       where Gatehouse's keys live in etcd; the fleet's are under
 *                     {@code <prefix>/fleets/<name>}
 * @param user         etcd's user when etcd's authentication is on, else null
 * @param passwordFile a file holding that user's password, or null
 * @param passwordEnv  an environment variable holding it, or null
 * @param timeout      how long one call to etcd may take before it fails
 */
public record FleetConfig(String name, List<String> endpoints, String prefix, String user, String passwordFile,
                          String passwordEnv, Duration timeout) {

    /** Default for {@code prefix}. */
    public static final String DEFAULT_PREFIX = "/gatehouse";
    /** Default for {@code timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    /** Validates. */
    public FleetConfig {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: 1-63 of a-z, 0-9, - and _, starting with a letter or digit)");
        }
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints: [] (expected: at least one etcd client URL, such as http://10.0.0.5:2379)");
        }
        for (String e : endpoints) {
            checkEndpoint(e);
        }
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.startsWith("/") || prefix.endsWith("/") && prefix.length() > 1) {
            throw new IllegalArgumentException("prefix: \"" + prefix + "\" (expected: a path starting with / and not ending with one)");
        }
        if (user == null && (passwordFile != null || passwordEnv != null)) {
            throw new IllegalArgumentException("user: missing (a password is given for no user)");
        }
        if (user != null && (passwordFile == null) == (passwordEnv == null)) {
            throw new IllegalArgumentException("password_file: " + (passwordFile == null ? "missing" : "given with password_env")
                    + " (expected: one of password_file and password_env with user)");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: more than 0)");
        }
    }

    private static void checkEndpoint(String e) {
        URI u;
        try {
            u = new URI(e);
        } catch (java.net.URISyntaxException x) {
            throw new IllegalArgumentException("endpoints: \"" + e + "\" (expected: a URL such as http://10.0.0.5:2379)");
        }
        if ("https".equals(u.getScheme())) {
            throw new IllegalArgumentException("endpoints: \"" + e + "\" (TLS to etcd is not supported yet: expected http://host:port "
                    + "on a private network)");
        }
        if (!"http".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1 || u.getRawPath() != null && !u.getRawPath().isEmpty()
                || u.getQuery() != null || u.getUserInfo() != null) {
            throw new IllegalArgumentException("endpoints: \"" + e + "\" (expected: http://host:port, such as http://10.0.0.5:2379)");
        }
    }

    /** The fleet's key prefix: {@code <prefix>/fleets/<name>}. */
    public String keyPrefix() {
        return (prefix.equals("/") ? "" : prefix) + "/fleets/" + name;
    }
}
