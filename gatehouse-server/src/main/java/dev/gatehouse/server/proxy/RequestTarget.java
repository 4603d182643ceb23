package dev.gatehouse.server.proxy;

import dev.gatehouse.core.route.Router;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The checks of a request's target and Host (RFC 9112 §3.2): no control bytes, spaces or broken
 * percent-encoding in the target; raw non-ASCII bytes only as valid UTF-8 (forwarded byte for
 * byte); origin-form, absolute-form (whose authority then wins over Host, and the request is
 * rewritten to origin-form), {@code *} only for OPTIONS, and exactly one Host header in HTTP/1.1,
 * not empty, with only the characters a host may hold.
 *
 * @param path    the path (without the query), what routes match
 * @param host    the normalized host, what routes match; {@code null} for an HTTP/1.0 request without Host
 * @param problem what is wrong with the target, or {@code null} when it is acceptable
 */
record RequestTarget(String path, String host, String problem) {

    private static final int MAX_HOST = 255;

    /**
     * Checks {@code request}'s target and Host. An absolute-form target is rewritten in place to
     * origin-form, with its authority as the Host header.
     */
    static RequestTarget check(HttpRequest request) {
        HttpHeaders h = request.headers();
        String uri = request.uri();
        String bytesProblem = checkBytes(uri);
        if (bytesProblem != null) {
            return invalid(bytesProblem);
        }
        if (hasRawNonAscii(uri)) {
            // Netty hands the target over as one char per byte; its encoder writes chars as UTF-8, so
            // a raw UTF-8 path would reach the backend encoded twice. Decoded here (strictly), it
            // leaves the node byte for byte as it came in.
            String decoded = decodeUtf8(uri);
            if (decoded == null) {
                return invalid("request target is not valid UTF-8");
            }
            uri = decoded;
            request.setUri(decoded);
        }
        int hosts = h.getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1) {
            return invalid("more than one Host header");
        }
        if (hosts == 0 && request.protocolVersion() == HttpVersion.HTTP_1_1) {
            return invalid("HTTP/1.1 request without Host");
        }
        String hostHeader = h.get(HttpHeaderNames.HOST);
        String path;
        if (uri.startsWith("/")) {
            int q = uri.indexOf('?');
            path = q < 0 ? uri : uri.substring(0, q);
        } else if (uri.equals("*") && HttpMethod.OPTIONS.equals(request.method())) {
            path = "*";
        } else if (uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8)) {
            try {
                URI parsed = new URI(uri);
                if (parsed.getRawAuthority() == null) {
                    return invalid("absolute request target without authority");
                }
                hostHeader = parsed.getRawAuthority();
                h.set(HttpHeaderNames.HOST, hostHeader);
                String rawPath = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
                path = rawPath;
                String query = parsed.getRawQuery();
                request.setUri(query == null ? rawPath : rawPath + "?" + query);
            } catch (Exception e) {
                return invalid("invalid request target");
            }
        } else {
            return invalid("invalid request target");
        }
        if (hostHeader != null && !isValidHost(hostHeader)) {
            return invalid("invalid Host header");
        }
        return new RequestTarget(path, Router.normalizeHost(hostHeader), null);
    }

    /**
     * The bytes a request target may not hold (RFC 9112 §3.2, RFC 3986): NUL and other control
     * bytes, DEL, spaces, and a percent sign not followed by two hex digits. nginx and HAProxy
     * answer 400 to them too; forwarded, a backend would see a different target than the node did.
     */
    private static String checkBytes(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c == 0x7F) {
                return "control byte or space in the request target (0x" + Integer.toHexString(c) + ")";
            }
            if (c == '%' && (i + 2 >= uri.length() || !isHex(uri.charAt(i + 1)) || !isHex(uri.charAt(i + 2)))) {
                return "invalid percent-encoding in the request target";
            }
        }
        return null;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean hasRawNonAscii(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            if (uri.charAt(i) >= 0x80) {
                return true;
            }
        }
        return false;
    }

    /** The target's bytes (one char each) read as UTF-8, or null when they are not valid UTF-8. */
    private static String decodeUtf8(String oneCharPerByte) {
        byte[] bytes = oneCharPerByte.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static RequestTarget invalid(String problem) {
        return new RequestTarget(null, null, problem);
    }

    private static boolean isValidHost(String host) {
        // An http URI needs a host (RFC 9110 §4.2.1): an empty Host names none.
        if (host.isEmpty() || host.length() > MAX_HOST) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == ':' || c == '[' || c == ']' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
