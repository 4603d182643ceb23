package dev.gatehouse.server.h2;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * Turns a stream's request HEADERS into the HTTP/1.1 request head an exchange reads, so that an
 * HTTP/2 request meets exactly the checks, routing and rewriting of an HTTP/1.1 one (RFC 9113 §8.3,
 * and the reverse of RFC 9113 §8.2.2's rules):
 * <ul>
 *   <li>{@code :method} and {@code :path} become the request line (HTTP/1.1); {@code :authority}
 *       becomes Host (a Host that names another authority makes the request malformed);
 *       {@code :scheme} is not forwarded (the node sets {@code X-Forwarded-Proto});</li>
 *   <li>Cookie fields are joined with "; " into one (RFC 9113 §8.2.3);</li>
 *   <li>connection-specific fields (Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding,
 *       Upgrade, and TE other than "trailers") make the request malformed, as do a value with NUL,
 *       CR or LF or with surrounding whitespace (RFC 9113 §8.2.1), an absolute or empty
 *       {@code :path}, and {@code :protocol} (extended CONNECT is not offered);</li>
 *   <li>fields named {@code x-http2-*}, the names Netty's own HTTP/2-to-1 conversion uses for its
 *       facts, are dropped so that no backend can mistake a client's claim for the node's;</li>
 *   <li>a request with a body and no Content-Length is sent on chunked, so the backend hop is framed.</li>
 * </ul>
 * A malformed request becomes a head with a failed decoder result: the exchange answers it with
 * 400 and logs why, like a malformed HTTP/1.1 head. Stateless.
 */
public final class StreamRequests {

    private static final AsciiString COOKIE = HttpHeaderNames.COOKIE;
    private static final String EXTENSION_PREFIX = "x-http2-";

    private StreamRequests() {
    }

    /**
     * The request head for {@code headers}.
     *
     * @param endStream whether the HEADERS frame ended the stream (no body follows)
     */
    public static HttpRequest toRequest(Http2Headers headers, boolean endStream) {
        CharSequence method = headers.method();
        CharSequence path = headers.path();
        CharSequence authority = headers.authority();
        if (method == null) {
            return malformed(null, "no :method pseudo-header");
        }
        HttpMethod m;
        try {
            m = HttpMethod.valueOf(method.toString());
        } catch (IllegalArgumentException e) {
            return malformed(null, "invalid :method");
        }
        if (headers.contains(Http2Headers.PseudoHeaderName.PROTOCOL.value())) {
            return malformed(m, "extended CONNECT (:protocol) is not supported");
        }
        String target;
        if (HttpMethod.CONNECT.equals(m)) {
            // Refused by the exchange's checks (501), like CONNECT over HTTP/1.1.
            target = authority == null ? "" : authority.toString();
        } else if (path == null || path.isEmpty()) {
            return malformed(m, "no :path pseudo-header");
        } else if (headers.scheme() == null) {
            return malformed(m, "no :scheme pseudo-header");
        } else if (path.charAt(0) != '/' && !(path.length() == 1 && path.charAt(0) == '*')) {
            return malformed(m, ":path is not a path (origin form or *)");
        } else {
            target = path.toString();
        }
        HttpHeaders out = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        StringBuilder cookies = null;
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            CharSequence name = e.getKey();
            CharSequence value = e.getValue();
            if (name.length() > 0 && name.charAt(0) == ':') {
                continue;
            }
            String problem = fieldProblem(name, value);
            if (problem != null) {
                return malformed(m, problem);
            }
            if (AsciiString.contentEqualsIgnoreCase(name, COOKIE)) {
                cookies = cookies == null ? new StringBuilder(value) : cookies.append("; ").append(value);
            } else if (AsciiString.regionMatches(name, true, 0, EXTENSION_PREFIX, 0, EXTENSION_PREFIX.length())) {
                continue;
            } else if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE)) {
                // "trailers" is the only TE allowed; it is about this hop, so it stays here.
                continue;
            } else {
                try {
                    out.add(name, value);
                } catch (IllegalArgumentException ex) {
                    return malformed(m, "invalid header field " + printable(name));
                }
            }
        }
        if (cookies != null) {
            out.set(COOKIE, cookies.toString());
        }
        if (authority != null) {
            String host = out.get(HttpHeaderNames.HOST);
            if (host != null && !AsciiString.contentEqualsIgnoreCase(host, authority)) {
                return malformed(m, "Host differs from :authority");
            }
            out.set(HttpHeaderNames.HOST, authority);
        }
        if (!endStream && !out.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, m, target, out);
    }

    /** What is wrong with a regular field for HTTP/2 (RFC 9113 §8.2), or {@code null}. */
    static String fieldProblem(CharSequence name, CharSequence value) {
        if (isConnectionSpecific(name, value)) {
            return "connection-specific header field " + printable(name);
        }
        int n = value.length();
        if (n > 0 && (isBlank(value.charAt(0)) || isBlank(value.charAt(n - 1)))) {
            return "header field " + printable(name) + " has leading or trailing whitespace";
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                return "header field " + printable(name) + " has a NUL, CR or LF";
            }
        }
        return null;
    }

    private static boolean isConnectionSpecific(CharSequence name, CharSequence value) {
        return AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.KEEP_ALIVE)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.PROXY_CONNECTION)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE)
                || (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE)
                    && !AsciiString.contentEqualsIgnoreCase(value, HttpHeaderValues.TRAILERS));
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** A field name for a message: cut, and without control bytes. */
    private static String printable(CharSequence name) {
        StringBuilder b = new StringBuilder(Math.min(name.length(), 64) + 2).append('"');
        for (int i = 0; i < name.length() && i < 64; i++) {
            char c = name.charAt(i);
            b.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        return b.append('"').toString();
    }

    private static HttpRequest malformed(HttpMethod method, String problem) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method == null ? HttpMethod.GET : method, "/",
                DefaultHttpHeadersFactory.headersFactory().newHeaders());
        r.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("HTTP/2 request: " + problem)));
        return r;
    }
}
