package dev.gatehouse.core.cache;

import dev.gatehouse.core.content.HttpSyntax;
import dev.gatehouse.core.content.EntityTag;
import dev.gatehouse.core.content.HeaderView;
import dev.gatehouse.core.content.HttpDates;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validating a stored response with the backend (RFC 9111 §4.3): the conditional request's fields,
 * whether a 304 is about the stored response, and the stored response freshened by it.
 *
 * <p>The data plane sends the conditional request in place of the client's own conditional fields
 * (the client's {@code If-None-Match} is about its copy, not the cache's); after a 304 it serves
 * the freshened stored response, and the client's conditionals are evaluated against that.
 */
public final class Revalidation {

    /**
     * Fields a 304 does not change in the stored response besides {@link UnstoredFields}:
     * {@code Content-Length} (§3.2), and {@code Content-Encoding} and {@code Content-Range},
     * which describe the stored bytes themselves; §3.2 allows keeping what assures the integrity
     * of the stored response.
     */
    private static final Set<String> KEPT = Set.of("content-length", "content-encoding", "content-range");

    private Revalidation() {
    }

    /**
     * The fields of a conditional request for {@code stored} (§4.3.1), in this order:
     * <ul>
     *   <li>{@code If-None-Match} with the stored {@code ETag}, strong or weak, as received
     *       (If-None-Match uses weak comparison), when there is exactly one valid one;</li>
     *   <li>{@code If-Modified-Since} with the stored {@code Last-Modified}; or, without a valid
     *       one, with its {@code Date}, as RFC 9110 §13.1.3 notes caches do (the origin then
     *       answers 304 only if nothing changed since the response was generated). A value already
     *       in IMF-fixdate form is sent as received, since some servers compare it exactly; an
     *       obsolete form is rewritten as IMF-fixdate, the only form a sender may generate
     *       (RFC 9110 §5.6.7).</li>
     * </ul>
     * Both are sent when both exist: a server that supports If-None-Match ignores the other
     * (RFC 9110 §13.2.2), one that does not still has a date. Empty only when the stored response
     * has no validator and no valid Date, which {@link StoredMeta#of} prevents. Dates are read as
     * of the stored response's {@code responseTimeEpoch}, as {@link Freshness} reads them.
     */
    public static List<Map.Entry<String, String>> conditionalHeaders(StoredMeta stored) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(2);
        EntityTag etag = etag(stored.headers());
        if (etag != null) {
            // The wire form of a tag that parsed is the received value without its OWS.
            fields.add(Map.entry("If-None-Match", etag.toString()));
        }
        String since = dateField(stored.headers(), "Last-Modified", stored.responseTimeEpoch());
        if (since == null) {
            since = dateField(stored.headers(), "Date", stored.responseTimeEpoch());
        }
        if (since != null) {
            fields.add(Map.entry("If-Modified-Since", since));
        }
        return List.copyOf(fields);
    }

    /**
     * Whether a 304 is about {@code stored} (§4.3.4): every validator the 304 carries must match
     * the stored response's. A strong {@code ETag} must be the same strong tag; a weak one matches
     * by weak comparison; a {@code Last-Modified} (looked at only without an ETag) must be the same
     * time. An ETag or Last-Modified the 304 has and the stored response lacks, or that cannot be
     * read, does not match: the stored response is then not used and the request must be sent
     * again unconditionally. A 304 with no validator is taken to be about the one stored response
     * whose validators were sent (§4.3.4's third case, for a cache that keeps one response per
     * key and variant).
     *
     * @param stored            the stored response's fields
     * @param notModified       the 304's fields
     * @param responseTimeEpoch when the 304 was received; both Last-Modified values are read as of
     *                          it, so that the same text is always the same time even in the
     *                          RFC 850 form, whose two-digit year depends on when it is read
     */
    public static boolean selects(StoredHeaders stored, HeaderView notModified, long responseTimeEpoch) {
        if (notModified.has("ETag")) {
            EntityTag tag = etag(notModified);
            EntityTag storedTag = etag(stored);
            if (tag == null || storedTag == null) {
                return false;
            }
            return tag.weak() ? tag.weakMatch(storedTag) : tag.strongMatch(storedTag);
        }
        if (notModified.has("Last-Modified")) {
            long at = Freshness.singleDate(notModified, "Last-Modified", responseTimeEpoch);
            return at != HttpDates.INVALID && at == Freshness.singleDate(stored, "Last-Modified", responseTimeEpoch);
        }
        return true;
    }

    /**
     * The stored fields updated from a 304 (§3.2, §4.3.4): each field the 304 has replaces all
     * stored lines of that name; fields it lacks are kept. Not taken from the 304: what is never
     * stored ({@code Set-Cookie}, hop-by-hop and {@code Connection}-named fields, proxy
     * authentication) and {@code Content-Length}, {@code Content-Encoding}, {@code Content-Range}.
     * Replaced fields move to the end; order between different names carries no meaning.
     */
    public static StoredHeaders updateFrom304(StoredHeaders stored, Iterable<? extends Map.Entry<String, String>> notModified) {
        StoredHeaders update = StoredHeaders.copyOf(notModified);
        Set<String> skip = UnstoredFields.of(update);
        Set<String> replaced = new HashSet<>();
        StoredHeaders out = stored;
        for (Map.Entry<String, String> e : update) {
            String name = Ascii.lower(e.getKey());
            if (skip.contains(name) || KEPT.contains(name)) {
                continue;
            }
            if (replaced.add(name)) {
                out = out.without(name);
            }
            out = out.with(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * The stored entry after a 304 that {@link #selects} it: fields updated by
     * {@link #updateFrom304}, and a new lifetime and age base from the 304's times. {@code Date}
     * and {@code Age} describe the message they came in, so they are taken from the 304 only: a
     * 304 without a valid Date gets one at {@code responseTimeEpoch}, and one without Age leaves
     * none, rather than the old response's values making the freshened copy look old.
     *
     * @param stored            the entry that was validated
     * @param notModified       the 304's fields
     * @param requestTimeEpoch  when the conditional request was sent
     * @param responseTimeEpoch when the 304 was received
     * @param policy            the route's caching knobs
     */
    public static StoredMeta freshen(StoredMeta stored, Iterable<? extends Map.Entry<String, String>> notModified,
                                     long requestTimeEpoch, long responseTimeEpoch, CachePolicy policy) {
        StoredHeaders update = StoredHeaders.copyOf(notModified);
        StoredHeaders fields = updateFrom304(stored.headers(), update);
        if (!update.has("Age")) {
            fields = fields.without("Age");
        }
        if (Freshness.singleDate(update, "Date", responseTimeEpoch) == HttpDates.INVALID) {
            fields = fields.without("Date");
        }
        return StoredMeta.of(stored.status(), fields, requestTimeEpoch, responseTimeEpoch, policy);
    }

    /**
     * The {@code ETag} of {@code headers}; null when absent, on more than one line (it is a
     * singleton field and two cannot both be right), or not one entity tag that
     * {@link EntityTag#parse} reads (which includes one longer than
     * {@link EntityTag#MAX_TAG_LENGTH}: it is then not used for validation).
     */
    static EntityTag etag(HeaderView headers) {
        List<String> values = headers.all("ETag");
        return values.size() == 1 ? EntityTag.parse(values.get(0)) : null;
    }

    /**
     * A single valid date field's value for a conditional request, or null: as received when it is
     * an IMF-fixdate, rewritten as one when it is in an obsolete form, and null when it is in an
     * obsolete form with a year IMF-fixdate cannot write (0000).
     */
    private static String dateField(HeaderView headers, String name, long receivedEpoch) {
        long at = Freshness.singleDate(headers, name, receivedEpoch);
        if (at == HttpDates.INVALID) {
            return null;
        }
        String value = HttpSyntax.trimOws(headers.first(name));
        // Of the three forms only IMF-fixdate has 29 characters (asctime has 24, RFC 850 30 to 33),
        // so a valid date of that length is already in the form a sender must generate.
        if (value.length() == 29) {
            return value;
        }
        return at >= HttpDates.MIN_FORMATTABLE && at <= HttpDates.MAX_FORMATTABLE ? HttpDates.format(at) : null;
    }
}
