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
 */
public record ForwardingConfig(List<Cidr> trustedProxies, boolean forwarded, String via, boolean keepUnderscoreHeaders) {

    /** Trust nobody, no {@code Forwarded} header, {@code Via: 1.1 gatehouse}, underscore names dropped. */
    public static final ForwardingConfig DEFAULTS = new ForwardingConfig(List.of(), false, "gatehouse", false);

    /** Forwarding that drops request headers with underscores in their names. */
    public ForwardingConfig(List<Cidr> trustedProxies, boolean forwarded, String via) {
        this(trustedProxies, forwarded, via, false);
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
