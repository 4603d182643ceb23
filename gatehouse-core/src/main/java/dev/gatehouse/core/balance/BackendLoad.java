package dev.gatehouse.core.balance;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one backend is doing right now: requests in flight and an average of its latency. Shared
 * by every snapshot of the pool and every event loop; thread-safe.
 *
 * <p>The average is an EWMA of the <em>logarithm</em> of the latency (a geometric mean), each sample
 * weighing {@link #SAMPLE_WEIGHT}. Weighing by count rather than by the time since the last sample
 * matters: a backend busy with a 500 ms request produces no sample for 500 ms, and a time-weighted
 * average would give that one slow sample a large weight. Not a peak EWMA (Finagle's and Linkerd's,
 * where a sample above the average replaces it): web apps mix routes whose latencies differ a
 * hundredfold, and a peak EWMA then describes the last slow route a backend served, not the
 * backend. Measured on the slow-requests scenario (docs/benchmarks.md), one 500 ms request in a
 * hundred made every backend look like a 500 ms backend for seconds, and balancing on it sent fast
 * requests behind slow ones. In the log domain a rare 100x request moves the average by a few
 * percent, while a backend that really becomes slower moves it within a few dozen requests.
 *
 * <p>What {@link #latencyNanos(long)} reads depends on whether the backend is busy. An idle backend
 * avoided because it was slow receives no samples, so its average would never come down: it is
 * read decayed towards zero for the time since its last sample ({@link #DECAY_NANOS}), and probed
 * again after a while. A busy backend that has not finished anything for longer than its average
 * is working on something long: it is read as at least that long ("the age of its work", the time
 * since it last finished a request or became busy), so that a request is not sent behind it when
 * every backend is busy. Finagle's peak EWMA counts pending requests in the same spirit.
 * Callers: the data plane calls {@link #started()} and {@link #finished(long, long)} (through
 * admission tickets); balancers only read.
 */
public final class BackendLoad {

    /** Weight of one latency sample in the average: about the last 20 requests count. */
    public static final double SAMPLE_WEIGHT = 0.05;
    /** Time constant with which an unsampled backend's latency is read as falling towards zero. */
    public static final long DECAY_NANOS = 10_000_000_000L;
    /** Samples before a backend's average is taken to tell it from the others (see {@link #settled()}). */
    public static final int SETTLED_SAMPLES = 8;
    /** Latency assumed before the first measurement: 1 ms, optimistic so new backends get traffic. */
    public static final long INITIAL_LATENCY_NANOS = 1_000_000L;

    private final AtomicInteger inFlight = new AtomicInteger();
    /** When the backend last finished a request or went from idle to busy: its work is at most this old. */
    private volatile long progressNanos;
    private double logEwma = Math.log(INITIAL_LATENCY_NANOS);
    private long lastUpdateNanos;
    private boolean measured;
    private int samples;

    /** Requests sent to the backend and not finished. */
    public int inFlight() {
        return inFlight.get();
    }

    /** A request was sent to the backend (when the time is not known; see {@link #started(long)}). */
    public void started() {
        inFlight.incrementAndGet();
    }

    /**
     * A request was sent to the backend.
     *
     * @param nowNanos the clock's time now
     */
    public void started(long nowNanos) {
        if (inFlight.getAndIncrement() == 0) {
            progressNanos = nowNanos;
        }
    }

    /**
     * A request finished.
     *
     * @param latencyNanos how long it took, or a negative value when it did not complete (not measured)
     * @param nowNanos     the clock's time now
     */
    public void finished(long latencyNanos, long nowNanos) {
        inFlight.decrementAndGet();
        progressNanos = nowNanos;
        if (latencyNanos >= 0) {
            observe(latencyNanos, nowNanos);
        }
    }

    /**
     * Records one latency sample. The first samples are averaged plainly (weight {@code 1/n}) until
     * that falls to {@link #SAMPLE_WEIGHT}: a backend's first request pays its cold paths (a new
     * connection, a Python app's first call), and with the EWMA's weight alone that one sample
     * would still count for most of the average after several more.
     */
    public synchronized void observe(long latencyNanos, long nowNanos) {
        double sample = Math.log(Math.max(1_000, latencyNanos));
        if (samples < Integer.MAX_VALUE) {
            samples++;
        }
        if (!measured) {
            logEwma = sample;
            measured = true;
        } else {
            logEwma += Math.max(SAMPLE_WEIGHT, 1.0 / samples) * (sample - logEwma);
        }
        lastUpdateNanos = nowNanos;
    }

    /** Whether the backend has at least {@link #SETTLED_SAMPLES} latency samples: its average means something. */
    public synchronized boolean settled() {
        return samples >= SETTLED_SAMPLES;
    }

    /** The latency average as of the last sample, in nanoseconds. */
    public synchronized double latencyNanos() {
        return Math.exp(logEwma);
    }

    /**
     * The latency average as seen at {@code nowNanos}: the last value decayed towards zero for the
     * time since the last sample, so that a backend without traffic looks cheaper as time passes.
     * Before the first sample: {@link #INITIAL_LATENCY_NANOS}. Does not change the average.
     *
     * @param nowNanos the clock's time now
     */
    public synchronized double latencyNanos(long nowNanos) {
        double average = Math.exp(logEwma);
        if (inFlight.get() > 0) {
            return Math.max(average, nowNanos - progressNanos);
        }
        if (!measured) {
            return average;
        }
        long idle = nowNanos - lastUpdateNanos;
        return idle <= 0 ? average : average * Math.exp(-(double) idle / DECAY_NANOS);
    }
}
