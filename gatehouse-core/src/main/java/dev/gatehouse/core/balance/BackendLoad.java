package dev.gatehouse.core.balance;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one backend is doing right now: requests in flight and a peak-EWMA of its latency. Shared
 * by every snapshot of the pool and every event loop; thread-safe.
 *
 * <p>Peak EWMA (as in Finagle and Linkerd): a latency above the average replaces it at once, so
 * a backend that turns slow is avoided immediately; lower latencies pull the average down with a
 * time-based decay ({@link #DECAY_NANOS}), so it recovers gradually.
 *
 * <p>A backend avoided because it was slow receives no samples, so its average would never come
 * down; {@link #latencyNanos(long)} therefore reads the average decayed towards zero for the time
 * since the last sample (as tower's and Linkerd's peak-EWMA do), and an idle backend is probed
 * again after a while. Callers: the data plane calls {@link #started()} and
 * {@link #finished(long, long)} (through admission tickets); balancers only read.
 */
public final class BackendLoad {

    /** Time constant of the latency average. */
    public static final long DECAY_NANOS = 10_000_000_000L;
    /** Latency assumed before the first measurement: 1 ms, optimistic so new backends get traffic. */
    public static final long INITIAL_LATENCY_NANOS = 1_000_000L;

    private final AtomicInteger inFlight = new AtomicInteger();
    private double ewmaNanos = INITIAL_LATENCY_NANOS;
    private long lastUpdateNanos;
    private boolean measured;

    /** Requests sent to the backend and not finished. */
    public int inFlight() {
        return inFlight.get();
    }

    /** A request was sent to the backend. */
    public void started() {
        inFlight.incrementAndGet();
    }

    /**
     * A request finished.
     *
     * @param latencyNanos how long it took, or a negative value when it did not complete (not measured)
     * @param nowNanos     the clock's time now
     */
    public void finished(long latencyNanos, long nowNanos) {
        inFlight.decrementAndGet();
        if (latencyNanos >= 0) {
            observe(latencyNanos, nowNanos);
        }
    }

    /** Records one latency sample. */
    public synchronized void observe(long latencyNanos, long nowNanos) {
        if (!measured || latencyNanos > ewmaNanos) {
            ewmaNanos = latencyNanos;
            measured = true;
        } else {
            double w = Math.exp(-(double) Math.max(0, nowNanos - lastUpdateNanos) / DECAY_NANOS);
            ewmaNanos = ewmaNanos * w + latencyNanos * (1 - w);
        }
        lastUpdateNanos = nowNanos;
    }

    /** The latency average as of the last sample, in nanoseconds. */
    public synchronized double latencyNanos() {
        return ewmaNanos;
    }

    /**
     * The latency average as seen at {@code nowNanos}: the last value decayed towards zero for the
     * time since the last sample (the value a zero-latency sample would leave), so that a backend
     * without traffic looks cheaper as time passes. Before the first sample:
     * {@link #INITIAL_LATENCY_NANOS}. Does not change the average.
     *
     * @param nowNanos the clock's time now
     */
    public synchronized double latencyNanos(long nowNanos) {
        if (!measured) {
            return ewmaNanos;
        }
        long idle = nowNanos - lastUpdateNanos;
        return idle <= 0 ? ewmaNanos : ewmaNanos * Math.exp(-(double) idle / DECAY_NANOS);
    }
}
