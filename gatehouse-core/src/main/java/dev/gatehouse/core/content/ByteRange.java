package dev.gatehouse.core.content;

/**
 * A satisfiable byte range of a representation: the positions of its first and last byte, both
 * included, as in {@code Content-Range: bytes first-last/length} (RFC 9110 §14.4).
 *
 * @param first the offset of the first byte, {@code >= 0}
 * @param last  the offset of the last byte, {@code >= first} and below {@code Long.MAX_VALUE}
 *              (so that {@link #length()} cannot overflow)
 */
public record ByteRange(long first, long last) {

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException when the range is empty, negative or open at the top
     */
    public ByteRange {
        if (first < 0 || last < first || last == Long.MAX_VALUE) {
            throw new IllegalArgumentException("byte range: " + first + "-" + last + " (expected: 0 <= first <= last < 2^63-1)");
        }
    }

    /** The number of bytes, at least 1. */
    public long length() {
        return last - first + 1;
    }
}
