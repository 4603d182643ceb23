package dev.gatehouse.core.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A pool's backends found in DNS ({@code discover} in a pool), re-resolved on the records' TTL so
 * that the pool follows a changing set of app servers without an API call.
 *
 * @param name    the DNS name asked
 * @param kind    {@link Kind#ADDRESSES}: every A and AAAA record is a backend on {@code port};
 *                {@link Kind#SRV}: every SRV record of the lowest priority is a backend at its
 *                target (resolved by A and AAAA) and port, weighted by its weight
 * @param port    the backends' port for {@link Kind#ADDRESSES}; 0 for SRV (the records say)
 * @param weight  the backends' weight for {@link Kind#ADDRESSES} (SRV records carry their own)
 * @param version the version label the backends carry
 */
public record DiscoverConfig(String name, Kind kind, int port, int weight, String version) {

    /** What is asked. */
    public enum Kind {
        /** A and AAAA records. */
        ADDRESSES,
        /** SRV records. */
        SRV
    }

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    /** Validates. */
    public DiscoverConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(version, "version");
        String key = kind == Kind.SRV ? "srv" : "name";
        if (name == null || !isDnsName(name)) {
            throw new IllegalArgumentException(key + ": " + Values.quote(name) + " (expected: a DNS name such as "
                    + (kind == Kind.SRV ? "_http._tcp.app.internal" : "app.internal") + ")");
        }
        if (kind == Kind.ADDRESSES && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port: " + (port == 0 ? "missing" : port) + " (expected: 1-65535, the port"
                    + " of every address the name resolves to)");
        }
        if (kind == Kind.SRV && port != 0) {
            throw new IllegalArgumentException("port: " + port + " (expected: none with srv; each SRV record gives its port)");
        }
        if (weight < 1 || weight > 1000) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1-1000)");
        }
    }

    /** Whether {@code name} is a DNS name: labels of 1-63 letters, digits, {@code -} and {@code _}, 253 at most. */
    static boolean isDnsName(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.length() > 253) {
            return false;
        }
        for (String label : n.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** How the entry reads in logs: {@code app.internal:8001 (A/AAAA)} or {@code _http._tcp.app.internal (SRV)}. */
    public String describe() {
        return kind == Kind.SRV ? name + " (SRV)" : name + ":" + port + " (A/AAAA)";
    }
}
