package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * A host (name, IPv4 literal or IPv6 literal without brackets) and a TCP port.
 *
 * @param host never blank; IPv6 literals are held without brackets
 * @param port 0-65535 (0 asks the OS for a free port, for listeners and tests)
 */
public record HostPort(String host, int port) {

    /** Validates the parts. */
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: \"\" (expected: a host name or IP address)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port}.
     *
     * @throws IllegalArgumentException with a message in the form {@code "x" (expected: ...)}
     */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static HostPort parse(String text) {
        String s = text == null ? "" : text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw invalid(text);
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw invalid(text);
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (host.isEmpty() || port.isEmpty() || !port.chars().allMatch(Character::isDigit) || port.length() > 5) {
            throw invalid(text);
        }
        int p = Integer.parseInt(port);
        if (p > 65535) {
            throw new IllegalArgumentException(Values.quote(text) + " (expected: port 0-65535)");
        }
        return new HostPort(host, p);
    }

    private static IllegalArgumentException invalid(String text) {
        // Quoted and escaped: the text may come from a file or an admin request, control bytes and all.
        return new IllegalArgumentException((text == null ? "null" : Values.quote(text)) + " (expected: host:port, or [ipv6]:port)");
    }

    /** Formats as {@code host:port}, bracketing IPv6 literals. */
    @com.fasterxml.jackson.annotation.JsonValue
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
