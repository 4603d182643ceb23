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
 * {@code (TOLERANCE - 1)} times its expected latency ({@code baseline + floor}) and a margin of
 * {@link #MARGIN_NANOS}, or {@link #MARGIN_PER_SLOT_NANOS} per slot of the limit when more.
 * Measuring against the route makes a 500 ms report a normal sample on an
 * async backend and a 5 ms page that waited 500 ms behind it a queued one; with one latency floor
 * for all routes, every slow route read as overload and cut an async backend's limit to 1. Two
 * samples are never queued: one that had the backend to itself (of this node's requests), and
 * one that finished less than half its expected latency after the sample before it (a pause of
 * the proxy's own delays every response in flight and releases them together; a request that
 * waited behind another at a serial backend finishes its own service time after it).
 *
 * <p>Per sample:
 * <ul>
 *   <li>{@link Outcome#DROPPED}, or a success without latency: ignored.</li>
 *   <li>{@link Outcome#FAILURE}, or a queued success while queued ones are at least
 *       {@link #QUEUED_SHARE} of the recent samples:
 *       {@code limit = max(min, floor(limit * BACKOFF))}, at most once per generation of requests:
 *       a request that got its slot before the last decrease does not decrease again (it ran under
 *       the old limit, which that decrease already corrected; as TCP halves once per window). The
 *       limit it was cut from becomes the <em>ceiling</em>.</li>
 *   <li>Otherwise, a success that found every slot in use (itself included; above
 *       {@link #TOP_SLOT_UP_TO} slots, half of them) is clean; after {@link #CLEAN_PER_SLOT}
 *       clean successes in a row, {@code limit += 1}. Only a sample that used the top slot says
 *       the top slot is safe, and one clean sample says little: a sync
 *       worker's second request waits for the rest of the first, which is short enough to pass
 *       for clean about half the time (measured: growing on each clean sample, as TCP's
 *       {@code 1 / limit} per acknowledgement does, let the limit climb to 3 and 4 on sync workers
 *       and queue fast requests behind slow ones); ten in a row is a chance in a thousand. An
 *       async backend under load gives ten clean samples per slot within milliseconds. Reaching
 *       the ceiling again is a <em>probe</em>, allowed only a probe interval after the decrease.
 *       The interval starts at {@link #PROBE_BASE_NANOS} and doubles with each probe up to
 *       {@link #PROBE_MAX_NANOS}; once {@link #CLEAN_PER_SLOT} times as many requests as the
 *       ceiling ran clean in a row with the ceiling in use, the ceiling is forgotten and the
 *       interval starts again. The pool keeps slow requests out of a probe's slot, and fast ones
 *       out of it while the backend holds a slow one ({@link Limit#proven()}), so that a probe of
 *       a sync worker costs one fast request a few milliseconds, not half a second.</li>
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
    /**
     * A queued sample decreases the limit only while queued samples are at least this share of
     * the recent ones (an average over about one limit's worth of samples). At a limit of ten or
     * less one queued sample is enough, as a sync worker's probe needs; at 64, on a fast async
     * backend whose p99 is a few milliseconds only because the proxy's own core is busy, the odd
     * slow sample no longer cuts the limit every round trip (measured: 0.6x the throughput of no
     * limit at 64 connections when every queued sample counted).
     */
    static final double QUEUED_SHARE = 0.1;
    /**
     * The margin grows with the limit, this much per slot: the more requests a backend holds, the
     * less one slot matters, and the more its measured latency varies for reasons not its own (a
     * pause of the proxy's garbage collector or scheduler delays every request in flight at once).
     * Measured on one fast async backend at 64 connections with a fixed 2 ms margin: the learned
     * limit swung between 6 and 29 and the pool served 0.63x the throughput of no limit. At one or
     * two slots, where a sync worker must be told from an async backend, the margin stays 2 ms.
     */
    static final long MARGIN_PER_SLOT_NANOS = 1_000_000L;
    /** The factor of a decrease. */
    static final double BACKOFF = 0.9;
    /** The length of one window of the floor's minimum: 60 s. */
    static final long WINDOW_NANOS = 60_000_000_000L;
    /** The first wait before growing to the ceiling again: 500 ms. */
    static final long PROBE_BASE_NANOS = 500_000_000L;
    /** The longest wait between probes of the ceiling: 30 s. */
    static final long PROBE_MAX_NANOS = 30_000_000_000L;
    /**
     * Up to this limit, only a sample that used the top slot counts towards growth; above it, one
     * that found half the slots in use does. Sync workers live at one or two slots, where the
     * strict rule keeps them; an async backend that passed four grows to about twice the
     * concurrency it is asked for, so that a cut of a tenth (a pause of the proxy's own) does not
     * make requests queue (measured: with the strict rule everywhere, a limit that sat at
     * exactly the 64 connections of the benchmark queued a third of the requests after each cut).
     */
    static final int TOP_SLOT_UP_TO = 4;
    /**
     * Clean samples in a row before the limit grows by one slot, and per slot of the ceiling before
     * the ceiling is forgotten (see the class notes for why ten).
     */
    static final int CLEAN_PER_SLOT = 10;

    private final int min;
    private final int max;
    private int limit;
    /** The backend's floor: the smallest excess over the route baselines, windowed. */
    private final WindowedMin excessFloor = new WindowedMin();
    private long lastDecreaseNanos = Long.MIN_VALUE;
    /** The limit the last decrease cut, while the backend has not shown it can hold it; 0 for none. */
    private int ceiling;
    private int cleanAtCeiling;
    private long probeIntervalNanos = PROBE_BASE_NANOS;
    private long nextProbeNanos;
    /** The backend queued at least once: before that, its top slot counts as a probe. */
    private boolean congested;
    /** Clean samples in a row that found every slot in use. */
    private int streak;
    /** The share of queued samples among the recent ones, weighted 1 / limit per sample. */
    private double queuedShare;
    /** When the last successful sample finished. */
    private long lastCompletionNanos = Long.MIN_VALUE / 2;

    AimdLimit(AdaptiveConfig config) {
        this.min = config.min();
        this.max = config.max();
        this.limit = config.initial();
    }

    @Override
    public int current() {
        return limit;
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
        return excessFloor.min();
    }

    /** The limit where the backend last queued and has not shown it can hold, or 0 (for tests). */
    int ceiling() {
        return ceiling;
    }

    @Override
    public int proven() {
        int c = current();
        if (ceiling > 0) {
            return Math.max(1, Math.min(c, ceiling - 1));
        }
        // In slow start the top slot has not been used yet: it is a probe too.
        return congested ? c : Math.max(1, c - 1);
    }

    private void success(long latencyNanos, long baselineNanos, int inFlightAtStart, long startNanos, long nowNanos) {
        long excess = Math.max(0, latencyNanos - baselineNanos);
        excessFloor.add(excess, nowNanos);
        long floor = minRttNanos();
        long margin = Math.max(MARGIN_NANOS, current() * MARGIN_PER_SLOT_NANOS);
        long allowed = Math.max((long) ((TOLERANCE - 1) * (baselineNanos + floor)), margin);
        // A request that had the backend to itself (of this node's requests) queued behind none
        // of them: its latency, however high, says nothing about this limit. At a limit of one on
        // a cold proxy such samples held the limit at one for seconds.
        // And a request that finished right after the one before it was delayed with it, not behind
        // it: a pause of the proxy's own (its garbage collector, its scheduler, a cold JIT) holds
        // back every response in flight and lets them through in one batch, microseconds apart,
        // while a request that waited behind another at a serial backend finishes at least its own
        // service time after it. Without this, a cold proxy's pauses held an async backend's limit
        // at one or two for seconds.
        long gap = nowNanos - lastCompletionNanos;
        lastCompletionNanos = nowNanos;
        boolean queued = inFlightAtStart > 1 && excess - floor > allowed && gap * 2 >= baselineNanos + floor;
        queuedShare += ((queued ? 1.0 : 0.0) - queuedShare) / Math.max(2, current());
        if (queued) {
            cleanAtCeiling = 0;
            streak = 0;
            if (queuedShare >= QUEUED_SHARE) {
                decrease(startNanos, nowNanos);
            }
        } else {
            grow(inFlightAtStart, nowNanos);
        }
    }

    private void grow(int inFlightAtStart, long nowNanos) {
        int c = current();
        if (inFlightAtStart < (c <= TOP_SLOT_UP_TO ? c : (c + 1) / 2)) {
            return;
        }
        if (ceiling > 0 && inFlightAtStart >= ceiling && ++cleanAtCeiling >= CLEAN_PER_SLOT * ceiling) {
            ceiling = 0;
            probeIntervalNanos = PROBE_BASE_NANOS;
        }
        if (++streak < CLEAN_PER_SLOT) {
            return;
        }
        int next = Math.min(max, current() + 1);
        if (ceiling > 0 && current() < ceiling && next >= ceiling) {
            if (nowNanos < nextProbeNanos) {
                return;
            }
            probeIntervalNanos = Math.min(PROBE_MAX_NANOS, probeIntervalNanos * 2);
            cleanAtCeiling = 0;
        }
        streak = 0;
        limit = next;
    }

    private void decrease(long startNanos, long nowNanos) {
        streak = 0;
        if (startNanos < lastDecreaseNanos) {
            return;
        }
        int before = current();
        limit = Math.max(min, (int) Math.floor(limit * BACKOFF));
        lastDecreaseNanos = nowNanos;
        congested = true;
        if (current() < before) {
            ceiling = before;
            cleanAtCeiling = 0;
            nextProbeNanos = nowNanos + probeIntervalNanos;
        }
    }
}
