package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.ClientAuthConfig;
import dev.gatehouse.core.config.ForwardingConfig;
import dev.gatehouse.server.codec.HttpTokens;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Rewrites headers at the proxy boundary (RFC 9110 §7.6, RFC 9112 §9.6): removes hop-by-hop
 * headers, adds {@code Via}, the {@code X-Forwarded-*} family and optionally {@code Forwarded}.
 * Framing headers ({@code Content-Length}, {@code Transfer-Encoding}) are left to the caller, which
 * decides the framing of each hop. Stateless and thread-safe.
 */
final class HeaderRewriter {

    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString[] UNTRUSTED_CLAIMS = {
        AsciiString.cached("x-forwarded-port"), AsciiString.cached("x-forwarded-prefix"),
        AsciiString.cached("x-forwarded-server"), AsciiString.cached("x-forwarded-ssl"), AsciiString.cached("x-real-ip"),
    };

    private final ForwardingConfig forwarding;
    private final String viaHttp11;
    private final String viaHttp10;
    /** Headers that carry a verified client certificate's subject on some listener: never a client's to send. */
    private final List<String> certificateClaims;

    /** A rewriter that strips only the default client-certificate subject header from requests. */
    HeaderRewriter(ForwardingConfig forwarding) {
        this(forwarding, List.of(ClientAuthConfig.DEFAULT_SUBJECT_HEADER));
    }

    /**
     * @param forwarding        the forwarding settings
     * @param certificateClaims the names that carry a client certificate's subject on any listener of
     *                          the node (and the default one): removed from every request, on every
     *                          listener, plaintext ones included, before a verified value is set
     */
    HeaderRewriter(ForwardingConfig forwarding, Collection<String> certificateClaims) {
        this.forwarding = forwarding;
        this.certificateClaims = List.copyOf(new LinkedHashSet<>(certificateClaims));
        this.viaHttp11 = "1.1 " + forwarding.via();
        this.viaHttp10 = "1.0 " + forwarding.via();
    }

    /**
     * Rewrites a client request's headers in place for the backend hop. Client-certificate subject
     * headers are removed whatever the listener (a client never sets them; the exchange sets the
     * verified one afterwards where {@code client_auth} applies).
     *
     * @param h         the request headers, owned by the caller
     * @param version   the client's protocol version
     * @param peer      the client's address (the TCP peer)
     * @param scheme    {@code http} or {@code https}: how the client reached us
     * @param requestId the request's id, set as {@code X-Request-Id}
     */
    void rewriteRequest(HttpHeaders h, HttpVersion version, InetAddress peer, String scheme, String requestId) {
        removeHopByHop(h);
        for (String claim : certificateClaims) {
            h.remove(claim);
        }
        removeLookAlikes(h, forwarding.keepUnderscoreHeaders());
        boolean trusted = forwarding.isTrusted(peer);
        String peerText = peer.getHostAddress();
        String host = h.get(HttpHeaderNames.HOST);

        String xff = trusted ? joinAll(h.getAll(X_FORWARDED_FOR)) : null;
        h.set(X_FORWARDED_FOR, xff == null ? peerText : xff + ", " + peerText);
        if (!trusted || !h.contains(X_FORWARDED_PROTO)) {
            h.set(X_FORWARDED_PROTO, scheme);
        }
        if (!trusted || !h.contains(X_FORWARDED_HOST)) {
            if (host != null) {
                h.set(X_FORWARDED_HOST, host);
            } else {
                h.remove(X_FORWARDED_HOST);
            }
        }
        String prior = trusted ? joinAll(h.getAll(FORWARDED)) : null;
        if (forwarding.forwarded()) {
            String ours = forwardedElement(peer, host, scheme);
            h.set(FORWARDED, prior == null ? ours : prior + ", " + ours);
        } else if (!trusted) {
            // Never pass on a client's claim about where it came from unless it is a trusted proxy.
            h.remove(FORWARDED);
        }
        if (!trusted) {
            // Other forwarding claims that frameworks act on (Spring, Rails, Django middleware)
            // mean nothing coming from an untrusted client.
            for (AsciiString name : UNTRUSTED_CLAIMS) {
                h.remove(name);
            }
        }
        h.set(X_REQUEST_ID, requestId);
        appendVia(h, version);
    }

    /**
     * Sets the header that tells the backend the verified subject of the client's certificate, after
     * removing whatever the client sent under that name: only the node may make that claim.
     *
     * @param name    the header, e.g. {@code X-Client-Cert-Subject}
     * @param subject the verified subject, or null when the client showed no certificate
     */
    static void clientCertificate(HttpHeaders h, String name, String subject) {
        h.remove(name);
        if (subject != null) {
            h.set(name, subject);
        }
    }

    /**
     * Rewrites a backend response's headers in place for the client hop.
     *
     * @param h         the response headers, owned by the caller
     * @param version   the backend's protocol version
     * @param requestId the request's id, set as {@code X-Request-Id} so that clients can quote it
     */
    void rewriteResponse(HttpHeaders h, HttpVersion version, String requestId) {
        removeHopByHop(h);
        if (!h.contains(X_REQUEST_ID)) {
            h.set(X_REQUEST_ID, requestId);
        }
        appendVia(h, version);
    }

    /**
     * Removes Connection and every header it names, Keep-Alive, TE, Trailer, Upgrade and every
     * {@code Proxy-*} header.
     */
    static void removeHopByHop(HttpHeaders h) {
        // One pass over the (few) headers finds what to remove; most messages carry none of them
        // or only Connection, so this beats a hashed remove() per candidate name.
        List<CharSequence> doomed = null;
        for (Map.Entry<CharSequence, CharSequence> e : iterable(h)) {
            CharSequence name = e.getKey();
            if (isHopByHop(name)) {
                if (doomed == null) {
                    doomed = new ArrayList<>(4);
                }
                doomed.add(name);
                if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)) {
                    for (String token : e.getValue().toString().split(",")) {
                        String listed = token.trim();
                        // Framing and Host are never hop-by-hop: honouring "Connection:
                        // content-length" would send a body without its length, and the backend
                        // would read the body as a second request (request smuggling).
                        if (!listed.isEmpty() && !isProtected(listed)) {
                            doomed.add(listed);
                        }
                    }
                }
            }
        }
        if (doomed != null) {
            doomed.forEach(h::remove);
        }
    }

    /**
     * Removes request headers whose names could be read as another header by a lenient backend:
     * names with an underscore (CGI and WSGI map {@code _} to {@code -}), unless kept by the
     * config; and always a name that differs from a framing or hop-by-hop header only by dashes,
     * underscores or case ({@code Content_Length}, {@code Transfer---Encoding}, {@code ContentLength}).
     * The node framed the request by the real headers; a backend must not see a second opinion.
     */
    static void removeLookAlikes(HttpHeaders h, boolean keepUnderscores) {
        List<String> doomed = null;
        for (Map.Entry<CharSequence, CharSequence> e : iterable(h)) {
            CharSequence name = e.getKey();
            if (isLookAlike(name, keepUnderscores)) {
                if (doomed == null) {
                    doomed = new ArrayList<>(2);
                }
                doomed.add(name.toString());
            }
        }
        if (doomed != null) {
            doomed.forEach(h::remove);
        }
    }

    /** Framing and hop-by-hop header names as they are spelled, and squeezed (no dashes, lower case). */
    private static final String[] SENSITIVE = {"content-length", "transfer-encoding", "host", "connection",
        "keep-alive", "te", "trailer", "upgrade", "proxy-connection", "expect"};
    private static final String[] SQUEEZED = new String[SENSITIVE.length];

    static {
        for (int i = 0; i < SENSITIVE.length; i++) {
            SQUEEZED[i] = SENSITIVE[i].replace("-", "");
        }
    }

    /** Whether {@code name} must go; no allocation, as it runs for every request header. */
    private static boolean isLookAlike(CharSequence name, boolean keepUnderscores) {
        boolean underscore = false;
        boolean oddDashes = false;
        int letters = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_') {
                underscore = true;
            } else if (c == '-') {
                // A leading, trailing or doubled dash: not how any real header is spelled.
                oddDashes |= i == 0 || i == name.length() - 1 || name.charAt(i - 1) == '-';
            } else {
                letters++;
            }
        }
        if (underscore && !keepUnderscores) {
            return true;
        }
        for (int k = 0; k < SQUEEZED.length; k++) {
            if (SQUEEZED[k].length() == letters && squeezedEquals(name, SQUEEZED[k])) {
                // The real spelling (any case) is the header itself; anything else that squeezes to it is not.
                return underscore || oddDashes || !AsciiString.contentEqualsIgnoreCase(name, SENSITIVE[k]);
            }
        }
        return false;
    }

    /** Whether {@code name} without its dashes and underscores is {@code squeezed}, ignoring case. */
    private static boolean squeezedEquals(CharSequence name, String squeezed) {
        int j = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '-' || c == '_') {
                continue;
            }
            if (Character.toLowerCase(c) != squeezed.charAt(j++)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isProtected(String name) {
        return name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("host");
    }

    private static Iterable<Map.Entry<CharSequence, CharSequence>> iterable(HttpHeaders h) {
        return h::iteratorCharSequence;
    }

    private static boolean isHopByHop(CharSequence name) {
        return switch (name.length()) {
            case 2 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE);
            // Seven letters is also "Proxy-" and one more (found by HeaderRewriterFuzzTest).
            case 7 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRAILER)
                    || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE)
                    || isProxyHeader(name);
            case 10 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
                    || AsciiString.contentEqualsIgnoreCase(name, KEEP_ALIVE)
                    || isProxyHeader(name);
            default -> isProxyHeader(name);
        };
    }

    /** {@code Proxy-*}, which includes {@code Proxy-Connection}, {@code Proxy-Authorization} and a bare {@code Proxy-}. */
    private static boolean isProxyHeader(CharSequence name) {
        return name.length() >= 6 && AsciiString.regionMatches(name, true, 0, "proxy-", 0, 6);
    }

    private void appendVia(HttpHeaders h, HttpVersion version) {
        String ours = version == HttpVersion.HTTP_1_0 ? viaHttp10 : viaHttp11;
        String prior = joinAll(h.getAll(HttpHeaderNames.VIA));
        h.set(HttpHeaderNames.VIA, prior == null ? ours : prior + ", " + ours);
    }

    private static String joinAll(List<String> values) {
        if (values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.get(0) : String.join(", ", values);
    }

    /** One RFC 7239 element; IPv6 addresses are quoted and bracketed as §6 requires. */
    static String forwardedElement(InetAddress peer, String host, String scheme) {
        StringBuilder sb = new StringBuilder(64).append("for=");
        if (peer instanceof Inet6Address) {
            sb.append("\"[").append(peer.getHostAddress()).append("]\"");
        } else {
            sb.append(peer.getHostAddress());
        }
        if (host != null && HttpTokens.isToken(host)) {
            sb.append(";host=").append(host);
        } else if (host != null) {
            sb.append(";host=\"").append(host.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.append(";proto=").append(scheme).toString();
    }
}
