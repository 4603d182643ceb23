package dev.gatehouse.core.cache;

import dev.gatehouse.core.content.HttpSyntax;
import dev.gatehouse.core.content.HeaderView;
import java.util.HashSet;
import java.util.Set;

/**
 * The response fields a stored copy must not hold (RFC 9111 §3.1), which are also the ones a
 * {@code 304} must not bring into it (§3.2).
 */
final class UnstoredFields {

    /**
     * Lower-case names never stored: {@code Connection} and the hop-by-hop fields RFC 9110 §7.6.1
     * names; the proxy authentication fields §3.1 excludes; and {@code Set-Cookie} (with the
     * obsolete {@code Set-Cookie2}), because a cookie is set for one client and a stored response
     * is replayed to all.
     */
    static final Set<String> ALWAYS = Set.of("connection", "proxy-connection", "keep-alive", "te", "transfer-encoding",
            "upgrade", "proxy-authenticate", "proxy-authentication-info", "proxy-authorization", "set-cookie",
            "set-cookie2");

    /** The most field names taken from {@code Connection}; a hostile list stops growing the set there. */
    private static final int MAX_CONNECTION_OPTIONS = 64;

    private UnstoredFields() {
    }

    /**
     * The lower-case names not to store from {@code message}: {@link #ALWAYS} and the fields its
     * {@code Connection} lines name (RFC 9110 §7.6.1: they end with this hop).
     */
    static Set<String> of(HeaderView message) {
        Set<String> names = null;
        for (String line : message.all("Connection")) {
            for (String member : line.split(",", -1)) {
                String name = HttpSyntax.trimOws(member);
                if (HttpSyntax.isToken(name)) {
                    if (names == null) {
                        names = new HashSet<>(ALWAYS);
                    }
                    if (names.size() >= ALWAYS.size() + MAX_CONNECTION_OPTIONS) {
                        return names;
                    }
                    names.add(Ascii.lower(name));
                }
            }
        }
        return names == null ? ALWAYS : names;
    }
}
