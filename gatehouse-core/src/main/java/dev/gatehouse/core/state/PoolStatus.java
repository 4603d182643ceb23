package dev.gatehouse.core.state;

import dev.gatehouse.core.admission.AdmissionStats;
import dev.gatehouse.core.balance.Member;
import java.util.List;

/**
 * What the balancer knows about one pool at one moment: its admission and retry counters and, per
 * backend, requests in flight, the current limit, the latency average and the health state. For
 * status output and metrics.
 *
 * @param pool      the pool's name
 * @param admission queue length, queued/rejected totals, summed queue wait, slow-lane slots in use
 * @param backends  one entry per backend of the pool, in pool order
 * @param panicking whether too few backends are available and the panic mode decides
 * @param retries       retries made since the start
 * @param retriesDenied retries the budget refused since the start
 */
public record PoolStatus(String pool, AdmissionStats admission, List<BackendStatus> backends, boolean panicking,
                         long retries, long retriesDenied) {

    /** Copies. */
    public PoolStatus {
        backends = List.copyOf(backends);
    }

    /**
     * One backend.
     *
     * @param address   {@code host:port}
     * @param version   its version label
     * @param weight    its weight
     * @param inFlight  requests sent to it and not finished
     * @param limit     its concurrency limit (fixed or learned), 0 when unlimited
     * @param latencyMs its latency average in milliseconds
     * @param health    its health state, explained
     */
    public record BackendStatus(String address, String version, int weight, int inFlight, int limit, double latencyMs,
                                dev.gatehouse.core.health.BackendStatus health) {
    }

    /** The status of a pool snapshot now. */
    public static PoolStatus of(PoolSnapshot pool) {
        List<BackendStatus> backends = pool.members().stream().map(m -> backend(pool, m)).toList();
        return new PoolStatus(pool.name(), pool.admission().stats(), backends, pool.health().panicking(),
                pool.retryBudget().retriedTotal(), pool.retryBudget().deniedTotal());
    }

    private static BackendStatus backend(PoolSnapshot pool, Member m) {
        return new BackendStatus(m.backend().address().toString(), m.backend().version(), m.weight(),
                m.load().inFlight(), pool.admission().limit(m), m.load().latencyNanos() / 1e6, pool.health().status(m));
    }
}
