package dev.gatehouse.core.config;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A route's answer in place of a pool: a redirect to another scheme, port or origin, keeping the
 * request's path and query ({@link dev.gatehouse.core.route.RedirectLocation} builds the
 * {@code Location}).
 *
 * @param scheme {@code http} or {@code https}
 * @param host   the host to send clients to, lower case, without port (a name, an IPv4 address or a
 *               bracketed IPv6 literal); {@code null} to keep the request's own host
 * @param port   the port, 1-65535; 0 for the scheme's default port, which the location then leaves out
 * @param status 301, 302, 307 or 308
 */
public record RedirectConfig(String scheme, String host, int port, int status) {

    /**
     * 308 Permanent Redirect: like 301, permanent and cacheable, but a client must repeat the same
     * method and body at the new location, so a POST that reached the plain-HTTP port is not
     * silently turned into a GET and its body lost (which 301 and 302 allow, and browsers do).
     */
    public static final int DEFAULT_STATUS = 308;

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,63}(\\.[a-z0-9_-]{1,63})*");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]{2,45}]");

    /** Validates the parts. */
    public RedirectConfig {
        Objects.requireNonNull(scheme, "scheme");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("scheme: \"" + scheme + "\" (expected one of: http, https)");
        }
        if (host != null && !isHost(host)) {
            throw new IllegalArgumentException("to: \"" + host + "\" (expected: a host name, an IPv4 address or a [IPv6] literal, in lower case)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        if (status != 301 && status != 302 && status != 307 && status != 308) {
            throw new IllegalArgumentException("status: " + status + " (expected one of: 301, 302, 307, 308)");
        }
    }

    /** A redirect to the same host and path on HTTPS at its default port, with {@link #DEFAULT_STATUS}. */
    public static RedirectConfig toHttps() {
        return new RedirectConfig("https", null, 0, DEFAULT_STATUS);
    }

    /** The scheme's default port: 80 for http, 443 for https. */
    public int defaultPort() {
        return scheme.equals("https") ? 443 : 80;
    }

    /** The port the location names, or 0 when it is the scheme's default and so left out. */
    public int portInLocation() {
        return port == 0 || port == defaultPort() ? 0 : port;
    }

    /**
     * Whether {@code host} is a host a redirect may name: a DNS-style name (labels of letters,
     * digits, {@code -} and {@code _}, at most 253 characters), which covers IPv4 addresses, or a
     * bracketed IPv6 literal; lower case, no port, no trailing dot.
     */
    public static boolean isHost(String host) {
        if (host.isEmpty() || host.length() > 253 || !host.equals(host.toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (host.charAt(0) == '[') {
            return IPV6.matcher(host).matches() && host.indexOf(':') != host.lastIndexOf(':');
        }
        return NAME.matcher(host).matches();
    }
}
