package dev.gatehouse.core.cache;

import dev.gatehouse.core.content.HttpSyntax;
import dev.gatehouse.core.content.HeaderView;
import dev.gatehouse.core.content.HttpDates;
import java.util.List;
import java.util.Set;

/**
 * How long a response stays fresh, and how old it is (RFC 9111 §4.2). All times are epoch seconds
 * passed in by the caller; every result is within {@code [0, 2^31]} (§1.2.2).
 *
 * <p>Date fields are read with {@link HttpDates#parse} as of the time the response was received:
 * an RFC 850 date's two-digit year depends on when it is read, and reading it against that fixed
 * time gives a stored response the same dates on every call, however long it stays stored.
 */
public final class Freshness {

    /**
     * The status codes RFC 9110 §15.1 defines as heuristically cacheable. 206 is among them, but
     * {@link Storability} never stores partial content.
     */
    private static final Set<Integer> HEURISTIC = Set.of(200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501);

    private Freshness() {
    }

    /** Whether responses with {@code status} may be given heuristic freshness (RFC 9110 §15.1). */
    public static boolean heuristicallyCacheable(int status) {
        return HEURISTIC.contains(status);
    }

    /**
     * The freshness lifetime of a response in a shared cache (§4.2.1), the first that applies of:
     * <ol>
     *   <li>{@code s-maxage}, then {@code max-age} (0 when invalid or repeated with different
     *       values; see {@link CacheControl});</li>
     *   <li>{@code Expires} minus {@code Date}: 0 when Expires is not a valid HTTP-date
     *       ({@code Expires: 0} means already expired, §5.3), when there is more than one Expires
     *       line, when Date is missing or invalid, or when Expires is earlier than Date;</li>
     *   <li>a heuristic (§4.2.2), only for a heuristically cacheable status or a {@code public}
     *       response, and only with a valid {@code Last-Modified} no later than {@code Date}:
     *       {@code policy.heuristicFraction()} of the time between them, at most
     *       {@code policy.heuristicMaxSeconds()};</li>
     *   <li>otherwise 0.</li>
     * </ol>
     * A cache must add a {@code Date} to a response that came without one (RFC 9110 §6.6.1);
     * {@link StoredMeta#of} does so before it calls this.
     *
     * @param response          the response's fields
     * @param status            its status
     * @param responseTimeEpoch when it was received, the time its dates are read as of
     * @param policy            the route's caching knobs (heuristics)
     */
    public static long lifetimeSeconds(HeaderView response, int status, long responseTimeEpoch, CachePolicy policy) {
        CacheControl cc = CacheControl.parse(response.all("Cache-Control"));
        if (cc.sMaxAge() != CacheControl.ABSENT) {
            return cc.sMaxAge();
        }
        if (cc.maxAge() != CacheControl.ABSENT) {
            return cc.maxAge();
        }
        long date = singleDate(response, "Date", responseTimeEpoch);
        if (response.has("Expires")) {
            long at = singleDate(response, "Expires", responseTimeEpoch);
            return at == HttpDates.INVALID || date == HttpDates.INVALID ? 0 : DeltaSeconds.between(date, at);
        }
        if (!heuristicallyCacheable(status) && !cc.isPublic()) {
            return 0;
        }
        long lastModified = singleDate(response, "Last-Modified", responseTimeEpoch);
        if (lastModified == HttpDates.INVALID || date == HttpDates.INVALID || lastModified > date) {
            return 0;
        }
        long heuristic = (long) (DeltaSeconds.between(lastModified, date) * policy.heuristicFraction());
        return Math.min(policy.heuristicMaxSeconds(), heuristic);
    }

    /**
     * Whether the response states its own expiry: {@code s-maxage}, {@code max-age} or
     * {@code Expires}, valid or not (§3: an invalid one still counts, and means stale).
     */
    static boolean hasExplicitExpiry(CacheControl cc, HeaderView response) {
        return cc.sMaxAge() != CacheControl.ABSENT || cc.maxAge() != CacheControl.ABSENT || response.has("Expires");
    }

    /**
     * The current age of a stored response (§4.2.3):
     * <pre>
     * apparent_age          = max(0, response_time - date_value)
     * corrected_age_value   = age_value + (response_time - request_time)
     * corrected_initial_age = max(apparent_age, corrected_age_value)
     * current_age           = corrected_initial_age + (now - response_time)
     * </pre>
     * {@code age_value} is the first member of the first {@code Age} line, 0 when that is not
     * delta-seconds (§5.1 says to ignore it); a missing or invalid {@code Date} gives no apparent
     * age. A clock that went backwards counts as no time passing.
     *
     * @param response          the stored response's fields
     * @param requestTimeEpoch  when the request that fetched it was sent
     * @param responseTimeEpoch when its response was received, the time its {@code Date} is read
     *                          as of (not {@code nowEpoch}, so that the Date reads the same as
     *                          when the lifetime was computed)
     * @param nowEpoch          now
     */
    public static long currentAgeSeconds(HeaderView response, long requestTimeEpoch, long responseTimeEpoch, long nowEpoch) {
        long date = singleDate(response, "Date", responseTimeEpoch);
        long apparentAge = date == HttpDates.INVALID ? 0 : DeltaSeconds.between(date, responseTimeEpoch);
        long correctedAgeValue = DeltaSeconds.add(ageValue(response), DeltaSeconds.between(requestTimeEpoch, responseTimeEpoch));
        long correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
        return DeltaSeconds.add(correctedInitialAge, DeltaSeconds.between(responseTimeEpoch, nowEpoch));
    }

    /** The {@code Age} received: the first list member of the first line; 0 when invalid or absent. */
    static long ageValue(HeaderView response) {
        String age = response.first("Age");
        if (age == null) {
            return 0;
        }
        int comma = age.indexOf(',');
        long v = DeltaSeconds.parse(HttpSyntax.trimOws(comma < 0 ? age : age.substring(0, comma)));
        return v == DeltaSeconds.INVALID ? 0 : v;
    }

    /**
     * The epoch seconds of a date field that must appear once; {@link HttpDates#INVALID} when it is
     * absent, repeated or invalid.
     *
     * @param receivedEpoch when the message with {@code headers} was received, which decides the
     *                      century of an RFC 850 two-digit year ({@link HttpDates#parse})
     */
    static long singleDate(HeaderView headers, String name, long receivedEpoch) {
        List<String> values = headers.all(name);
        return values.size() == 1 ? HttpDates.parse(values.get(0), receivedEpoch) : HttpDates.INVALID;
    }
}
