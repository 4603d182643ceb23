package dev.gatehouse.core.cache;

import java.util.Set;

/**
 * When a request changes what is stored for its URI (RFC 9111 §4.4): a cache must invalidate the
 * target URI after a non-error response (2xx or 3xx) to an unsafe method, including methods it
 * does not know. The data plane then drops every stored response whose {@link CacheKey#sameUri}
 * that of the request, across scopes, versions and methods. Invalidating the URIs in
 * {@code Location} and {@code Content-Location}, which §4.4 allows for the same origin, is not
 * done.
 */
public final class Invalidation {

    /** The safe methods (RFC 9110 §9.2.1); method names are case-sensitive. */
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private Invalidation() {
    }

    /** Whether a response with {@code status} to a {@code method} request invalidates its target URI. */
    public static boolean invalidatesTarget(String method, int status) {
        return !SAFE.contains(method) && status >= 200 && status < 400;
    }
}
