package dev.gatehouse.core.route;

import dev.gatehouse.core.config.RedirectConfig;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Builds the {@code Location} of a redirect route's answer: the configured scheme, the request's
 * host (without its port) or the configured one, the configured port unless it is the scheme's
 * default, then the request's path and query as they came.
 *
 * <p>Everything taken from the request is checked strictly first, because it ends up in a header
 * that sends the client elsewhere: the host must be a plain host name, IPv4 address or bracketed
 * IPv6 literal with at most a numeric port, and the target must be origin-form. A request that
 * fails is answered 400, never redirected. Characters a URI may not hold (non-ASCII, already
 * decoded from UTF-8, and the few ASCII ones such as {@code "} or {@code \}) are percent-encoded
 * as UTF-8, so the location is always a valid URI and the target's meaning is kept.
 */
public final class RedirectLocation {

    /** The outcome: a location, or why the request cannot be redirected. */
    public sealed interface Result {
    }

    /** @param uri the absolute URI for the {@code Location} header, ASCII only */
    public record Location(String uri) implements Result {
    }

    /** @param problem why the request is refused (400), for the log */
    public record Invalid(String problem) implements Result {
    }

    private static final int MAX_PORT_DIGITS = 5;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RedirectLocation() {
    }

    /**
     * Builds the location for a request.
     *
     * @param config     the route's redirect
     * @param hostHeader the request's {@code Host} as sent (or its absolute-form target's authority);
     *                   {@code null} when it has none (HTTP/1.0), which only a redirect with a fixed
     *                   host can answer
     * @param target     the request target in origin-form: the path, then {@code ?} and the query
     */
    public static Result build(RedirectConfig config, String hostHeader, String target) {
        String host = config.host();
        if (host == null) {
            if (hostHeader == null) {
                return new Invalid("a redirect to the request's own host needs a Host header");
            }
            host = hostOf(hostHeader);
            if (host == null) {
                return new Invalid("invalid Host for a redirect: " + printable(hostHeader));
            }
        }
        if (target == null || target.isEmpty() || target.charAt(0) != '/') {
            return new Invalid("a redirect needs an origin-form target (a path starting with /)");
        }
        StringBuilder b = new StringBuilder(config.scheme().length() + host.length() + target.length() + 16);
        b.append(config.scheme()).append("://").append(host);
        int port = config.portInLocation();
        if (port != 0) {
            b.append(':').append(port);
        }
        String problem = appendTarget(b, target);
        return problem == null ? new Location(b.toString()) : new Invalid(problem);
    }

    /**
     * The host of a {@code Host} value, lower case, without port and trailing dot; {@code null} when
     * the value is not a valid {@code host[:port]}.
     */
    static String hostOf(String hostHeader) {
        String host;
        String port;
        if (hostHeader.startsWith("[")) {
            int close = hostHeader.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = hostHeader.substring(0, close + 1);
            String rest = hostHeader.substring(close + 1);
            if (!rest.isEmpty() && rest.charAt(0) != ':') {
                return null;
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = hostHeader.indexOf(':');
            host = colon < 0 ? hostHeader : hostHeader.substring(0, colon);
            port = colon < 0 ? null : hostHeader.substring(colon + 1);
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
        }
        if (port != null && !isPort(port)) {
            return null;
        }
        host = host.toLowerCase(Locale.ROOT);
        return RedirectConfig.isHost(host) ? host : null;
    }

    private static boolean isPort(String port) {
        if (port.isEmpty() || port.length() > MAX_PORT_DIGITS) {
            return false;
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(port) <= 65535;
    }

    /** Appends the target, percent-encoding what a URI may not hold; returns a problem, or null. */
    private static String appendTarget(StringBuilder b, String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "control character in the request target";
            }
            if (c == '%') {
                if (i + 2 >= target.length() || !isHex(target.charAt(i + 1)) || !isHex(target.charAt(i + 2))) {
                    return "invalid percent-encoding in the request target";
                }
                b.append(c);
            } else if (c < 0x80 && isUriChar(c)) {
                b.append(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < target.length() && Character.isLowSurrogate(target.charAt(i + 1))) {
                encode(b, target.substring(i, i + 2));
                i++;
            } else if (Character.isSurrogate(c)) {
                return "invalid character in the request target";
            } else {
                encode(b, String.valueOf(c));
            }
        }
        return null;
    }

    /**
     * The characters RFC 3986 allows in a path and query as they are: unreserved, sub-delims,
     * {@code :}, {@code @}, {@code /} and {@code ?}. Not {@code #} (a request target has no fragment,
     * so a literal one is data) nor {@code [ ]} (only an IPv6 host may hold them).
     */
    private static boolean isUriChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~:/?@!$&'()*+,;=".indexOf(c) >= 0;
    }

    private static void encode(StringBuilder b, String s) {
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            b.append('%').append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
        }
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 100); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
