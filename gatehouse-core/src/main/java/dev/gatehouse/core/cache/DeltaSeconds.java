package dev.gatehouse.core.cache;

/**
 * {@code delta-seconds} (RFC 9111 §1.2.2): a non-negative count of seconds, written in decimal
 * digits only. A value too big to hold, or a calculation that overflows, is taken as
 * {@link #MAX} (2<sup>31</sup>), as that section requires; every time span this package computes
 * from received values is kept within {@code [0, MAX]} the same way.
 */
final class DeltaSeconds {

    /** 2<sup>31</sup>: the value a cache must use for any delta-seconds too large to represent. */
    static final long MAX = 2147483648L;

    /** What {@link #parse} returns for a value that is not delta-seconds. */
    static final long INVALID = -1;

    private DeltaSeconds() {
    }

    /**
     * The seconds {@code s} holds: one or more ASCII digits, nothing else (no sign, no space, no
     * fraction), clamped to {@link #MAX}; {@link #INVALID} otherwise, including for null.
     */
    static long parse(String s) {
        if (s == null || s.isEmpty()) {
            return INVALID;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return INVALID;
            }
            // Past MAX the digits still have to be checked, but the value stays MAX.
            if (value < MAX) {
                value = Math.min(MAX, value * 10 + (c - '0'));
            }
        }
        return value;
    }

    /** {@code seconds} kept within {@code [0, MAX]}. */
    static long clamp(long seconds) {
        return Math.max(0, Math.min(MAX, seconds));
    }

    /**
     * The seconds from {@code from} to {@code to}, within {@code [0, MAX]}: 0 when {@code to} is not
     * later (a clock that went backwards), {@link #MAX} when the difference overflows.
     */
    static long between(long from, long to) {
        if (to <= from) {
            return 0;
        }
        long d = to - from;
        return d < 0 ? MAX : Math.min(d, MAX);
    }

    /** {@code a + b} for non-negative spans, saturating at {@link #MAX}. */
    static long add(long a, long b) {
        return clamp(Math.min(MAX, a) + Math.min(MAX, b));
    }
}
