package dev.gatehouse.core.content;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The checks {@link RangeRequest} runs on the satisfiable ranges of a request: whether they look
 * like an attack, and their coalescing into the parts to send.
 */
final class RangeSets {

    private RangeSets() {
    }

    /**
     * Why a list of satisfiable ranges is refused as a denial-of-service pattern (RFC 9110 §14.2,
     * §17.15), or null when it is fine. Two rules:
     * <ul>
     *   <li>the ranges add up to more than twice the representation's length: asking for the file
     *       many times over (such as {@code bytes=0-,0-,0-}) multiplies the bytes sent per request;</li>
     *   <li>taken in order of their first byte, more than one range starts inside the bytes of the
     *       ranges before it: §14.2 names "more than two overlapping ranges" as a sign of a broken
     *       client or an attack, and many small overlapping ranges cost a part header each.</li>
     * </ul>
     * Many small disjoint ranges are bounded by the caller's {@code maxRanges} instead.
     */
    static String abuse(List<ByteRange> ranges, long length) {
        long budget = length > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * length;
        long total = 0;
        for (ByteRange r : ranges) {
            if (r.length() > budget - total) {             // total + length > budget, without overflow
                return "ranges add up to more than twice the representation";
            }
            total += r.length();
        }
        ByteRange[] sorted = ranges.toArray(ByteRange[]::new);
        Arrays.sort(sorted, Comparator.comparingLong(ByteRange::first));
        int overlaps = 0;
        long reach = -1;                                   // the last byte covered by the ranges so far
        for (ByteRange r : sorted) {
            if (r.first() <= reach && ++overlaps > 1) {
                return "more than two overlapping ranges";
            }
            reach = Math.max(reach, r.last());
        }
        return null;
    }

    /**
     * Merges ranges that overlap or touch ({@code 0-9} and {@code 10-19} are one part {@code 0-19}),
     * as RFC 9110 §14.2 allows, so that no byte is sent twice and no part boundary splits what is
     * contiguous. The merged range takes the place of the earliest range it absorbs: parts keep the
     * order of the request (§14.6 asks for it), less the ranges coalesced away. Ranges separated by
     * a gap stay apart, however small the gap.
     *
     * @return disjoint, non-adjacent ranges
     */
    static List<ByteRange> coalesce(List<ByteRange> ranges) {
        List<ByteRange> out = new ArrayList<>(ranges.size());
        for (ByteRange r : ranges) {
            long first = r.first();
            long last = r.last();
            int at = -1;
            // The kept ranges are pairwise apart, so the ones r touches, and r, form one interval.
            for (int k = 0; k < out.size(); k++) {
                ByteRange o = out.get(k);
                if (o.first() <= last + 1 && first <= o.last() + 1) {
                    first = Math.min(first, o.first());
                    last = Math.max(last, o.last());
                    if (at < 0) {
                        at = k;
                    } else {
                        out.remove(k--);
                    }
                }
            }
            if (at < 0) {
                out.add(r);
            } else {
                out.set(at, new ByteRange(first, last));
            }
        }
        return out;
    }
}
