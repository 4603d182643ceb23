package dev.gatehouse.core.content;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code Range} header (RFC 9110 §14.1.1, §14.2) against the length of the selected
 * representation and says how to answer: with the satisfiable ranges (206), as unsatisfiable
 * (416) or as if the header were not there (200 with the whole representation).
 *
 * <p>What the caller checks first: ranges apply to GET only (§14.2; a HEAD may answer as the GET
 * would), and a present {@code If-Range} that {@link Conditionals#ifRangeAllows} rejects means the
 * header is ignored without reading it.
 *
 * <p>The outcome, in the order the checks run:
 * <ol>
 *   <li>{@link Ignored}: the header is longer than {@link #MAX_HEADER_LENGTH}; its unit is not
 *       {@code bytes} (compared case-insensitively, §14.1); it is not a valid
 *       {@code ranges-specifier}: no range, a range that is neither {@code first-[last]} nor
 *       {@code -suffix}, a last position before the first, whitespace inside a range or right
 *       after {@code =}, a number above {@code Long.MAX_VALUE}; or it holds more than
 *       {@code maxRanges} ranges. The grammar's list rules apply: OWS around commas and empty
 *       elements ({@code bytes=0-1,,2-3}, {@code bytes=,0-1}) are fine (§5.6.1.2).</li>
 *   <li>{@link Unsatisfiable}: the representation is empty, or no range is satisfiable: every
 *       {@code first-} is at or past the end and every suffix is {@code -0} (§14.1.1).</li>
 *   <li>{@link Ignored} as a denial-of-service guard (§14.2 allows ignoring "more than two
 *       overlapping ranges" and lists that look like an attack): the satisfiable ranges add up to
 *       more than twice the representation (such as {@code bytes=0-,0-,0-}), or, taken in order of
 *       their first byte, more than one of them starts inside the ranges before it. Many small
 *       disjoint ranges are bounded by {@code maxRanges}.</li>
 *   <li>{@link Ranges}: the satisfiable ranges, clamped to the representation (a {@code last}
 *       past the end, a suffix longer than the representation), then coalesced: ranges that
 *       overlap or touch ({@code 0-9} and {@code 10-19}) merge into one, which takes the place of
 *       the earliest of them, so the parts keep the request's order (§14.6) less the ranges merged
 *       away. Ranges apart by a gap stay apart, however small the gap.</li>
 * </ol>
 */
public final class RangeRequest {

    /** A {@code Range} header longer than this is ignored unread. */
    public static final int MAX_HEADER_LENGTH = 4096;

    /** How to answer. */
    public sealed interface Result {
    }

    /**
     * Answer 206 with these ranges: one part, or {@code multipart/byteranges} when there are several.
     *
     * @param ranges satisfiable, disjoint and not adjacent, in the request's order; never empty
     */
    public record Ranges(List<ByteRange> ranges) implements Result {

        /** Copies, and refuses an empty list. */
        public Ranges {
            ranges = List.copyOf(ranges);
            if (ranges.isEmpty()) {
                throw new IllegalArgumentException("ranges: none (expected: at least one)");
            }
        }
    }

    /** Answer 416 with {@code Content-Range: } {@link #unsatisfiedRange}. */
    public record Unsatisfiable() implements Result {
    }

    /** @param why answer as without a {@code Range} header (200, whole representation); this says why, for the log */
    public record Ignored(String why) implements Result {
    }

    private RangeRequest() {
    }

    /**
     * Reads a {@code Range} header; see the class documentation for the outcomes.
     *
     * @param rangeHeader          the field value; null is {@link Ignored}
     * @param representationLength the selected representation's length in bytes
     * @param maxRanges            the most ranges a request may list (before coalescing); keep it
     *                             small, such as 16: it bounds the work and the number of parts
     * @throws IllegalArgumentException for a negative length or a {@code maxRanges} below 1
     */
    public static Result parse(String rangeHeader, long representationLength, int maxRanges) {
        if (representationLength < 0 || maxRanges < 1) {
            throw new IllegalArgumentException("length " + representationLength + ", maxRanges " + maxRanges
                    + " (expected: length >= 0, maxRanges >= 1)");
        }
        if (rangeHeader == null) {
            return new Ignored("no Range header");
        }
        if (rangeHeader.length() > MAX_HEADER_LENGTH) {
            return new Ignored("Range header longer than " + MAX_HEADER_LENGTH + " characters");
        }
        String s = HttpSyntax.trimOws(rangeHeader);
        int eq = s.indexOf('=');
        if (eq < 0 || !HttpSyntax.isToken(s.substring(0, eq))) {
            return new Ignored("not a ranges-specifier");
        }
        if (!s.substring(0, eq).equalsIgnoreCase("bytes")) {
            return new Ignored("range unit other than bytes");
        }
        List<ByteRange> satisfiable = new ArrayList<>();
        int count = 0;
        int i = eq + 1;
        while (i < s.length()) {
            if (s.charAt(i) == ',') {                      // an empty list element
                i = HttpSyntax.skipOws(s, i + 1);
                continue;
            }
            int comma = s.indexOf(',', i);
            int end = comma < 0 ? s.length() : comma;
            if (++count > maxRanges) {
                return new Ignored("more than " + maxRanges + " ranges");
            }
            // OWS may precede the comma but not follow '=': only trailing whitespace is trimmed.
            String problem = read(trimTrailingOws(s, i, end), representationLength, satisfiable);
            if (problem != null) {
                return new Ignored(problem);
            }
            i = end;
        }
        if (count == 0) {
            return new Ignored("no range in the ranges-specifier");
        }
        if (satisfiable.isEmpty()) {
            return new Unsatisfiable();
        }
        String abuse = RangeSets.abuse(satisfiable, representationLength);
        return abuse != null ? new Ignored(abuse) : new Ranges(RangeSets.coalesce(satisfiable));
    }

    /**
     * {@code Content-Range} of a 206 part: {@code bytes 0-99/1000}.
     *
     * @throws IllegalArgumentException when the range does not lie within {@code length}
     */
    public static String contentRange(ByteRange r, long length) {
        if (r.last() >= length) {
            throw new IllegalArgumentException("range " + r.first() + "-" + r.last() + " past length " + length);
        }
        return "bytes " + r.first() + '-' + r.last() + '/' + length;
    }

    /** {@code Content-Range} of a 416: {@code bytes *}{@code /1000} (RFC 9110 §14.4). */
    public static String unsatisfiedRange(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
        }
        return "bytes */" + length;
    }

    /**
     * Reads one range-spec, adding it to {@code out} clamped when it is satisfiable.
     *
     * @return a syntax problem, or null
     */
    private static String read(String spec, long length, List<ByteRange> out) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return "range without '-'";
        }
        if (dash == 0) {                                   // suffix-range = "-" suffix-length
            long suffix = number(spec, 1, spec.length());
            if (suffix < 0) {
                return suffix == OVERFLOW ? "number too large" : "invalid suffix range";
            }
            if (suffix > 0 && length > 0) {
                out.add(new ByteRange(Math.max(0, length - suffix), length - 1));
            }
            return null;
        }
        long first = number(spec, 0, dash);                // int-range = first-pos "-" [ last-pos ]
        long last = dash == spec.length() - 1 ? Long.MAX_VALUE : number(spec, dash + 1, spec.length());
        if (first < 0 || last < 0) {
            return first == OVERFLOW || last == OVERFLOW ? "number too large" : "invalid range";
        }
        if (last < first) {
            return "range's last position before its first";
        }
        if (first < length) {
            out.add(new ByteRange(first, Math.min(last, length - 1)));
        }
        return null;
    }

    private static String trimTrailingOws(String s, int from, int to) {
        while (to > from && HttpSyntax.isOws(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static final long INVALID = -1;
    private static final long OVERFLOW = -2;

    /** {@code 1*DIGIT} between {@code from} and {@code to}, or {@link #INVALID}, or {@link #OVERFLOW}. */
    private static long number(String s, int from, int to) {
        if (from >= to) {
            return INVALID;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!HttpSyntax.isDigit(c)) {
                return INVALID;
            }
            int d = c - '0';
            if (n > (Long.MAX_VALUE - d) / 10) {
                return OVERFLOW;
            }
            n = n * 10 + d;
        }
        return n;
    }
}
