package dev.gatehouse.core.api;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.health.BackendState;
import dev.gatehouse.core.health.BackendStatus;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.PoolStatus;
import dev.gatehouse.core.state.RuntimeChanges.EffectiveBackend;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.tunnel.TunnelCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/pools/{pool}}: a pool and its backends as they are in force now.
 *
 * @param name          the pool's name
 * @param strategy      its balancing strategy, e.g. {@code p2c-ewma}
 * @param panicking     whether too few backends are available and the panic mode decides
 * @param queue         its queue
 * @param retries       retries made since the start
 * @param retriesDenied retries the budget refused since the start
 * @param backends      its backends, declared ones first, in config order, then those added
 */
public record PoolView(String name, String strategy, boolean panicking, QueueView queue, long retries,
                       long retriesDenied, List<BackendView> backends) {

    /** Copies. */
    public PoolView {
        backends = List.copyOf(backends);
    }

    /**
     * The view of one pool of a snapshot at a moment.
     *
     * @param snapshot  the snapshot in force (its config tells declared backends from added ones)
     * @param pool      one of its pools
     * @param nowMillis the wall-clock time, epoch ms, to judge drain deadlines by
     */
    public static PoolView of(Snapshot snapshot, PoolSnapshot pool, long nowMillis) {
        return of(snapshot, pool, nowMillis, TunnelCounts.NONE);
    }

    /** Like {@link #of(Snapshot, PoolSnapshot, long)}, with each backend's open tunnels from {@code tunnels}. */
    public static PoolView of(Snapshot snapshot, PoolSnapshot pool, long nowMillis, TunnelCounts tunnels) {
        PoolStatus status = PoolStatus.of(pool);
        PoolConfig declared = snapshot.config().pools().get(pool.name());
        Map<HostPort, EffectiveBackend> effective = new HashMap<>();
        if (declared != null) {
            for (EffectiveBackend e : RuntimeChanges.effective(declared, snapshot.runtime().pool(pool.name()))) {
                effective.put(e.config().address(), e);
            }
        }
        List<BackendView> backends = new ArrayList<>();
        for (int i = 0; i < pool.members().size(); i++) {
            Member m = pool.members().get(i);
            EffectiveBackend e = effective.get(m.backend().address());
            backends.add(backend(m, status.backends().get(i), e, nowMillis, tunnels.open(pool.name(), m.backend().address(), m.backend().version())));
        }
        return new PoolView(pool.name(), pool.config().strategy().configName(), status.panicking(),
                QueueView.of(status.admission()), status.retries(), status.retriesDenied(), backends);
    }

    private static BackendView backend(Member m, PoolStatus.BackendStatus s, EffectiveBackend e, long nowMillis,
                                       long tunnels) {
        AdminState admin = m.backend().admin();
        Long deadline = e == null ? null : e.drainDeadlineMillis();
        BackendStatus health = s.health();
        String state = state(admin, health.state(), s.inFlight(), deadline, nowMillis);
        String reason = reason(admin, state, health.reason(), s.inFlight());
        return new BackendView(s.address(), s.version(), s.weight(), e == null || e.declared(), admin.apiName(), state,
                reason, s.inFlight(), s.limit(), Math.round(s.latencyMs() * 1000) / 1000.0,
                health.lastCheck().isEmpty() ? null : health.lastCheck(),
                deadline == null ? null : Instant.ofEpochMilli(deadline).toString(), tunnels, until(health, nowMillis));
    }

    /** When an ejection or a slow start ends, from its time left; null in any other state. */
    static String until(BackendStatus health, long nowMillis) {
        boolean timed = health.state() == BackendState.EJECTED || health.state() == BackendState.SLOW_STARTING;
        return timed && health.remainingNanos() > 0
                ? Instant.ofEpochMilli(nowMillis + health.remainingNanos() / 1_000_000).toString() : null;
    }

    /**
     * Where a backend stands for an operator: its health state, except that a draining backend is
     * {@code drained} once nothing is in flight on it, or once its drain deadline has passed.
     */
    static String state(AdminState admin, BackendState health, int inFlight, Long deadlineMillis, long nowMillis) {
        if (admin == AdminState.DRAIN && (inFlight == 0 || deadlineMillis != null && nowMillis >= deadlineMillis)) {
            return BackendView.DRAINED;
        }
        return health.displayName();
    }

    private static String reason(AdminState admin, String state, String healthReason, int inFlight) {
        if (admin == AdminState.DRAIN) {
            if (!state.equals(BackendView.DRAINED)) {
                return "draining by an operator: " + inFlight + " request(s) in flight";
            }
            return inFlight == 0 ? "drained by an operator: no request in flight"
                    : "drain deadline passed with " + inFlight + " request(s) in flight";
        }
        return healthReason.isEmpty() ? null : healthReason;
    }
}
