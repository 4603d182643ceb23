package dev.gatehouse.core.cache;

import dev.gatehouse.core.content.HttpDates;
import java.util.Objects;

/**
 * What the cache keeps about a stored response besides its content: the status, the fields, the
 * freshness lifetime computed when it was stored, and the request and response times from which
 * its age is computed (RFC 9111 §4.2.3). Make one with {@link #of}.
 *
 * @param status            the response status
 * @param headers           the stored fields (see {@link Storability#fieldsToStore}), with a
 *                          {@code Date}
 * @param lifetimeSeconds   its freshness lifetime, from {@link Freshness#lifetimeSeconds}
 * @param requestTimeEpoch  when the request that fetched it was sent, epoch seconds
 * @param responseTimeEpoch when its response (or the 304 that last freshened it) was received
 */
public record StoredMeta(int status, StoredHeaders headers, long lifetimeSeconds, long requestTimeEpoch, long responseTimeEpoch) {

    /** Checks the parts. */
    public StoredMeta {
        Objects.requireNonNull(headers, "headers");
        if (lifetimeSeconds < 0) {
            throw new IllegalArgumentException("lifetimeSeconds: " + lifetimeSeconds + " (expected: >= 0)");
        }
    }

    /**
     * The entry for a response about to be stored. A response without a single valid {@code Date}
     * gets one at {@code responseTimeEpoch} first, as RFC 9110 §6.6.1 requires of a cache with a
     * clock (for a missing Date) and allows (for an invalid one), unless that time is outside the
     * years 0001-9999 that an HTTP-date can write; then its lifetime is computed.
     *
     * @param status            the response status
     * @param headers           the fields to store
     * @param requestTimeEpoch  when the request was sent
     * @param responseTimeEpoch when the response was received
     * @param policy            the route's caching knobs (heuristics)
     */
    public static StoredMeta of(int status, StoredHeaders headers, long requestTimeEpoch, long responseTimeEpoch, CachePolicy policy) {
        StoredHeaders h = headers;
        if (Freshness.singleDate(h, "Date", responseTimeEpoch) == HttpDates.INVALID) {
            h = h.without("Date");
            if (responseTimeEpoch >= HttpDates.MIN_FORMATTABLE && responseTimeEpoch <= HttpDates.MAX_FORMATTABLE) {
                h = h.with("Date", HttpDates.format(responseTimeEpoch));
            }
        }
        return new StoredMeta(status, h, Freshness.lifetimeSeconds(h, status, responseTimeEpoch, policy), requestTimeEpoch,
                responseTimeEpoch);
    }

    /** Its current age at {@code nowEpoch} (§4.2.3), what the {@code Age} of a served copy says. */
    public long ageSeconds(long nowEpoch) {
        return Freshness.currentAgeSeconds(headers, requestTimeEpoch, responseTimeEpoch, nowEpoch);
    }

    /**
     * Its remaining freshness at {@code nowEpoch}: positive while fresh, zero or negative (by how
     * much it is stale) after, as the {@code ttl} of {@code Cache-Status} reports it.
     */
    public long ttlSeconds(long nowEpoch) {
        return lifetimeSeconds - ageSeconds(nowEpoch);
    }

    /**
     * Whether it has a validator: a valid {@code ETag} or a valid {@code Last-Modified}, read as
     * {@link Revalidation#conditionalHeaders} reads them.
     */
    public boolean hasValidator() {
        return Revalidation.etag(headers) != null
                || Freshness.singleDate(headers, "Last-Modified", responseTimeEpoch) != HttpDates.INVALID;
    }

    /** Its {@code Cache-Control}, parsed. */
    public CacheControl cacheControl() {
        return CacheControl.parse(headers.all("Cache-Control"));
    }
}
