package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * Admission control of a pool: how many requests each backend may hold, and what happens to the
 * rest.
 *
 * @param backendConcurrency at most this many requests in flight per backend; 0 for no limit
 * @param adaptive           learn each backend's limit from its latency instead; null for off
 * @param queue              where requests wait when every backend is at its limit
 * @param slowLane           slow-lane isolation; null for off (needs a limit, fixed or adaptive)
 * @param bufferBodies       request bodies are read before a slot is taken and responses read
 *                           ahead of slow clients, within the node's {@link BodiesConfig} bounds
 */
public record AdmissionConfig(int backendConcurrency, AdaptiveConfig adaptive, QueueConfig queue, SlowLaneConfig slowLane,
                              boolean bufferBodies) {

    /** No limit, no queue in use, no slow lane: {@code backend_concurrency: 0}. */
    public static final AdmissionConfig UNLIMITED = new AdmissionConfig(0, null, QueueConfig.DEFAULTS, null);

    /**
     * What a pool that sets none of {@code backend_concurrency}, {@code adaptive} and
     * {@code slow_lane} gets: each backend's limit learned, slow routes isolated, the default queue.
     * Safe for sync workers without tuning, and measured not to cost an async backend its
     * throughput (docs/balancing.md, "Protection by default").
     */
    public static final AdmissionConfig PROTECTED = new AdmissionConfig(0, AdaptiveConfig.DEFAULTS, QueueConfig.DEFAULTS,
            SlowLaneConfig.DEFAULTS);

    /** Validates the combination. */
    public AdmissionConfig {
        Objects.requireNonNull(queue, "queue");
        if (backendConcurrency < 0 || backendConcurrency > 100_000) {
            throw new IllegalArgumentException("backend_concurrency: " + backendConcurrency + " (expected: 0 for no limit, or 1-100000)");
        }
        if (backendConcurrency > 0 && adaptive != null) {
            throw new IllegalArgumentException("adaptive: set together with backend_concurrency (expected: one of them)");
        }
        if (slowLane != null && backendConcurrency == 0 && adaptive == null) {
            throw new IllegalArgumentException("slow_lane: set without a limit (expected: backend_concurrency or adaptive too)");
        }
    }

    /** The policies given, with bodies buffered when backends have limits (the default of {@code request_buffering}). */
    public AdmissionConfig(int backendConcurrency, AdaptiveConfig adaptive, QueueConfig queue, SlowLaneConfig slowLane) {
        this(backendConcurrency, adaptive, queue, slowLane, backendConcurrency > 0 || adaptive != null);
    }

    /** Whether backends have limits at all (fixed or adaptive). */
    public boolean limited() {
        return backendConcurrency > 0 || adaptive != null;
    }
}
