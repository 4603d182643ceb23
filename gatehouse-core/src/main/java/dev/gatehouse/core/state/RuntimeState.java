package dev.gatehouse.core.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's operational state: every runtime change an operator made, per pool, on top of the
 * config file (the intent). Immutable; the control plane replaces it whole, writes it to the state
 * file and builds the next snapshot from config plus state.
 *
 * @param revision grows by one at every change; shown in status, written in the state file
 * @param pools    changes per pool name; pools without changes may be absent
 * @param versions the live version and epoch per pool name; pools never cut over are absent
 * @param deploys  the last deploy per pool name, running or ended
 * @param cutovers the last fleet-wide strict cutover per pool name, fencing or ended (a fleet's
 *                 state only)
 */
public record RuntimeState(long revision, Map<String, PoolRuntime> pools, Map<String, PoolVersions> versions,
                           Map<String, DeployRecord> deploys, Map<String, CutoverRecord> cutovers) {

    /** No change at all. */
    public static final RuntimeState EMPTY = new RuntimeState(0, Map.of());

    /** A state without live versions. */
    public RuntimeState(long revision, Map<String, PoolRuntime> pools) {
        this(revision, pools, Map.of(), Map.of());
    }

    /** A state without deploys. */
    public RuntimeState(long revision, Map<String, PoolRuntime> pools, Map<String, PoolVersions> versions) {
        this(revision, pools, versions, Map.of());
    }

    /** A state without fleet cutovers. */
    public RuntimeState(long revision, Map<String, PoolRuntime> pools, Map<String, PoolVersions> versions,
                        Map<String, DeployRecord> deploys) {
        this(revision, pools, versions, deploys, Map.of());
    }

    /** Copies, dropping pools without changes. */
    public RuntimeState {
        cutovers = cutovers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(cutovers));
        versions = versions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(versions));
        deploys = deploys == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(deploys));
        Map<String, PoolRuntime> copy = new LinkedHashMap<>();
        if (pools != null) {
            pools.forEach((name, p) -> {
                if (p != null && !p.empty()) {
                    copy.put(name, p);
                }
            });
        }
        pools = Collections.unmodifiableMap(copy);
    }

    /** The changes to a pool; {@link PoolRuntime#NONE} when there are none. */
    public PoolRuntime pool(String name) {
        return pools.getOrDefault(name, PoolRuntime.NONE);
    }

    /** The next revision with one pool's changes replaced. */
    public RuntimeState with(String pool, PoolRuntime changes) {
        Map<String, PoolRuntime> next = new LinkedHashMap<>(pools);
        next.put(pool, changes);
        return new RuntimeState(revision + 1, next, versions, deploys, cutovers);
    }

    /** The live version of a pool, or null when it was never cut over. */
    public PoolVersions versions(String pool) {
        return versions.get(pool);
    }

    /** The next revision with one pool's live version replaced. */
    public RuntimeState with(String pool, PoolVersions live) {
        Map<String, PoolVersions> next = new LinkedHashMap<>(versions);
        next.put(pool, live);
        return new RuntimeState(revision + 1, pools, next, deploys, cutovers);
    }

    /** The last deploy of a pool, or null. */
    public DeployRecord deploy(String pool) {
        return deploys.get(pool);
    }

    /** The next revision with one pool's deploy record replaced. */
    public RuntimeState with(String pool, DeployRecord deploy) {
        Map<String, DeployRecord> next = new LinkedHashMap<>(deploys);
        next.put(pool, deploy);
        return new RuntimeState(revision + 1, pools, versions, next, cutovers);
    }

    /** The last fleet cutover of a pool, or null. */
    public CutoverRecord cutover(String pool) {
        return cutovers.get(pool);
    }

    /** The next revision with one pool's fleet cutover replaced. */
    public RuntimeState with(String pool, CutoverRecord cutover) {
        Map<String, CutoverRecord> next = new LinkedHashMap<>(cutovers);
        next.put(pool, cutover);
        return new RuntimeState(revision + 1, pools, versions, deploys, next);
    }
}
