package dev.gatehouse.core.trace;

import java.util.random.RandomGenerator;

/**
 * A W3C {@code traceparent} value (Trace Context Level 1, §3.2): version, 16-byte trace-id, 8-byte
 * parent-id and trace-flags, always held as the 55-character version-{@code 00} text that is sent
 * on. Immutable and thread-safe.
 *
 * <p>Parsing is strict, as §3.2.2 asks: lowercase hex only, exact lengths and dashes, neither id all
 * zeros, version {@code ff} refused, and a version-{@code 00} value of exactly 55 characters. A
 * higher version is read as §3.2.4 says (its first 55 characters as version {@code 00}, followed by
 * the end or a dash; nothing after them is looked at) and downgraded to version {@code 00}, keeping
 * only the {@code sampled} flag. A version-{@code 00} value is kept as the very string received, so
 * passing one on allocates nothing but this object; the ids are cut out only when asked for.
 */
public final class TraceParent {

    /** Characters of a version-{@code 00} value: {@code 00-<32 hex>-<16 hex>-<2 hex>}. */
    public static final int LENGTH = 55;
    /** The trace-flags bit for "the caller may have recorded trace data". */
    public static final int SAMPLED = 0x01;

    private static final int TRACE_ID = 3;
    private static final int PARENT_ID = 36;
    private static final int FLAGS = 53;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String value;
    private final boolean started;

    private TraceParent(String value, boolean started) {
        this.value = value;
        this.started = started;
    }

    /**
     * Reads one {@code traceparent} field value.
     *
     * @param text the value as received (the caller refuses a repeated field before: two
     *             {@code traceparent} fields make the trace invalid), or null
     * @return the trace context to pass on, or null when {@code text} is absent or invalid (the
     *         caller then starts a trace of its own)
     */
    public static TraceParent parse(String text) {
        if (text == null || text.length() < LENGTH) {
            return null;
        }
        int version = hexByte(text, 0);
        if (version < 0 || version == 0xff || text.charAt(2) != '-') {
            return null;
        }
        if (version == 0 ? text.length() != LENGTH : text.length() > LENGTH && text.charAt(LENGTH) != '-') {
            return null;
        }
        if (!id(text, TRACE_ID, 32) || text.charAt(PARENT_ID - 1) != '-' || !id(text, PARENT_ID, 16)
                || text.charAt(FLAGS - 1) != '-') {
            return null;
        }
        int flags = hexByte(text, FLAGS);
        if (flags < 0) {
            return null;
        }
        if (version == 0) {
            return new TraceParent(text, false);
        }
        // A later version: only its first fields are understood, and what is sent is what this
        // version of the spec can say about them (§3.2.4, "Downgrade the version").
        return new TraceParent("00" + text.substring(2, FLAGS) + ((flags & SAMPLED) != 0 ? "01" : "00"), false);
    }

    /**
     * Starts a trace: a random trace-id and parent-id (never all zeros), version {@code 00}.
     *
     * @param random  a fast source; ids need to be unique, not secret
     * @param sampled whether to set the {@code sampled} flag (trace-flags {@code 01}, else {@code 00})
     */
    public static TraceParent start(RandomGenerator random, boolean sampled) {
        long high;
        long low;
        do {
            high = random.nextLong();
            low = random.nextLong();
        } while (high == 0 && low == 0);
        long parent;
        do {
            parent = random.nextLong();
        } while (parent == 0);
        char[] out = new char[LENGTH];
        out[0] = '0';
        out[1] = '0';
        out[2] = '-';
        hex(high, out, TRACE_ID);
        hex(low, out, TRACE_ID + 16);
        out[PARENT_ID - 1] = '-';
        hex(parent, out, PARENT_ID);
        out[FLAGS - 1] = '-';
        out[FLAGS] = '0';
        out[FLAGS + 1] = sampled ? '1' : '0';
        return new TraceParent(new String(out), true);
    }

    /**
     * A traceparent from checked parts (a tracer's own span context).
     *
     * @param traceId  32 lowercase hex digits, not all zero
     * @param parentId 16 lowercase hex digits, not all zero
     * @param started  whether the node started this trace (then no {@code tracestate} goes with it)
     * @throws IllegalArgumentException when an id is not valid
     */
    public static TraceParent of(String traceId, String parentId, boolean sampled, boolean started) {
        TraceParent t = parse("00-" + traceId + "-" + parentId + (sampled ? "-01" : "-00"));
        if (t == null) {
            throw new IllegalArgumentException("trace id " + traceId + ", parent id " + parentId
                    + " (expected: 32 and 16 lowercase hex digits, not all zero)");
        }
        return new TraceParent(t.value(), started);
    }

    /** The value to send on: 55 characters, version {@code 00}. */
    public String value() {
        return value;
    }

    /** The trace-id: 32 lowercase hex digits. */
    public String traceId() {
        return value.substring(TRACE_ID, TRACE_ID + 32);
    }

    /** The parent-id: 16 lowercase hex digits. */
    public String parentId() {
        return value.substring(PARENT_ID, PARENT_ID + 16);
    }

    /** The trace-flags, 0 to 255. */
    public int flags() {
        return hexByte(value, FLAGS);
    }

    /** Whether the {@code sampled} flag is set. */
    public boolean sampled() {
        return (flags() & SAMPLED) != 0;
    }

    /**
     * Whether this trace was started here ({@link #start}) rather than received: a started trace has
     * no {@code tracestate} (§3.3: it belongs to the caller's trace, which was absent or invalid).
     */
    public boolean started() {
        return started;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraceParent t && t.value.equals(value) && t.started == started;
    }

    @Override
    public int hashCode() {
        return value.hashCode() * 31 + (started ? 1 : 0);
    }

    @Override
    public String toString() {
        return value;
    }

    /** {@code n} lowercase hex digits from {@code at}, not all zeros (§3.2.2.3, §3.2.2.4). */
    private static boolean id(String s, int at, int n) {
        boolean nonZero = false;
        for (int i = at; i < at + n; i++) {
            int d = digit(s.charAt(i));
            if (d < 0) {
                return false;
            }
            nonZero |= d != 0;
        }
        return nonZero;
    }

    /** Two lowercase hex digits at {@code at} as a byte, or -1. */
    private static int hexByte(String s, int at) {
        int high = digit(s.charAt(at));
        int low = digit(s.charAt(at + 1));
        return high < 0 || low < 0 ? -1 : high << 4 | low;
    }

    /** A lowercase hex digit's value, or -1: {@code HEXDIGLC} has no uppercase. */
    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }

    private static void hex(long v, char[] out, int at) {
        for (int i = at + 15; i >= at; i--) {
            out[i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }
}
