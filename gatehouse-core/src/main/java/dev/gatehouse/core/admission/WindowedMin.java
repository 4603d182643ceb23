package dev.gatehouse.core.admission;

/**
 * The smallest value seen over the last one to two windows of {@link AimdLimit#WINDOW_NANOS}:
 * values go into the current window's minimum, and when a window ends its minimum becomes the
 * previous one. A level that rose for good is so forgotten within two windows, while a short
 * burst of high values cannot raise the minimum. Used for a backend's latency floor
 * ({@link AimdLimit}) and a route's baseline ({@link SlowLane}). Not thread-safe: guarded by the
 * pool's lock.
 */
final class WindowedMin {

    private long windowStartNanos;
    private boolean started;
    private long current = Long.MAX_VALUE;
    private long previous = Long.MAX_VALUE;

    /** Adds a value seen at {@code nowNanos}. */
    void add(long value, long nowNanos) {
        roll(nowNanos);
        current = Math.min(current, value);
    }

    /** The minimum over the last one to two windows, or -1 before the first value. */
    long min() {
        long m = Math.min(current, previous);
        return m == Long.MAX_VALUE ? -1 : m;
    }

    private void roll(long nowNanos) {
        if (!started) {
            started = true;
            windowStartNanos = nowNanos;
            return;
        }
        long elapsed = nowNanos - windowStartNanos;
        if (elapsed >= 2 * AimdLimit.WINDOW_NANOS) {
            previous = Long.MAX_VALUE;
            current = Long.MAX_VALUE;
            windowStartNanos = nowNanos;
        } else if (elapsed >= AimdLimit.WINDOW_NANOS) {
            previous = current;
            current = Long.MAX_VALUE;
            windowStartNanos += AimdLimit.WINDOW_NANOS;
        }
    }
}
