package dev.gatehouse.core.fleet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a node of a fleet says about itself in its heartbeat: which state it has in force, which
 * version and epoch each pool serves on it, and whether it knows its state to be current. Written
 * by the node under its lease; for display (a node that stopped heartbeating shows its last report
 * until the lease expires), never for safety.
 *
 * @param name           the node's name in the fleet
 * @param startedMillis  when the node started (epoch milliseconds)
 * @param heartbeatMillis when it wrote this report (epoch milliseconds, its own wall clock)
 * @param revision       the store revision of the state in force on it
 * @param stale          whether it reported itself stale ({@link Freshness})
 * @param pools          per pool: the live version and epoch it serves
 * @param staleAfterMillis its {@code stale_after}: a coordinator bounds how long a silent node
 *                       may serve by the longest any member has (0 when not said)
 * @param role           {@link #BALANCER} (serves clients, takes part in cutovers) or {@link #AGENT}
 *                       (runs apps whose instances it registers in the pools)
 * @param apps           on an agent, per app: what it runs; empty on a balancer
 */
public record NodeReport(String name, long startedMillis, long heartbeatMillis, long revision, boolean stale,
                         Map<String, PoolEpoch> pools, long staleAfterMillis, String role, Map<String, AppRun> apps) {

    /** The role of a node that serves clients. */
    public static final String BALANCER = "balancer";
    /** The role of a node that runs apps for the fleet. */
    public static final String AGENT = "agent";

    /** A balancer's report. */
    public NodeReport(String name, long startedMillis, long heartbeatMillis, long revision, boolean stale,
                      Map<String, PoolEpoch> pools, long staleAfterMillis) {
        this(name, startedMillis, heartbeatMillis, revision, stale, pools, staleAfterMillis, BALANCER, Map.of());
    }

    /** Whether the node is an agent. */
    public boolean agent() {
        return AGENT.equals(role);
    }

    /** A report that does not say its {@code stale_after}. */
    public NodeReport(String name, long startedMillis, long heartbeatMillis, long revision, boolean stale,
                      Map<String, PoolEpoch> pools) {
        this(name, startedMillis, heartbeatMillis, revision, stale, pools, 0);
    }

    /** Copies. */
    public NodeReport {
        Objects.requireNonNull(name, "name");
        pools = pools == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(pools));
        role = role == null ? BALANCER : role;
        apps = apps == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(apps));
    }

    /**
     * An app as an agent runs it.
     *
     * @param instances the app's {@code instances}: how many of each version it starts
     * @param running   per version: how many of its instances are registered in the pool now
     */
    public record AppRun(int instances, Map<String, Integer> running) {

        /** Copies. */
        public AppRun {
            running = running == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(running));
        }
    }

    /**
     * A pool as one node serves it.
     *
     * @param live  the live version, or null before the pool's first cutover with mixed versions
     * @param epoch the epoch of the live version (0 before any cutover)
     */
    public record PoolEpoch(String live, long epoch) {
    }
}
