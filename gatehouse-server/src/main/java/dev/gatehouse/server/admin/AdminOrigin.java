package dev.gatehouse.server.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.URI;
import java.util.Locale;

/**
 * Keeps web pages other than the dashboard away from the admin API, in the browser of whoever can
 * reach it:
 * <ul>
 *   <li>A request with an {@code Origin} (a browser sends one with every cross-site request and
 *       with a same-origin POST) is refused unless that origin is this listener as the request
 *       names it ({@code Host}): another site's page cannot drain or deploy through a form or a
 *       {@code fetch}, with or without a token.
 *   <li>Without a token (a loopback-only listener), a request must name the listener by an IP
 *       address or {@code localhost}: a page whose own host name was made to resolve to 127.0.0.1
 *       (DNS rebinding) names its own host, and is refused. With a token, such a page has no token
 *       to send.
 * </ul>
 * Clients that are not browsers (the CLI, curl, Prometheus) send no {@code Origin} and address the
 * listener as configured, so nothing changes for them.
 */
final class AdminOrigin {

    private AdminOrigin() {
    }

    /**
     * Why a request is refused, or null when it may go on.
     *
     * @param tokenRequired whether the listener needs a token
     */
    static String refusal(HttpHeaders headers, boolean tokenRequired) {
        String host = headers.get(HttpHeaderNames.HOST);
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !sameOrigin(origin, host)) {
            return "cross-origin request refused: Origin " + shown(origin) + " is not this admin listener (" + shown(host)
                    + "); only the dashboard at /ui/ of this listener may call the API from a browser";
        }
        if (!tokenRequired && host != null && !addressedByIp(host)) {
            return "Host " + shown(host) + " refused: without a token the admin API answers only requests addressed to an IP"
                    + " address or localhost (expected: http://127.0.0.1:<port>/, or configure admin.token_file)";
        }
        return null;
    }

    private static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI o = new URI(origin.trim());
            if (o.getHost() == null || o.getScheme() == null) {
                return false;
            }
            int port = o.getPort() >= 0 ? o.getPort() : o.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            String authority = o.getHost().toLowerCase(Locale.ROOT);
            String h = host.trim().toLowerCase(Locale.ROOT);
            return h.equals(authority + ":" + port) || o.getPort() < 0 && h.equals(authority);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** Whether a Host value is an IPv4 or bracketed IPv6 literal or {@code localhost}, with or without a port. */
    static boolean addressedByIp(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        String name;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return false;
            }
            name = h.substring(1, end);
            return NetUtil.isValidIpV6Address(name) && (end + 1 == h.length() || port(h.substring(end + 1)));
        }
        int colon = h.indexOf(':');
        name = colon < 0 ? h : h.substring(0, colon);
        if (colon >= 0 && !port(h.substring(colon))) {
            return false;
        }
        return name.equals("localhost") || NetUtil.isValidIpV4Address(name);
    }

    private static boolean port(String colonAndDigits) {
        return colonAndDigits.length() > 1 && colonAndDigits.length() <= 6 && colonAndDigits.charAt(0) == ':'
                && colonAndDigits.substring(1).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String shown(String s) {
        if (s == null) {
            return "(none)";
        }
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        StringBuilder b = new StringBuilder("\"");
        for (char c : cut.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f || c == '"' || c == '\\' ? '?' : c);
        }
        return b.append('"').toString();
    }
}
