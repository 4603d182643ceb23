package dev.gatehouse.core.cache;

import dev.gatehouse.core.content.HttpSyntax;
import dev.gatehouse.core.content.HeaderView;
import java.util.List;

/**
 * What to do with a request for which a stored response matched (same primary key, and
 * {@link VaryKey#matches}): serve it, serve it stale, validate it first, or forward the request
 * (RFC 9111 §4, RFC 5861, RFC 8246). The data plane looks up only GET requests; others are
 * forwarded without consulting the store.
 *
 * <p>A stored response is fresh while its age is less than its lifetime. The request's
 * {@code Cache-Control} narrows what it accepts ({@code Pragma: no-cache} counts as
 * {@code no-cache} when the request has no Cache-Control, as RFC 7234 §5.4 had it; RFC 9111
 * deprecates Pragma but the stricter reading costs only a revalidation):
 * <ul>
 *   <li>{@code no-cache}: validate first;</li>
 *   <li>{@code max-age=N}: not older than N, fresh or not (but see {@code immutable} below);</li>
 *   <li>{@code min-fresh=N}: fresh for at least N more seconds; never stale;</li>
 *   <li>{@code max-stale[=N]}: stale by at most N (or any), unless the response forbids stale
 *       serving ({@link CacheControl#staleForbidden()});</li>
 *   <li>{@code only-if-cached}: whatever would contact the backend becomes
 *       {@link Outcome#ONLY_IF_CACHED_MISS} (answer 504, §5.2.1.7).</li>
 * </ul>
 * A fresh {@code immutable} response (RFC 8246) ignores the request's {@code max-age}: browsers
 * send {@code max-age=0} on a plain reload, which that extension exists to spare; an explicit
 * {@code no-cache} (a forced reload) still validates.
 *
 * <p>A request with {@code Authorization} is served from the store only when the stored response
 * could have been stored for such a request ({@link CacheControl#allowsAuthorized()} or
 * {@link CachePolicy#cacheAuthorized()}); otherwise it is forwarded, so that a backend that
 * forgot {@code Vary: Authorization} does not hand an anonymous copy to a signed-in user.
 */
public final class Lookup {

    /** What the data plane does. */
    public enum Outcome {
        /** Serve the stored response; it is fresh for this request. */
        FRESH,
        /** Serve the stored response although stale: the request's {@code max-stale} accepts it. */
        STALE,
        /**
         * Serve the stored response although stale, and revalidate it in the background
         * ({@code stale-while-revalidate}, or the policy's default when the response has none).
         */
        STALE_WHILE_REVALIDATE,
        /**
         * Forward a conditional request ({@link Revalidation#conditionalHeaders}); on 304 serve the
         * stored response, freshened; on anything else, the new response.
         */
        REVALIDATE,
        /** Forward the request unconditionally: the stored response cannot be validated or used. */
        MISS,
        /** The request said {@code only-if-cached} and nothing stored may answer it: answer 504. */
        ONLY_IF_CACHED_MISS
    }

    /**
     * The decision.
     *
     * @param outcome    what to do
     * @param ageSeconds the stored response's current age, for the {@code Age} of a served copy
     * @param ttlSeconds its remaining freshness, negative when stale, for {@code Cache-Status}
     * @param reason     why, as a short token for logs and the {@code Cache-Status} detail
     */
    public record Decision(Outcome outcome, long ageSeconds, long ttlSeconds, String reason) {
    }

    private static final CacheControl PRAGMA_NO_CACHE = CacheControl.parse(List.of("no-cache"));

    private Lookup() {
    }

    /**
     * Decides how to answer {@code request} given a stored response that matches it.
     *
     * @param request  the request's fields
     * @param stored   the matching stored response
     * @param nowEpoch now, epoch seconds
     * @param policy   the route's caching knobs
     */
    public static Decision decide(HeaderView request, StoredMeta stored, long nowEpoch, CachePolicy policy) {
        CacheControl req = requestDirectives(request);
        CacheControl res = stored.cacheControl();
        long age = stored.ageSeconds(nowEpoch);
        long ttl = stored.lifetimeSeconds() - age;
        Forward forward = new Forward(req.onlyIfCached(), !Revalidation.conditionalHeaders(stored).isEmpty(), age, ttl);

        if (request.has("Authorization") && !res.allowsAuthorized() && !policy.cacheAuthorized()) {
            return forward.unconditionally("authorization");
        }
        if (req.noCache()) {
            return forward.validating("request-no-cache");
        }
        if (res.noCache()) {
            return forward.validating("no-cache");
        }
        if (ttl > 0) {
            if (req.minFresh() != CacheControl.ABSENT && ttl < req.minFresh()) {
                return forward.validating("request-min-fresh");
            }
            if (!res.immutable() && !withinMaxAge(req, age)) {
                return forward.validating("request-max-age");
            }
            return new Decision(Outcome.FRESH, age, ttl, "fresh");
        }
        long staleness = -ttl;
        if (res.staleForbidden()) {
            return forward.validating(res.mustRevalidate() ? "must-revalidate" : res.proxyRevalidate() ? "proxy-revalidate" : "s-maxage");
        }
        boolean requestTakesStale = withinMaxAge(req, age) && req.minFresh() == CacheControl.ABSENT;
        if (requestTakesStale && req.maxStale() != CacheControl.ABSENT && staleness <= req.maxStale()) {
            return new Decision(Outcome.STALE, age, ttl, "request-max-stale");
        }
        long window = res.staleWhileRevalidate() != CacheControl.ABSENT
                ? res.staleWhileRevalidate() : policy.defaultStaleWhileRevalidateSeconds();
        if (requestTakesStale && window > 0 && staleness <= window) {
            return new Decision(Outcome.STALE_WHILE_REVALIDATE, age, ttl, "stale-while-revalidate");
        }
        return forward.validating("stale");
    }

    /**
     * The decision when nothing stored matches: {@link Outcome#ONLY_IF_CACHED_MISS} for a request
     * with {@code only-if-cached}, else {@link Outcome#MISS}.
     */
    public static Decision nothingStored(HeaderView request) {
        boolean onlyIfCached = requestDirectives(request).onlyIfCached();
        return new Decision(onlyIfCached ? Outcome.ONLY_IF_CACHED_MISS : Outcome.MISS, 0, 0, onlyIfCached ? "only-if-cached" : "miss");
    }

    /**
     * Whether the stored response may be served, stale, because the backend failed (RFC 9111
     * §4.2.4, RFC 5861 §4): it could not be reached or answered 500, 502, 503 or 504
     * ({@link #isErrorStatus}). Never when the response forbids stale serving
     * ({@code must-revalidate}, {@code proxy-revalidate}, {@code s-maxage}, {@code no-cache}), nor
     * when the request said {@code no-cache} or {@code min-fresh}, exceeds its {@code max-age},
     * or may not be served this response because of {@code Authorization}. Otherwise yes while it
     * is fresh, and while its staleness is within the response's {@code stale-if-error} (or the
     * policy's default when it has none), the request's {@code stale-if-error}, or the request's
     * {@code max-stale}: the origin, the operator or the client allowing it is enough (§4.2.4).
     */
    public static boolean staleIfErrorAllows(HeaderView request, StoredMeta stored, long nowEpoch, CachePolicy policy) {
        CacheControl req = requestDirectives(request);
        CacheControl res = stored.cacheControl();
        if (res.staleForbidden() || req.noCache() || req.minFresh() != CacheControl.ABSENT) {
            return false;
        }
        if (request.has("Authorization") && !res.allowsAuthorized() && !policy.cacheAuthorized()) {
            return false;
        }
        long age = stored.ageSeconds(nowEpoch);
        if (!withinMaxAge(req, age)) {
            return false;
        }
        long staleness = age - stored.lifetimeSeconds();
        if (staleness < 0) {
            return true;
        }
        long window = res.staleIfError() != CacheControl.ABSENT ? res.staleIfError() : policy.defaultStaleIfErrorSeconds();
        return (window > 0 && staleness <= window)
                || (req.staleIfError() > 0 && staleness <= req.staleIfError())
                || (req.maxStale() != CacheControl.ABSENT && staleness <= req.maxStale());
    }

    /** Whether a backend status counts as an error for stale-if-error (RFC 5861 §4). */
    public static boolean isErrorStatus(int status) {
        return status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** The request's directives, with {@code Pragma: no-cache} as {@code no-cache} when it has no Cache-Control. */
    static CacheControl requestDirectives(HeaderView request) {
        List<String> lines = request.all("Cache-Control");
        if (!lines.isEmpty() || !pragmaNoCache(request)) {
            return CacheControl.parse(lines);
        }
        return PRAGMA_NO_CACHE;
    }

    private static boolean pragmaNoCache(HeaderView request) {
        for (String line : request.all("Pragma")) {
            for (String member : line.split(",", -1)) {
                if (Ascii.equalsIgnoreCase(HttpSyntax.trimOws(member), "no-cache")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean withinMaxAge(CacheControl req, long age) {
        return req.maxAge() == CacheControl.ABSENT || age <= req.maxAge();
    }

    /** Builds the decisions that contact the backend, honouring only-if-cached. */
    private record Forward(boolean onlyIfCached, boolean canValidate, long age, long ttl) {

        Decision validating(String reason) {
            if (onlyIfCached) {
                return new Decision(Outcome.ONLY_IF_CACHED_MISS, age, ttl, "only-if-cached");
            }
            return new Decision(canValidate ? Outcome.REVALIDATE : Outcome.MISS, age, ttl, reason);
        }

        Decision unconditionally(String reason) {
            if (onlyIfCached) {
                return new Decision(Outcome.ONLY_IF_CACHED_MISS, age, ttl, "only-if-cached");
            }
            return new Decision(Outcome.MISS, age, ttl, reason);
        }
    }
}
