package dev.gatehouse.core.cache;

import java.util.Objects;

/**
 * The primary cache key (RFC 9111 §2): which route or pool, which version of the application,
 * which method, and which target URI. The version is part of the key so that after a cutover
 * nothing stored from the old version is served, and a canary's responses are kept apart from
 * the live version's, even when the canary later becomes live.
 *
 * <p>Normalised: the scheme and host lower case (ASCII), the host without a trailing dot and
 * without the scheme's default port (80 for http, 443 for https; an empty port too). The target
 * (path and query) is kept exactly as received: no percent-decoding, dot-segment removal or query
 * reordering, so {@code /a}, {@code /a?} and {@code /%61} are three keys; the data plane turns an
 * absolute-form target into origin-form and its authority into the host before building the key.
 *
 * <p>{@link #toString()} is the stored key, {@code scope|version|live|method|scheme|host|target}
 * ({@code canary} in place of {@code live} for a canary's response), and {@link #parse} reads it
 * back: {@code %} and {@code |} in the first six parts are written {@code %25} and {@code %7C};
 * the target comes last and is written as is. Purging by URL prefix across versions reads each
 * key back and asks {@link #matchesPurgePrefix}; invalidation after an unsafe request
 * ({@link Invalidation}) asks {@link #sameUri}.
 *
 * @param scope   the route's or pool's name
 * @param version the version that served the response (the canary's for a canary), "" for none
 * @param canary  whether a canary served it
 * @param method  the request method, as received (case-sensitive)
 * @param scheme  {@code http} or {@code https}, lower case
 * @param host    the normalised host, "" when the request had none
 * @param target  the path and query as received
 */
public record CacheKey(String scope, String version, boolean canary, String method, String scheme, String host, String target) {

    /** Checks the parts are there. */
    public CacheKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(target, "target");
    }

    /**
     * The key of a request.
     *
     * @param routeOrPoolName     the scope
     * @param liveVersion         the pool's live version, or null when it has none
     * @param canaryVersionOrNull the canary's version when the canary serves this request, else null
     * @param method              the request method
     * @param scheme              the request's scheme
     * @param host                the {@code Host} as received (with any port), or null
     * @param pathAndQuery        the origin-form target
     */
    public static CacheKey of(String routeOrPoolName, String liveVersion, String canaryVersionOrNull, String method,
                              String scheme, String host, String pathAndQuery) {
        String s = Ascii.lower(Objects.requireNonNull(scheme, "scheme"));
        String version = canaryVersionOrNull != null ? canaryVersionOrNull : liveVersion == null ? "" : liveVersion;
        return new CacheKey(routeOrPoolName, version, canaryVersionOrNull != null, method, s, normaliseHost(host, s),
                Objects.requireNonNull(pathAndQuery, "pathAndQuery"));
    }

    /** The stored key of a request: {@code of(...).toString()}. */
    public static String primary(String routeOrPoolName, String liveVersion, String canaryVersionOrNull, String method,
                                 String scheme, String host, String pathAndQuery) {
        return of(routeOrPoolName, liveVersion, canaryVersionOrNull, method, scheme, host, pathAndQuery).toString();
    }

    /** A stored key read back; null when {@code key} is not one. */
    public static CacheKey parse(String key) {
        if (key == null) {
            return null;
        }
        String[] parts = key.split("\\|", 7);
        if (parts.length != 7 || !(parts[2].equals("live") || parts[2].equals("canary"))) {
            return null;
        }
        String[] decoded = new String[6];
        for (int i = 0; i < 6; i++) {
            decoded[i] = unescape(parts[i]);
            if (decoded[i] == null) {
                return null;
            }
        }
        return new CacheKey(decoded[0], decoded[1], parts[2].equals("canary"), decoded[3], decoded[4], decoded[5], parts[6]);
    }

    /**
     * Whether a purge of every stored response for {@code host} whose target starts with
     * {@code pathPrefix} covers this key, whatever its scope, version, method or scheme. The host
     * is normalised as in {@link #of} for this key's scheme, so {@code Example.com:443} purges
     * https keys of {@code example.com}; the prefix is compared case-sensitively, as received
     * targets are ("" purges the whole host).
     */
    public boolean matchesPurgePrefix(String host, String pathPrefix) {
        return this.host.equals(normaliseHost(host, scheme)) && target.startsWith(pathPrefix);
    }

    /** Whether {@code other} names the same target URI (scheme, host, target), whatever else differs. */
    public boolean sameUri(CacheKey other) {
        return scheme.equals(other.scheme) && host.equals(other.host) && target.equals(other.target);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(scope.length() + host.length() + target.length() + 32);
        escape(b, scope).append('|');
        escape(b, version).append('|').append(canary ? "canary" : "live").append('|');
        escape(b, method).append('|');
        escape(b, scheme).append('|');
        escape(b, host).append('|');
        return b.append(target).toString();
    }

    /** {@code host} lower case, without trailing dot or default port for {@code scheme}; "" for null. */
    static String normaliseHost(String host, String scheme) {
        if (host == null) {
            return "";
        }
        String h = Ascii.lower(host);
        String port = null;
        int colon = h.lastIndexOf(':');
        if (colon >= 0 && (h.charAt(0) != '[' || h.lastIndexOf(']') < colon)) {
            port = h.substring(colon + 1);
            h = h.substring(0, colon);
        }
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        boolean defaultPort = port == null || port.isEmpty()
                || ("http".equals(scheme) && port.equals("80")) || ("https".equals(scheme) && port.equals("443"));
        return defaultPort ? h : h + ":" + port;
    }

    private static StringBuilder escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                b.append("%25");
            } else if (c == '|') {
                b.append("%7C");
            } else {
                b.append(c);
            }
        }
        return b;
    }

    private static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                b.append(c);
            } else if (s.startsWith("%25", i)) {
                b.append('%');
                i += 2;
            } else if (s.startsWith("%7C", i)) {
                b.append('|');
                i += 2;
            } else {
                return null;
            }
        }
        return b.toString();
    }
}
