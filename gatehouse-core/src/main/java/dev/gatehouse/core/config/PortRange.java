package dev.gatehouse.core.config;

/**
 * An inclusive range of TCP ports that a supervised app's instances take their ports from.
 *
 * @param from the first port, 1-65535
 * @param to   the last port, {@code from}-65535
 */
public record PortRange(int from, int to) {

    /** Validates the bounds. */
    public PortRange {
        if (from < 1 || from > 65535) {
            throw new IllegalArgumentException("from: " + from + " (expected: 1-65535)");
        }
        if (to < from || to > 65535) {
            throw new IllegalArgumentException("to: " + to + " (expected: " + from + "-65535, not below from)");
        }
    }

    /** How many ports the range holds. */
    public int size() {
        return to - from + 1;
    }

    /** Whether the range holds {@code port}. */
    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    /** Formats as {@code 8001-8099}. */
    @Override
    public String toString() {
        return from + "-" + to;
    }
}
