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
 * @param node         this node's name in the fleet (its heartbeat key); default the host's name
 * @param staleAfter   how long without a confirmed read of the fleet's state before this node
 *                     reports itself stale
 * @param serveWhenStale the pools that go on serving from the node's last state while it is
 *                     stale; every other pool answers 503 then
 * @param tls          how to speak TLS to etcd ({@code https://} endpoints), or null for plain
 *                     HTTP/2 ({@code http://} endpoints)
 * @param agent        this node is an agent on an app server (its supervisor runs the apps, and it
 *                     serves no clients), or null for a balancer node
 */
public record FleetConfig(String name, List<String> endpoints, String prefix, String user, String passwordFile,
                          String passwordEnv, Duration timeout, String node, Duration staleAfter, List<String> serveWhenStale,
                          Tls tls, Agent agent) {

    /**
     * The {@code agent} section: the node runs its supervised apps' instances and registers them in
     * the fleet's pools of the same names, where the balancer nodes route to them.
     *
     * @param advertise the host (a name or an address) the balancer nodes reach this machine's
     *                  instances at: each registers as {@code <advertise>:<its port>}, so the apps
     *                  must listen there (or on every address)
     */
    public record Agent(String advertise) {

        /** Validates; an IPv6 address given in brackets is kept without them, as {@link HostPort} holds it. */
        public Agent {
            Objects.requireNonNull(advertise, "advertise");
            String host = advertise.startsWith("[") && advertise.endsWith("]") ? advertise.substring(1, advertise.length() - 1)
                    : advertise;
            boolean v6 = host.contains(":");
            if (host.isBlank() || (v6 ? !host.matches("[0-9A-Fa-f:.]+") || advertise.equals(host)
                    : !host.matches("[A-Za-z0-9._-]+"))) {
                throw new IllegalArgumentException("advertise: \"" + advertise + "\" (expected: the host name or address the "
                        + "balancer nodes reach this machine at, such as 10.0.0.21; an IPv6 address in brackets, such as [fd00::21])");
            }
            advertise = host;
        }
    }

    /** A balancer node's fleet (no agent section). */
    public FleetConfig(String name, List<String> endpoints, String prefix, String user, String passwordFile,
                       String passwordEnv, Duration timeout, String node, Duration staleAfter, List<String> serveWhenStale,
                       Tls tls) {
        this(name, endpoints, prefix, user, passwordFile, passwordEnv, timeout, node, staleAfter, serveWhenStale, tls, null);
    }

    /** Whether this node is an agent: it runs apps for the fleet and serves no clients. */
    public boolean isAgent() {
        return agent != null;
    }

    /**
     * TLS to etcd.
     *
     * @param caFile   PEM certificates to trust for etcd's, or null for the JDK's trusted CAs
     * @param certFile a PEM client certificate chain (etcd's {@code --client-cert-auth}), or null
     * @param keyFile  its PEM private key (PKCS#8), given with {@code certFile}
     */
    public record Tls(String caFile, String certFile, String keyFile) {

        /** Validates. */
        public Tls {
            if ((certFile == null) != (keyFile == null)) {
                throw new IllegalArgumentException((certFile == null ? "cert_file" : "key_file")
                        + ": missing (expected: cert_file and key_file together, or neither)");
            }
        }
    }

    /** A fleet without TLS to etcd. */
    public FleetConfig(String name, List<String> endpoints, String prefix, String user, String passwordFile,
                       String passwordEnv, Duration timeout, String node, Duration staleAfter, List<String> serveWhenStale) {
        this(name, endpoints, prefix, user, passwordFile, passwordEnv, timeout, node, staleAfter, serveWhenStale, null);
    }

    /** Default for {@code prefix}. */
    public static final String DEFAULT_PREFIX = "/gatehouse";
    /** Default for {@code timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** Default for {@code stale_after}. */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofMillis(1500);

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
        String scheme = tls == null ? "http" : "https";
        for (String e : endpoints) {
            checkEndpoint(e, scheme);
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
        Objects.requireNonNull(node, "node");
        if (!NAME.matcher(node).matches()) {
            throw new IllegalArgumentException("node: \"" + node + "\" (expected: 1-63 of a-z, 0-9, - and _, starting with a letter or digit)");
        }
        serveWhenStale = serveWhenStale == null ? List.of() : List.copyOf(serveWhenStale);
        Objects.requireNonNull(staleAfter, "staleAfter");
        if (staleAfter.compareTo(Duration.ofMillis(300)) < 0) {
            throw new IllegalArgumentException("stale_after: " + staleAfter.toMillis() + "ms (expected: at least 300ms: the node reads "
                    + "the fleet's state three times per stale_after)");
        }
    }

    /** How often this node confirms its state and reports itself: three times per {@code stale_after}. */
    public Duration heartbeat() {
        return staleAfter.dividedBy(3);
    }

    /** The default {@code node}: {@link #defaultNode} of this machine's host name. */
    public static String localNode() {
        try {
            return defaultNode(java.net.InetAddress.getLocalHost().getHostName());
        } catch (java.net.UnknownHostException e) {
            return defaultNode(null);
        }
    }

    /**
     * A node name made from the host's name: lower case, characters outside the allowed set as
     * {@code -}, at most 63; {@code node} when nothing usable is left.
     */
    public static String defaultNode(String hostName) {
        String n = hostName == null ? "" : hostName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        n = n.replaceAll("^[-_]+", "");
        if (n.length() > 63) {
            n = n.substring(0, 63);
        }
        return n.isEmpty() ? "node" : n;
    }

    private static void checkEndpoint(String e, String scheme) {
        URI u;
        try {
            u = new URI(e);
        } catch (java.net.URISyntaxException x) {
            throw new IllegalArgumentException("endpoints: \"" + e + "\" (expected: a URL such as " + scheme + "://10.0.0.5:2379)");
        }
        if (("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && !scheme.equals(u.getScheme())) {
            throw new IllegalArgumentException("endpoints: \"" + e + "\" (expected: " + scheme + "://host:port"
                    + (scheme.equals("http") ? "; for TLS to etcd, give a tls section and https:// endpoints"
                            : ", as the tls section asks for TLS; every endpoint speaks it") + ")");
        }
        if (!scheme.equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1 || u.getRawPath() != null && !u.getRawPath().isEmpty()
                || u.getQuery() != null || u.getUserInfo() != null) {
            throw new IllegalArgumentException("endpoints: \"" + e + "\" (expected: " + scheme + "://host:port, such as " + scheme
                    + "://10.0.0.5:2379)");
        }
    }

    /** The fleet's key prefix: {@code <prefix>/fleets/<name>}. */
    public String keyPrefix() {
        return (prefix.equals("/") ? "" : prefix) + "/fleets/" + name;
    }
}
