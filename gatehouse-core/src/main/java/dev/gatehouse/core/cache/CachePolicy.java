package dev.gatehouse.core.cache;

/**
 * A route's or pool's caching knobs: where the operator may store more than RFC 9111 lets a shared
 * cache store by default, and the defaults it applies where responses say nothing.
 *
 * @param cacheAuthorized                    store responses to requests with {@code Authorization}
 *                                           even without {@code public}, {@code s-maxage} or
 *                                           {@code must-revalidate} (RFC 9111 §3.5), and serve
 *                                           stored responses to such requests; only for backends
 *                                           whose answers do not depend on who asks, or that say
 *                                           {@code Vary: Authorization}
 * @param cacheSetCookie                     store responses that carry {@code Set-Cookie}; the
 *                                           stored copy never holds it (see
 *                                           {@link Storability#fieldsToStore}), so one client's
 *                                           cookie is never replayed to another; the client whose
 *                                           request was forwarded still gets it
 * @param cachePrivate                       store responses marked {@code private} (§5.2.2.7), for
 *                                           an operator who knows they are not
 * @param heuristicMaxSeconds                the most heuristic freshness a response gets (§4.2.2);
 *                                           0 turns heuristics off
 * @param heuristicFraction                  heuristic freshness as a fraction of the time since
 *                                           {@code Last-Modified} (§4.2.2 suggests 10%), 0 to 1
 * @param defaultStaleIfErrorSeconds         how long past its freshness a response may be served
 *                                           when the backend fails, when it has no
 *                                           {@code stale-if-error} of its own; 0 for none
 * @param defaultStaleWhileRevalidateSeconds how long past its freshness a response may be served
 *                                           while it is revalidated in the background, when it has
 *                                           no {@code stale-while-revalidate}; 0 for none
 * @param maxObjectBytes                     the largest response body stored; larger ones are
 *                                           forwarded and not stored
 */
public record CachePolicy(
        boolean cacheAuthorized, boolean cacheSetCookie, boolean cachePrivate, long heuristicMaxSeconds,
        double heuristicFraction, long defaultStaleIfErrorSeconds, long defaultStaleWhileRevalidateSeconds,
        long maxObjectBytes) {

    /** A day: heuristic freshness beyond it risks serving a long-changed resource. */
    public static final long DEFAULT_HEURISTIC_MAX_SECONDS = 86_400;
    /** 10% of the time since the last change, as RFC 9111 §4.2.2 suggests. */
    public static final double DEFAULT_HEURISTIC_FRACTION = 0.1;
    /** 8 MiB: pages, scripts and images, not downloads. */
    public static final long DEFAULT_MAX_OBJECT_BYTES = 8L * 1024 * 1024;

    /**
     * What RFC 9111 allows a shared cache and no more: no authorized, cookie-setting or private
     * responses, heuristics at 10% for up to a day, no stale serving beyond what responses allow,
     * objects up to 8 MiB.
     */
    public static final CachePolicy DEFAULTS = new CachePolicy(false, false, false, DEFAULT_HEURISTIC_MAX_SECONDS,
            DEFAULT_HEURISTIC_FRACTION, 0, 0, DEFAULT_MAX_OBJECT_BYTES);

    /** Validates the knobs: configuration errors, not network input, so they throw. */
    public CachePolicy {
        if (heuristicMaxSeconds < 0 || heuristicMaxSeconds > DeltaSeconds.MAX) {
            throw new IllegalArgumentException("heuristic_max: " + heuristicMaxSeconds + "s (expected: 0 to 2147483648)");
        }
        if (!(heuristicFraction >= 0 && heuristicFraction <= 1)) {
            throw new IllegalArgumentException("heuristic_fraction: " + heuristicFraction + " (expected: 0 to 1)");
        }
        if (defaultStaleIfErrorSeconds < 0 || defaultStaleIfErrorSeconds > DeltaSeconds.MAX) {
            throw new IllegalArgumentException("stale_if_error: " + defaultStaleIfErrorSeconds + "s (expected: 0 to 2147483648)");
        }
        if (defaultStaleWhileRevalidateSeconds < 0 || defaultStaleWhileRevalidateSeconds > DeltaSeconds.MAX) {
            throw new IllegalArgumentException("stale_while_revalidate: " + defaultStaleWhileRevalidateSeconds
                    + "s (expected: 0 to 2147483648)");
        }
        if (maxObjectBytes <= 0) {
            throw new IllegalArgumentException("max_object_size: " + maxObjectBytes + " bytes (expected: > 0)");
        }
    }
}
