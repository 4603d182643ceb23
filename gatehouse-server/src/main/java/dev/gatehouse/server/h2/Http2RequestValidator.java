package dev.gatehouse.server.h2;

import dev.gatehouse.server.codec.HttpTokens;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Map;

/**
 * The strict reading of an HTTP/2 request's header fields (RFC 9113 sections 8.1.1, 8.2 and 8.3),
 * on top of what Netty's decoder checks. A request that fails is malformed: the caller answers with
 * a stream error of type PROTOCOL_ERROR, and nothing of it reaches a backend.
 *
 * <p>Netty (with header validation on) already refuses uppercase names, connection-specific fields,
 * a {@code te} other than {@code trailers}, pseudo-headers after regular ones and pseudo-headers in
 * trailers. It lets through, and this class refuses:
 * <ul>
 *   <li>field names with bytes other than lowercase token characters (controls, spaces, colons,
 *       separators, non-ASCII);</li>
 *   <li>field values with NUL, CR, LF or another control byte, or with leading or trailing
 *       whitespace (Netty's value validation is off in the codec builders);</li>
 *   <li>a pseudo-header twice, an unknown one ({@code :status} or {@code :protocol} in a request:
 *       extended CONNECT is not offered), and a missing {@code :method}, {@code :scheme} or
 *       {@code :path};</li>
 *   <li>an empty {@code :path}, or one that starts with neither {@code /} nor is {@code *} on
 *       OPTIONS; a {@code :scheme} other than http or https;</li>
 *   <li>CONNECT with {@code :scheme} or {@code :path}, or without an {@code :authority}
 *       (section 8.5);</li>
 *   <li>an {@code :authority} that is not a host with an optional port (userinfo included), no
 *       authority at all (neither {@code :authority} nor {@code host}); a {@code host} that differs
 *       from {@code :authority} is left to the exchange, which answers 400 (RFC 9113 §8.3.1 allows
 *       either);</li>
 *   <li>a {@code content-length} that is not one run of decimal digits.</li>
 * </ul>
 * The connection-specific and {@code te} rules are checked again here, so that this class alone
 * states the whole rule. Stateless and thread-safe.
 */
public final class Http2RequestValidator {

    private static final int MAX_AUTHORITY = 255 + 6;

    private Http2RequestValidator() {
    }

    /**
     * Checks a request's header block (its first HEADERS).
     *
     * @param headers the decoded fields, in order
     * @return null when the request is well-formed, else why it is malformed
     */
    public static String requestProblem(Http2Headers headers) {
        String method = null;
        String scheme = null;
        String path = null;
        String authority = null;
        int pseudo = 0;
        String host = null;
        int hosts = 0;
        String contentLength = null;
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            String name = e.getKey().toString();
            String value = e.getValue().toString();
            String problem = valueProblem(name, value);
            if (problem != null) {
                return problem;
            }
            if (name.startsWith(":")) {
                int bit = switch (name) {
                    case ":method" -> 1;
                    case ":scheme" -> 2;
                    case ":path" -> 4;
                    case ":authority" -> 8;
                    default -> 0;
                };
                if (bit == 0) {
                    return "pseudo-header " + name + " is not allowed in a request";
                }
                if ((pseudo & bit) != 0) {
                    return "pseudo-header " + name + " appears twice";
                }
                pseudo |= bit;
                switch (bit) {
                    case 1 -> method = value;
                    case 2 -> scheme = value;
                    case 4 -> path = value;
                    default -> authority = value;
                }
                continue;
            }
            problem = regularFieldProblem(name, value);
            if (problem != null) {
                return problem;
            }
            if (name.equals("host")) {
                host = value;
                hosts++;
            } else if (name.equals("content-length")) {
                if (contentLength != null && !contentLength.equals(value)) {
                    return "two different content-length values";
                }
                contentLength = value;
            }
        }
        if (method == null) {
            return "no :method";
        }
        if (!HttpTokens.isToken(method)) {
            return ":method is not a token";
        }
        if (contentLength != null && !isDigits(contentLength)) {
            return "content-length is not a decimal number";
        }
        if (hosts > 1) {
            return "two host fields";
        }
        if (authority != null && !isValidAuthority(authority)) {
            return ":authority is not a host with an optional port";
        }
        if (method.equals("CONNECT")) {
            if (scheme != null || path != null) {
                return "CONNECT with :scheme or :path";
            }
            return authority == null ? "CONNECT without :authority" : null;
        }
        if (scheme == null) {
            return "no :scheme";
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return ":scheme is neither http nor https";
        }
        if (path == null) {
            return "no :path";
        }
        if (path.isEmpty()) {
            return "empty :path";
        }
        if (path.charAt(0) != '/' && !(path.equals("*") && method.equals("OPTIONS"))) {
            return ":path is neither absolute nor * for OPTIONS";
        }
        if (authority == null && host == null) {
            return "neither :authority nor host";
        }
        if (host != null && !isValidAuthority(host)) {
            return "host is not a host with an optional port";
        }
        return null;
    }

    /**
     * Checks a trailer block (a second HEADERS, with END_STREAM).
     *
     * @param trailers the decoded fields
     * @return null when they are well-formed, else why not
     */
    public static String trailersProblem(Http2Headers trailers) {
        for (Map.Entry<CharSequence, CharSequence> e : trailers) {
            String name = e.getKey().toString();
            String value = e.getValue().toString();
            if (name.startsWith(":")) {
                return "pseudo-header " + name + " in trailers";
            }
            String problem = valueProblem(name, value);
            if (problem == null) {
                problem = regularFieldProblem(name, value);
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String regularFieldProblem(String name, String value) {
        if (!isLowercaseToken(name)) {
            return "field name \"" + printable(name) + "\" is not a lowercase token";
        }
        switch (name) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> {
                return "connection-specific field " + name;
            }
            case "te" -> {
                if (!value.equalsIgnoreCase("trailers")) {
                    return "te other than trailers";
                }
            }
            default -> {
            }
        }
        return null;
    }

    /** RFC 9113 section 8.2.1, plus the other control bytes the HTTP/1.1 side refuses too. */
    private static String valueProblem(String name, String value) {
        if (value.isEmpty()) {
            return null;
        }
        char first = value.charAt(0);
        char last = value.charAt(value.length() - 1);
        if (first == ' ' || first == '\t' || last == ' ' || last == '\t') {
            return "value of " + printable(name) + " starts or ends with whitespace";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return "control byte 0x" + Integer.toHexString(c) + " in the value of " + printable(name);
            }
        }
        return null;
    }

    private static boolean isLowercaseToken(String name) {
        return !name.isEmpty() && HttpTokens.isToken(name) && name.chars().noneMatch(c -> c >= 'A' && c <= 'Z');
    }

    private static boolean isDigits(String s) {
        return !s.isEmpty() && s.length() <= 18 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** A reg-name, IPv4 or bracketed IPv6 host, then an optional port: the HTTP/1.1 side's Host rule. */
    private static boolean isValidAuthority(String a) {
        if (a.isEmpty() || a.length() > MAX_AUTHORITY) {
            return false;
        }
        int portStart;
        if (a.charAt(0) == '[') {
            int close = a.indexOf(']');
            if (close < 0) {
                return false;
            }
            for (int i = 1; i < close; i++) {
                char c = a.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return false;
                }
            }
            portStart = close + 1;
        } else {
            int colon = a.indexOf(':');
            portStart = colon < 0 ? a.length() : colon;
            if (portStart == 0) {
                return false;
            }
            for (int i = 0; i < portStart; i++) {
                char c = a.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '.' || c == '_';
                if (!ok) {
                    return false;
                }
            }
        }
        if (portStart == a.length()) {
            return true;
        }
        if (a.charAt(portStart) != ':') {
            return false;
        }
        String port = a.substring(portStart + 1);
        return port.length() <= 5 && (port.isEmpty() || isDigits(port) && Integer.parseInt(port) <= 65_535);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }
}
