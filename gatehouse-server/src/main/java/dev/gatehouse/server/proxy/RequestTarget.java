package dev.gatehouse.server.proxy;

import dev.gatehouse.core.route.Router;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;

/**
 * The checks of a request's target and Host (RFC 9112 §3.2): origin-form, absolute-form (whose
 * authority then wins over Host, and the request is rewritten to origin-form), {@code *} only for
 * OPTIONS, and exactly one Host header in HTTP/1.1 with only the characters a host may hold.
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

    private static RequestTarget invalid(String problem) {
        return new RequestTarget(null, null, problem);
    }

    private static boolean isValidHost(String host) {
        if (host.length() > MAX_HOST) {
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
