package dev.gatehouse.core.admission;

import dev.gatehouse.core.config.AdaptiveConfig;

/**
 * A limit learned by additive increase, multiplicative decrease, in the spirit of Netflix
 * concurrency-limits' {@code AIMDLimit} with a latency signal in place of an explicit drop.
 *
 * <p>The no-load latency ({@code minRtt}) is the smallest successful latency seen over the last
 * one to two {@link #WINDOW_NANOS windows}: samples go into the current window's minimum, and when
 * a window ends its minimum becomes the previous one. A backend that became slower for good is so
 * re-baselined within two windows, while a short burst of queueing cannot raise the baseline.
 *
 * <p>Per sample:
 * <ul>
 *   <li>{@link Outcome#DROPPED}, or a success without latency: ignored.</li>
 *   <li>{@link Outcome#FAILURE}, or a latency above both {@link #TOLERANCE} times {@code minRtt}
 *       and {@code minRtt} plus {@link #MARGIN_NANOS}:
 *       {@code limit = max(min, floor(limit * BACKOFF))}; at most once per generation of requests:
 *       a request that got its slot before the last decrease does not decrease again (it ran under
 *       the old limit, which that decrease already corrected; as TCP halves once per window).</li>
 *   <li>Otherwise, when the backend was in demand (the request found at least half the limit in
 *       use, itself included): {@code limit += 1 / limit}, so a fully used backend grows by about
 *       one slot per round trip of its whole limit (TCP congestion avoidance). An idle backend
 *       does not grow: low latency at low use says nothing about more concurrency.</li>
 * </ul>
 * The limit stays within [{@code min}, {@code max}] of the configuration.
 */
final class AimdLimit implements Limit {

    /**
     * A latency up to this multiple of the no-load latency is not a sign of overload. 1.5, so that
     * a sync worker's second request, which waits for the first and takes twice the no-load
     * latency, counts as queueing (with 2.0 it did not, and the limit never held at one).
     */
    static final double TOLERANCE = 1.5;
    /**
     * Nor is a latency within this much of the no-load latency: a backend that answers in a tenth
     * of a millisecond varies by more than its own latency from one request to the next, and a
     * multiple alone read that jitter as overload and cut an async backend's limit to one.
     */
    static final long MARGIN_NANOS = 2_000_000L;
    /** The factor of a decrease. */
    static final double BACKOFF = 0.9;
    /** The length of one window of the no-load latency minimum: 60 s. */
    static final long WINDOW_NANOS = 60_000_000_000L;

    private final int min;
    private final int max;
    private double limit;
    private long windowStartNanos;
    private boolean windowStarted;
    private long windowMin = Long.MAX_VALUE;
    private long previousWindowMin = Long.MAX_VALUE;
    private long lastDecreaseNanos = Long.MIN_VALUE;

    AimdLimit(AdaptiveConfig config) {
        this.min = config.min();
        this.max = config.max();
        this.limit = config.initial();
    }

    @Override
    public int current() {
        return (int) limit;
    }

    @Override
    public void onSample(long latencyNanos, Outcome outcome, int inFlightAtStart, long startNanos, long nowNanos) {
        switch (outcome) {
            case DROPPED -> {
                // Says nothing about the backend.
            }
            case FAILURE -> decrease(startNanos, nowNanos);
            case SUCCESS -> {
                if (latencyNanos >= 0) {
                    success(latencyNanos, inFlightAtStart, startNanos, nowNanos);
                }
            }
        }
    }

    /** The no-load latency now, or -1 before the first sample. */
    long minRttNanos() {
        long m = Math.min(windowMin, previousWindowMin);
        return m == Long.MAX_VALUE ? -1 : m;
    }

    private void success(long latencyNanos, int inFlightAtStart, long startNanos, long nowNanos) {
        roll(nowNanos);
        windowMin = Math.min(windowMin, latencyNanos);
        long minRtt = minRttNanos();
        if (latencyNanos > Math.max(TOLERANCE * minRtt, minRtt + MARGIN_NANOS)) {
            decrease(startNanos, nowNanos);
        } else if (inFlightAtStart * 2 >= current()) {
            limit = Math.min(max, limit + 1.0 / current());
        }
    }

    private void decrease(long startNanos, long nowNanos) {
        if (startNanos < lastDecreaseNanos) {
            return;
        }
        limit = Math.max(min, Math.floor(limit * BACKOFF));
        lastDecreaseNanos = nowNanos;
    }

    private void roll(long nowNanos) {
        if (!windowStarted) {
            windowStarted = true;
            windowStartNanos = nowNanos;
            return;
        }
        long elapsed = nowNanos - windowStartNanos;
        if (elapsed >= 2 * WINDOW_NANOS) {
            previousWindowMin = Long.MAX_VALUE;
            windowMin = Long.MAX_VALUE;
            windowStartNanos = nowNanos;
        } else if (elapsed >= WINDOW_NANOS) {
            previousWindowMin = windowMin;
            windowMin = Long.MAX_VALUE;
            windowStartNanos += WINDOW_NANOS;
        }
    }
}
