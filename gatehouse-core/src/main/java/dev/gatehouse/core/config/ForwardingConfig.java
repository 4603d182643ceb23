package dev.gatehouse.core.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * How the proxy tells backends about the original request.
 *
 * @param trustedProxies peers whose {@code X-Forwarded-*} and {@code Forwarded} headers are kept and
 *                       extended; from anyone else those headers are replaced
 * @param forwarded      also send the standard {@code Forwarded} header (RFC 7239)
 * @param via            the pseudonym in the {@code Via} header, e.g. {@code gatehouse}
 * @param keepUnderscoreHeaders whether request headers whose names hold an underscore are passed
 *                       on (CGI and WSGI servers read {@code _} as {@code -}, so such a name can
 *                       stand for another header the node never saw); dropped by default, and
 *                       always when the name reads as a framing or hop-by-hop header
 * @param forwardBodyOnGetHead whether a GET or HEAD request with a body (a Content-Length over 0,
 *                       or any Transfer-Encoding) is forwarded; refused with 400 by default, because
 *                       a backend that ignores the body of a GET reads that body as the next request
 */
public record ForwardingConfig(List<Cidr> trustedProxies, boolean forwarded, String via, boolean keepUnderscoreHeaders,
                               boolean forwardBodyOnGetHead) {

    /**
     * Trust nobody, no {@code Forwarded} header, {@code Via: 1.1 gatehouse}, underscore names
     * dropped, bodies on GET and HEAD refused.
     */
    public static final ForwardingConfig DEFAULTS = new ForwardingConfig(List.of(), false, "gatehouse", false, false);

    /** Forwarding that drops request headers with underscores in their names and refuses bodies on GET and HEAD. */
    public ForwardingConfig(List<Cidr> trustedProxies, boolean forwarded, String via) {
        this(trustedProxies, forwarded, via, false, false);
    }

    /** Forwarding that refuses bodies on GET and HEAD. */
    public ForwardingConfig(List<Cidr> trustedProxies, boolean forwarded, String via, boolean keepUnderscoreHeaders) {
        this(trustedProxies, forwarded, via, keepUnderscoreHeaders, false);
    }

    /** Validates and copies. */
    public ForwardingConfig {
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(via, "via");
        if (via.isEmpty() || !via.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ',' && c != '(' && c != ')')) {
            throw new IllegalArgumentException("via: " + Values.quote(via) + " (expected: a token, e.g. gatehouse)");
        }
    }

    /** Whether headers from this peer are to be believed. */
    public boolean isTrusted(InetAddress peer) {
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(peer)) {
                return true;
            }
        }
        return false;
    }
}
