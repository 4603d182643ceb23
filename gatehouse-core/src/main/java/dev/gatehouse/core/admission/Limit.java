package dev.gatehouse.core.admission;

import dev.gatehouse.core.config.AdmissionConfig;

/**
 * The concurrency limit of one backend: fixed, or learned from the latencies of the requests it
 * served. Not thread-safe: the pool calls it under its lock.
 */
interface Limit {

    /** How many requests the backend may hold now, at least 1. */
    int current();

    /**
     * How many requests the backend has shown it holds without queueing, at most {@link #current()}:
     * a slot above it is a probe, which the pool gives only to a fast request on a backend that
     * holds no slow one.
     */
    default int proven() {
        return current();
    }

    /**
     * Learns from one request that held a slot of the backend.
     *
     * @param latencyNanos    its latency, or -1 when not measured
     * @param baselineNanos   the no-load latency of its route across the pool, or 0 when routes are
     *                        not learned (then the latency is judged against the backend's alone)
     * @param outcome         how it ended; {@link Outcome#DROPPED} says nothing about the backend
     * @param inFlightAtStart the slots of the backend held right after this request got its own
     * @param startNanos      when it got its slot
     * @param nowNanos        now
     */
    void onSample(long latencyNanos, long baselineNanos, Outcome outcome, int inFlightAtStart, long startNanos,
                  long nowNanos);

    /** {@link #onSample(long, long, Outcome, int, long, long)} without route baselines. */
    default void onSample(long latencyNanos, Outcome outcome, int inFlightAtStart, long startNanos, long nowNanos) {
        onSample(latencyNanos, 0, outcome, inFlightAtStart, startNanos, nowNanos);
    }

    /** A new limit for one backend, as the configuration says (it must be {@link AdmissionConfig#limited()}). */
    static Limit of(AdmissionConfig config) {
        if (config.adaptive() != null) {
            return new AimdLimit(config.adaptive());
        }
        return new FixedLimit(config.backendConcurrency());
    }

    /** {@code backend_concurrency: N}. */
    record FixedLimit(int current) implements Limit {

        @Override
        public void onSample(long latencyNanos, long baselineNanos, Outcome outcome, int inFlightAtStart,
                             long startNanos, long nowNanos) {
            // Fixed: nothing to learn.
        }
    }
}
