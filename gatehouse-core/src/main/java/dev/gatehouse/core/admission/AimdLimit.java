package dev.gatehouse.core.admission;

import dev.gatehouse.core.config.AdaptiveConfig;

/**
 * A limit learned by additive increase, multiplicative decrease, in the spirit of Netflix
 * concurrency-limits' {@code AIMDLimit} with a latency signal in place of an explicit drop, and a
 * memory of where the backend last queued so that a sync worker is not probed on every request.
 *
 * <p><b>The signal.</b> A sample's <em>excess</em> is its latency minus its route's no-load
 * latency (the route's baseline, learned across the pool by the slow lane; 0 without a slow lane,
 * so the excess is the latency itself). The backend's own floor is the smallest excess seen over
 * the last one to two {@link #WINDOW_NANOS windows}, so a backend that is slower than the others
 * for every route (a slower machine) is judged against itself, a backend that became slower for
 * good is re-baselined within two windows, and a short burst of queueing cannot raise the floor.
 * A sample is <em>queued</em> when its excess is above the floor by more than both
 * {@code (TOLERANCE - 1)} times its expected latency ({@code baseline + floor}) and
 * {@link #MARGIN_NANOS}. Measuring against the route makes a 500 ms report a normal sample on an
 * async backend and a 5 ms page that waited 500 ms behind it a queued one; with one latency floor
 * for all routes, every slow route read as overload and cut an async backend's limit to 1.
 *
 * <p>Per sample:
 * <ul>
 *   <li>{@link Outcome#DROPPED}, or a success without latency: ignored.</li>
 *   <li>{@link Outcome#FAILURE}, or a queued success:
 *       {@code limit = max(min, floor(limit * BACKOFF))}, at most once per generation of requests:
 *       a request that got its slot before the last decrease does not decrease again (it ran under
 *       the old limit, which that decrease already corrected; as TCP halves once per window). The
 *       limit it was cut from becomes the <em>ceiling</em>.</li>
 *   <li>Otherwise, when the backend was in demand (the request found at least half the limit in
 *       use, itself included): {@code limit += 1 / limit} (TCP congestion avoidance), except that
 *       reaching the ceiling again is a <em>probe</em>, allowed only a probe interval after the
 *       decrease. The interval starts at {@link #PROBE_BASE_NANOS} and doubles with each probe up to
 *       {@link #PROBE_MAX_NANOS}; once as many requests as the ceiling ran clean with the ceiling
 *       in use, the ceiling is forgotten and the interval starts again. A sync worker so holds at
 *       its one slot, paying one queued request per probe interval, instead of one of every two
 *       requests (a probe after each success at limit 1 sent every other request behind a busy
 *       worker, perhaps behind a 500 ms one); an async backend clears its ceiling with the first
 *       clean probe and grows on.</li>
 * </ul>
 * The limit stays within [{@code min}, {@code max}] of the configuration.
 */
final class AimdLimit implements Limit {

    /**
     * A latency up to this multiple of the expected latency is not a sign of queueing. 1.5, so
     * that a sync worker's second request, which waits for the first and takes twice the no-load
     * latency, counts as queueing (with 2.0 it did not, and the limit never held at one).
     */
    static final double TOLERANCE = 1.5;
    /**
     * Nor is an excess within this much of the floor: a backend that answers in a tenth of a
     * millisecond varies by more than its own latency from one request to the next, and a multiple
     * alone read that jitter as overload and cut an async backend's limit to one.
     */
    static final long MARGIN_NANOS = 2_000_000L;
    /** The factor of a decrease. */
    static final double BACKOFF = 0.9;
    /** The length of one window of the floor's minimum: 60 s. */
    static final long WINDOW_NANOS = 60_000_000_000L;
    /** The first wait before growing to the ceiling again: 500 ms. */
    static final long PROBE_BASE_NANOS = 500_000_000L;
    /** The longest wait between probes of the ceiling: 30 s. */
    static final long PROBE_MAX_NANOS = 30_000_000_000L;

    private final int min;
    private final int max;
    private double limit;
    private long windowStartNanos;
    private boolean windowStarted;
    private long windowMin = Long.MAX_VALUE;
    private long previousWindowMin = Long.MAX_VALUE;
    private long lastDecreaseNanos = Long.MIN_VALUE;
    /** The limit the last decrease cut, while the backend has not shown it can hold it; 0 for none. */
    private int ceiling;
    private int cleanAtCeiling;
    private long probeIntervalNanos = PROBE_BASE_NANOS;
    private long nextProbeNanos;

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
    public void onSample(long latencyNanos, long baselineNanos, Outcome outcome, int inFlightAtStart,
                         long startNanos, long nowNanos) {
        switch (outcome) {
            case DROPPED -> {
                // Says nothing about the backend.
            }
            case FAILURE -> decrease(startNanos, nowNanos);
            case SUCCESS -> {
                if (latencyNanos >= 0) {
                    success(latencyNanos, Math.max(0, baselineNanos), inFlightAtStart, startNanos, nowNanos);
                }
            }
        }
    }

    /** The backend's floor (smallest excess over the route baselines) now, or -1 before the first sample. */
    long minRttNanos() {
        long m = Math.min(windowMin, previousWindowMin);
        return m == Long.MAX_VALUE ? -1 : m;
    }

    /** The limit where the backend last queued and has not shown it can hold, or 0 (for tests). */
    int ceiling() {
        return ceiling;
    }

    private void success(long latencyNanos, long baselineNanos, int inFlightAtStart, long startNanos, long nowNanos) {
        roll(nowNanos);
        long excess = Math.max(0, latencyNanos - baselineNanos);
        windowMin = Math.min(windowMin, excess);
        long floor = minRttNanos();
        long allowed = Math.max((long) ((TOLERANCE - 1) * (baselineNanos + floor)), MARGIN_NANOS);
        if (excess - floor > allowed) {
            decrease(startNanos, nowNanos);
        } else if (inFlightAtStart * 2 >= current()) {
            grow(inFlightAtStart, nowNanos);
        }
    }

    private void grow(int inFlightAtStart, long nowNanos) {
        if (ceiling > 0 && inFlightAtStart >= ceiling && ++cleanAtCeiling >= ceiling) {
            ceiling = 0;
            probeIntervalNanos = PROBE_BASE_NANOS;
        }
        double next = Math.min(max, limit + 1.0 / current());
        if (ceiling > 0 && current() < ceiling && (int) next >= ceiling) {
            if (nowNanos < nextProbeNanos) {
                return;
            }
            probeIntervalNanos = Math.min(PROBE_MAX_NANOS, probeIntervalNanos * 2);
            cleanAtCeiling = 0;
        }
        limit = next;
    }

    private void decrease(long startNanos, long nowNanos) {
        if (startNanos < lastDecreaseNanos) {
            return;
        }
        int before = current();
        limit = Math.max(min, Math.floor(limit * BACKOFF));
        lastDecreaseNanos = nowNanos;
        if (current() < before) {
            ceiling = before;
            cleanAtCeiling = 0;
            nextProbeNanos = nowNanos + probeIntervalNanos;
        }
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
