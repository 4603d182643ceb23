package dev.gatehouse.core.content;

import java.util.List;

/**
 * Evaluates a request's preconditions (RFC 9110 §13.1, in the order of §13.2.2) for a server
 * that has the selected representation, such as a static file server or a cache answering from a
 * stored response.
 *
 * <p>Malformed input never throws. What it means, chosen so that a broken condition never lets a
 * state-changing request through and never costs a reader more than a full answer:
 * <ul>
 *   <li>a malformed {@code If-Match} list fails (412): the client asked to act only on a version
 *       it names, and it names none that can be checked;</li>
 *   <li>a malformed {@code If-None-Match} list is ignored for GET and HEAD (the answer is then at
 *       worst a full 200, and {@code If-Modified-Since} is read as if it came alone), and fails
 *       (412) for other methods, for the same reason as {@code If-Match};</li>
 *   <li>an {@code If-Match} or {@code If-None-Match} value with no element (empty, or only commas)
 *       is a valid empty list (§5.6.1): it matches nothing, so {@code If-Match} fails and
 *       {@code If-None-Match} is true;</li>
 *   <li>a date condition that is not one valid HTTP-date in one field line is ignored (§13.1.3,
 *       §13.1.4), as is any date condition when the modification time is unknown.</li>
 * </ul>
 * Field lines of a list header are joined with commas first (§5.3). Methods are compared
 * case-sensitively (§9.1): only {@code GET} and {@code HEAD} are answered 304.
 *
 * <p>Left to the caller: §13.2.1's "state-changing request that appears to have already been
 * applied" exception (a 2xx instead of 412), and whether to evaluate conditions at all (a server
 * ignores them on a response whose status would not be 2xx or 412, §13.2.1).
 */
public final class Conditionals {

    /** What the preconditions say. */
    public enum Outcome {
        /** Evaluate the request (and {@code If-Range}/{@code Range} after it). */
        PROCEED,
        /** Answer 304 Not Modified; only ever for GET and HEAD. */
        NOT_MODIFIED,
        /** Answer 412 Precondition Failed. */
        PRECONDITION_FAILED
    }

    /** The value of an unknown modification time. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    private Conditionals() {
    }

    /**
     * Evaluates {@code If-Match}, {@code If-Unmodified-Since}, {@code If-None-Match} and
     * {@code If-Modified-Since}, in that order (§13.2.2 steps 1-4):
     * <ol>
     *   <li>{@code If-Match}: {@code *} is true (the representation exists); a list is true when a
     *       tag matches the current one by strong comparison. False: 412.</li>
     *   <li>Without {@code If-Match}, {@code If-Unmodified-Since}: false when the representation was
     *       modified after the date: 412.</li>
     *   <li>{@code If-None-Match}: {@code *} is false; a list is false when a tag matches the current
     *       one by weak comparison. False: 304 for GET and HEAD, 412 otherwise.</li>
     *   <li>Without {@code If-None-Match}, for GET and HEAD only, {@code If-Modified-Since}: false when
     *       the representation was not modified after the date: 304. A date later than
     *       {@code nowEpochSeconds} is ignored, since it cannot be a Last-Modified this server sent
     *       and would otherwise turn every later change into a 304.</li>
     * </ol>
     *
     * @param method          the request method, case-sensitive
     * @param request         the request's header fields
     * @param currentTag      the representation's entity tag, or null when it has none
     * @param lastModified    its modification time in epoch seconds, or {@link #UNKNOWN}
     * @param nowEpochSeconds the current time, to read RFC 850 dates and to reject future ones
     */
    public static Outcome evaluate(String method, HeaderView request, EntityTag currentTag, long lastModified,
            long nowEpochSeconds) {
        boolean getOrHead = "GET".equals(method) || "HEAD".equals(method);
        String ifMatch = joined(request, "If-Match");
        if (ifMatch != null) {
            if (!EntityTag.isAny(ifMatch) && !anyMatches(EntityTag.parseList(ifMatch), currentTag, true)) {
                return Outcome.PRECONDITION_FAILED;        // no strong match, or a malformed list
            }
        } else {
            long date = date(request, "If-Unmodified-Since", nowEpochSeconds);
            if (date != HttpDates.INVALID && lastModified != UNKNOWN && lastModified > date) {
                return Outcome.PRECONDITION_FAILED;
            }
        }
        String ifNoneMatch = joined(request, "If-None-Match");
        if (ifNoneMatch != null) {
            boolean any = EntityTag.isAny(ifNoneMatch);
            List<EntityTag> tags = any ? null : EntityTag.parseList(ifNoneMatch);
            if (any || anyMatches(tags, currentTag, false)) {
                return getOrHead ? Outcome.NOT_MODIFIED : Outcome.PRECONDITION_FAILED;
            }
            if (tags != null) {
                return Outcome.PROCEED;                    // true: If-Modified-Since is not read (step 5)
            }
            if (!getOrHead) {
                return Outcome.PRECONDITION_FAILED;        // malformed, on a method that may change state
            }
            // Malformed on GET or HEAD: read the request as if it had no If-None-Match.
        }
        if (getOrHead && lastModified != UNKNOWN) {
            long date = date(request, "If-Modified-Since", nowEpochSeconds);
            if (date != HttpDates.INVALID && date <= nowEpochSeconds && lastModified <= date) {
                return Outcome.NOT_MODIFIED;
            }
        }
        return Outcome.PROCEED;
    }

    /**
     * Whether the request's {@code If-Range} lets its {@code Range} apply (§13.1.5); when not, the
     * answer is the whole representation (200). Absent: true. Given more than once: false, as
     * the field holds one validator.
     *
     * @see #ifRangeAllows(String, EntityTag, long, long)
     */
    public static boolean ifRangeAllows(HeaderView request, EntityTag currentTag, long lastModified, long nowEpochSeconds) {
        List<String> values = request.all("If-Range");
        if (values.isEmpty()) {
            return true;
        }
        return values.size() == 1 && ifRangeAllows(values.get(0), currentTag, lastModified, nowEpochSeconds);
    }

    /**
     * Whether an {@code If-Range} value lets the {@code Range} apply (§13.1.5).
     * <ul>
     *   <li>An entity tag must match the current one by strong comparison: a weak tag never does
     *       (a client must not send one, and ranges of a merely equivalent representation would
     *       splice two different byte sequences).</li>
     *   <li>A date must equal the modification time to the second, and that second must be over
     *       ({@code lastModified < nowEpochSeconds}): while it is still running the file can change
     *       again within it, so the date cannot be a strong validator (§8.8.2.2). This cannot rule
     *       out two changes within an earlier second; entity tags can, and are preferred.</li>
     *   <li>Anything else (malformed, unknown modification time) is false: the whole representation
     *       is always a correct answer.</li>
     * </ul>
     *
     * @param ifRange the field value, or null when absent (true)
     */
    public static boolean ifRangeAllows(String ifRange, EntityTag currentTag, long lastModified, long nowEpochSeconds) {
        if (ifRange == null) {
            return true;
        }
        String v = HttpSyntax.trimOws(ifRange);
        if (v.startsWith("\"") || v.startsWith("W/")) {
            EntityTag tag = EntityTag.parse(v);
            return tag != null && tag.strongMatch(currentTag);
        }
        long date = HttpDates.parse(v, nowEpochSeconds);
        return date != HttpDates.INVALID && lastModified != UNKNOWN && date == lastModified && lastModified < nowEpochSeconds;
    }

    /** Whether a tag of {@code tags} matches {@code current}; false for a malformed list (null) or no current tag. */
    private static boolean anyMatches(List<EntityTag> tags, EntityTag current, boolean strong) {
        if (tags == null || current == null) {
            return false;
        }
        for (EntityTag t : tags) {
            if (strong ? t.strongMatch(current) : t.weakMatch(current)) {
                return true;
            }
        }
        return false;
    }

    /** A list field's lines joined with commas (§5.3), or null when absent. */
    private static String joined(HeaderView request, String name) {
        List<String> values = request.all(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }

    /** A date field's value, or {@link HttpDates#INVALID} when absent, invalid or given more than once. */
    private static long date(HeaderView request, String name, long now) {
        List<String> values = request.all(name);
        return values.size() == 1 ? HttpDates.parse(values.get(0), now) : HttpDates.INVALID;
    }
}
