package dev.gatehouse.core.cache;

import dev.gatehouse.core.cache.DirectiveList.Directive;
import java.util.List;

/**
 * The {@code Cache-Control} directives of one message (RFC 9111 §5.2, RFC 5861, RFC 8246), as a
 * shared cache reads them. One record serves requests and responses: the data plane parses the
 * request's field into one and the response's into another, and each reader looks only at the
 * directives that mean something in that direction.
 *
 * <p>Seconds are {@code delta-seconds}: digits only, a quoted form ({@code max-age="60"}) accepted
 * as §5.2 asks, values past 2<sup>31</sup> read as 2<sup>31</sup> (§1.2.2); {@link #ABSENT} (-1)
 * when the directive is not there. Unknown directives are ignored (§5.2.3); names are
 * case-insensitive.
 *
 * <p>Broken or repeated directives never throw and never make caching more permissive. §4.2.1 asks
 * that duplicated or invalid freshness information be treated as stale and that, when directives
 * conflict, the most restrictive be honoured; so:
 * <ul>
 *   <li>{@code max-age} and {@code s-maxage} with an invalid value (none, {@code abc}, {@code -1},
 *       {@code 1.5}, whitespace around {@code =}) are 0, and so are two occurrences with different
 *       values (the response is stale; its validators can still freshen it). The same value
 *       repeated is that value.</li>
 *   <li>{@code stale-while-revalidate} and {@code stale-if-error} when invalid are 0 (no stale
 *       serving, which also overrides the {@link CachePolicy} default); repeated, the smallest.</li>
 *   <li>{@code max-stale} without a value is {@link #ANY_STALENESS}; invalid, 0; repeated, the
 *       smallest. {@code min-fresh} invalid is 2<sup>31</sup> (nothing is fresh enough);
 *       repeated, the largest.</li>
 *   <li>The restricting flags ({@code no-store}, {@code no-cache}, {@code private},
 *       {@code must-revalidate}, {@code proxy-revalidate}, {@code no-transform}) count whenever
 *       their name appears, however malformed, and with any argument. In particular the
 *       qualified forms {@code no-cache="Set-Cookie"} and {@code private="X"}, which allow a
 *       cache to store the response without the named fields, are read as the unqualified
 *       directive: this cache does not store partial header sets, and the stricter reading is
 *       always allowed.</li>
 *   <li>The permitting flags ({@code public}, {@code immutable}, {@code must-understand},
 *       {@code only-if-cached}) count only when well formed and without an argument.</li>
 *   <li>Field values over 4096 characters in all (each line counting one more), or with more than
 *       64 directives, are not read past that point and the message counts as {@code no-store}
 *       and {@code no-cache}: an unread tail might have said so.</li>
 * </ul>
 *
 * @param maxAge               {@code max-age}: in a response, its freshness lifetime (§5.2.2.1); in
 *                             a request, the greatest age the client accepts (§5.2.1.1)
 * @param sMaxAge              {@code s-maxage}: a response's lifetime in shared caches, which also
 *                             forbids serving it stale (§5.2.2.10)
 * @param noCache              {@code no-cache}: a response must be validated before each reuse
 *                             (§5.2.2.4); a request asks for validation (§5.2.1.4)
 * @param noStore              {@code no-store} (§5.2.2.5, §5.2.1.5)
 * @param isPrivate            {@code private}: not for shared caches (§5.2.2.7)
 * @param isPublic             {@code public}: storable even when it would not be (§5.2.2.9)
 * @param mustRevalidate       {@code must-revalidate}: never served stale (§5.2.2.2)
 * @param proxyRevalidate      {@code proxy-revalidate}: the same, for shared caches (§5.2.2.8)
 * @param noTransform          {@code no-transform} (§5.2.2.6, §5.2.1.6)
 * @param immutable            {@code immutable}: unchanged while fresh (RFC 8246)
 * @param mustUnderstand       {@code must-understand} (§5.2.2.3)
 * @param staleWhileRevalidate {@code stale-while-revalidate} seconds (RFC 5861 §3)
 * @param staleIfError         {@code stale-if-error} seconds (RFC 5861 §4), response or request
 * @param maxStale             request {@code max-stale} seconds, {@link #ANY_STALENESS} without a
 *                             value (§5.2.1.2)
 * @param minFresh             request {@code min-fresh} seconds (§5.2.1.3)
 * @param onlyIfCached         request {@code only-if-cached} (§5.2.1.7)
 */
public record CacheControl(
        long maxAge, long sMaxAge, boolean noCache, boolean noStore, boolean isPrivate, boolean isPublic,
        boolean mustRevalidate, boolean proxyRevalidate, boolean noTransform, boolean immutable,
        boolean mustUnderstand, long staleWhileRevalidate, long staleIfError, long maxStale, long minFresh,
        boolean onlyIfCached) {

    /** A seconds directive that is not there. */
    public static final long ABSENT = -1;
    /** {@code max-stale} without a value: any staleness is accepted. */
    public static final long ANY_STALENESS = Long.MAX_VALUE;
    /** No directives at all. */
    public static final CacheControl NONE = new Builder().build();

    /**
     * Reads all {@code Cache-Control} field lines of a message (in the order received; null or empty
     * for none). Never throws; see the class comment for what broken input means.
     */
    public static CacheControl parse(List<String> values) {
        if (values == null || values.isEmpty()) {
            return NONE;
        }
        DirectiveList.Result read = DirectiveList.read(values);
        Builder b = new Builder();
        for (Directive d : read.directives()) {
            b.add(d);
        }
        if (read.overflow()) {
            b.noStore = true;
            b.noCache = true;
        }
        return b.build();
    }

    /**
     * Whether a shared cache may never serve this response stale (§4.2.4): it has
     * {@code no-cache}, {@code must-revalidate}, {@code proxy-revalidate} or {@code s-maxage}
     * (which carries {@code proxy-revalidate}'s meaning, §5.2.2.10).
     */
    public boolean staleForbidden() {
        return noCache || mustRevalidate || proxyRevalidate || sMaxAge != ABSENT;
    }

    /**
     * Whether this response may be stored by a shared cache although its request had
     * {@code Authorization} (§3.5): it has {@code public}, {@code s-maxage} or
     * {@code must-revalidate}.
     */
    public boolean allowsAuthorized() {
        return isPublic || mustRevalidate || sMaxAge != ABSENT;
    }

    /** Collects directives; applies the rules for broken and repeated ones. */
    private static final class Builder {
        long maxAge = ABSENT;
        long sMaxAge = ABSENT;
        boolean noCache;
        boolean noStore;
        boolean isPrivate;
        boolean isPublic;
        boolean mustRevalidate;
        boolean proxyRevalidate;
        boolean noTransform;
        boolean immutable;
        boolean mustUnderstand;
        long staleWhileRevalidate = ABSENT;
        long staleIfError = ABSENT;
        long maxStale = ABSENT;
        long minFresh = ABSENT;
        boolean onlyIfCached;

        void add(Directive d) {
            switch (d.name()) {
                case "max-age" -> maxAge = lifetime(maxAge, d);
                case "s-maxage" -> sMaxAge = lifetime(sMaxAge, d);
                case "stale-while-revalidate" -> staleWhileRevalidate = smallest(staleWhileRevalidate, orIfInvalid(d, 0));
                case "stale-if-error" -> staleIfError = smallest(staleIfError, orIfInvalid(d, 0));
                case "max-stale" -> maxStale = smallest(maxStale,
                        d.wellFormed() && d.value() == null ? ANY_STALENESS : orIfInvalid(d, 0));
                case "min-fresh" -> minFresh = minFresh == ABSENT
                        ? orIfInvalid(d, DeltaSeconds.MAX) : Math.max(minFresh, orIfInvalid(d, DeltaSeconds.MAX));
                case "no-cache" -> noCache = true;
                case "no-store" -> noStore = true;
                case "private" -> isPrivate = true;
                case "must-revalidate" -> mustRevalidate = true;
                case "proxy-revalidate" -> proxyRevalidate = true;
                case "no-transform" -> noTransform = true;
                case "public" -> isPublic |= plain(d);
                case "immutable" -> immutable |= plain(d);
                case "must-understand" -> mustUnderstand |= plain(d);
                case "only-if-cached" -> onlyIfCached |= plain(d);
                default -> {
                    // An extension this cache does not implement: ignored (§5.2.3).
                }
            }
        }

        /** A lifetime: invalid is 0 (stale); a second, different value is 0 too (§4.2.1). */
        private static long lifetime(long current, Directive d) {
            long v = orIfInvalid(d, 0);
            if (current == ABSENT || current == v) {
                return v;
            }
            return 0;
        }

        private static long smallest(long current, long v) {
            return current == ABSENT ? v : Math.min(current, v);
        }

        private static long orIfInvalid(Directive d, long fallback) {
            long v = d.wellFormed() ? DeltaSeconds.parse(d.value()) : DeltaSeconds.INVALID;
            return v == DeltaSeconds.INVALID ? fallback : v;
        }

        private static boolean plain(Directive d) {
            return d.wellFormed() && d.value() == null;
        }

        CacheControl build() {
            return new CacheControl(maxAge, sMaxAge, noCache, noStore, isPrivate, isPublic, mustRevalidate,
                    proxyRevalidate, noTransform, immutable, mustUnderstand, staleWhileRevalidate, staleIfError,
                    maxStale, minFresh, onlyIfCached);
        }
    }
}
