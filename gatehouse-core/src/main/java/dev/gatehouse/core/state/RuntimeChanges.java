package dev.gatehouse.core.state;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PoolConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The operations an operator can make at runtime, as pure functions from one {@link RuntimeState}
 * to the next, and the effective backends of a pool (config plus changes). Every operation checks
 * its input against the config and the current state and throws {@link ChangeRejected} (naming
 * the field) instead of making a partial or meaningless change.
 */
public final class RuntimeChanges {

    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private RuntimeChanges() {
    }

    /**
     * A pool's backends as they are in force: the declared ones not removed, then the added ones,
     * each with its overrides applied.
     */
    public static List<EffectiveBackend> effective(PoolConfig pool, PoolRuntime changes) {
        List<EffectiveBackend> out = new ArrayList<>();
        for (BackendConfig b : pool.backends()) {
            if (!changes.removed().contains(b.address())) {
                out.add(apply(b, changes.override(b.address()), true));
            }
        }
        for (BackendConfig b : changes.added()) {
            out.add(apply(b, changes.override(b.address()), false));
        }
        return out;
    }

    private static EffectiveBackend apply(BackendConfig b, BackendOverride o, boolean declared) {
        if (o == null) {
            return new EffectiveBackend(b, AdminState.READY, null, declared);
        }
        BackendConfig c = o.weight() == null ? b : new BackendConfig(b.address(), o.weight(), b.version());
        return new EffectiveBackend(c, o.admin() == null ? AdminState.READY : o.admin(), o.drainDeadlineMillis(), declared);
    }

    /**
     * Adds a backend to a pool.
     *
     * @throws ChangeRejected for an unknown pool, a missing address or a backend already in the pool,
     *                        a bad weight or version
     */
    public static RuntimeState add(RuntimeState state, GatehouseConfig config, String pool, HostPort address, int weight,
                                   String version) {
        PoolConfig p = pool(config, pool);
        if (address == null) {
            throw new ChangeRejected("address", "null (expected: host:port)");
        }
        if (weight < 1 || weight > 1000) {
            throw new ChangeRejected("weight", weight + " (expected: 1-1000)");
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new ChangeRejected("version", quote(version) + " (expected: 1-64 letters, digits, '.', '_' or '-')");
        }
        PoolRuntime r = state.pool(pool);
        if (find(p, r, address) != null) {
            throw new ChangeRejected("address", quote(address.toString()) + " (expected: a backend not in pool " + pool + " yet)");
        }
        List<HostPort> removed = new ArrayList<>(r.removed());
        List<BackendConfig> added = new ArrayList<>(r.added());
        List<BackendOverride> overrides = without(r.overrides(), address);
        BackendConfig declared = declared(p, address);
        if (declared != null && declared.version().equals(version)) {
            // Putting back a declared backend: it is the config's again, with the weight asked for.
            removed.remove(address);
            if (weight != declared.weight()) {
                overrides.add(new BackendOverride(address, weight, null, null));
            }
        } else {
            if (declared != null) {
                throw new ChangeRejected("version", quote(version) + " (expected: " + quote(declared.version())
                        + ", the version the config declares for " + address + ")");
            }
            added.add(new BackendConfig(address, weight, version));
        }
        return state.with(pool, new PoolRuntime(added, removed, overrides));
    }

    /**
     * Removes a backend from a pool; requests in flight on it finish.
     *
     * @throws ChangeRejected for an unknown pool or backend
     */
    public static RuntimeState remove(RuntimeState state, GatehouseConfig config, String pool, HostPort address) {
        PoolConfig p = pool(config, pool);
        PoolRuntime r = state.pool(pool);
        require(p, r, pool, address);
        List<BackendConfig> added = new ArrayList<>(r.added());
        List<HostPort> removed = new ArrayList<>(r.removed());
        if (!added.removeIf(b -> b.address().equals(address))) {
            removed.add(address);
        }
        return state.with(pool, new PoolRuntime(added, removed, without(r.overrides(), address)));
    }

    /**
     * Sets a backend's weight.
     *
     * @throws ChangeRejected for an unknown pool or backend, or a weight out of 1-1000
     */
    public static RuntimeState weight(RuntimeState state, GatehouseConfig config, String pool, HostPort address, int weight) {
        PoolConfig p = pool(config, pool);
        PoolRuntime r = state.pool(pool);
        require(p, r, pool, address);
        if (weight < 1 || weight > 1000) {
            throw new ChangeRejected("weight", weight + " (expected: 1-1000)");
        }
        BackendOverride o = r.override(address);
        BackendConfig declared = declared(p, address);
        Integer w = declared != null && declared.weight() == weight ? null : weight;
        List<BackendConfig> added = new ArrayList<>(r.added());
        if (declared == null) {
            // An added backend carries its own weight.
            added.replaceAll(b -> b.address().equals(address) ? new BackendConfig(address, weight, b.version()) : b);
            w = null;
        }
        BackendOverride next = new BackendOverride(address, w, o == null ? null : o.admin(),
                o == null ? null : o.drainDeadlineMillis());
        return state.with(pool, new PoolRuntime(added, r.removed(), replace(r.overrides(), next)));
    }

    /**
     * Sets a backend's admin state: ready, drain (with an optional deadline) or maintenance.
     *
     * @param drainDeadlineMillis with {@link AdminState#DRAIN}, when the drain is forced done
     *                            (epoch ms), or null
     * @throws ChangeRejected for an unknown pool or backend
     */
    public static RuntimeState admin(RuntimeState state, GatehouseConfig config, String pool, HostPort address,
                                     AdminState admin, Long drainDeadlineMillis) {
        PoolConfig p = pool(config, pool);
        PoolRuntime r = state.pool(pool);
        require(p, r, pool, address);
        BackendOverride o = r.override(address);
        BackendOverride next = new BackendOverride(address, o == null ? null : o.weight(),
                admin == AdminState.READY ? null : admin, admin == AdminState.DRAIN ? drainDeadlineMillis : null);
        return state.with(pool, new PoolRuntime(r.added(), r.removed(), replace(r.overrides(), next)));
    }

    /**
     * Makes a version the live one of a pool: the next epoch, the current live version (if any)
     * remembered as the previous one.
     *
     * @throws ChangeRejected for an unknown pool, or a version without a backend in the pool, or the
     *                        version live already
     */
    public static RuntimeState live(RuntimeState state, GatehouseConfig config, String pool, String version) {
        return live(state, config, pool, version, 0);
    }

    /**
     * Like {@link #live(RuntimeState, GatehouseConfig, String, String)}, keeping clients of the
     * previous version on it until {@code affinityUntilSeconds} (version affinity; 0 for none).
     */
    public static RuntimeState live(RuntimeState state, GatehouseConfig config, String pool, String version,
                                    long affinityUntilSeconds) {
        PoolConfig p = pool(config, pool);
        refuseWhileFencing(state, pool);
        boolean registered = effective(p, state.pool(pool)).stream().anyMatch(e -> e.config().version().equals(version));
        if (!registered) {
            throw new ChangeRejected("version", quote(version) + " (expected: a version with a backend in pool " + pool + ")");
        }
        PoolVersions now = state.versions(pool);
        if (now == null) {
            now = PoolVersions.declared(p);
        }
        if (now != null && now.live().equals(version)) {
            throw new ChangeRejected("version", quote(version) + " (expected: a version other than the live one)");
        }
        long epoch = now == null ? 1 : now.epoch() + 1;
        // A cutover ends any canary: the new live version is the one everybody gets.
        return state.with(pool, new PoolVersions(version, now == null ? null : now.live(), epoch, affinityUntilSeconds));
    }

    /**
     * Sends {@code percent} of a pool's new requests to a registered version beside the live one (a
     * canary); {@code percent} 0 (or a null version) ends the canary.
     *
     * @throws ChangeRejected for an unknown pool, a version without a backend in the pool, the live
     *                        version itself, or a share out of 1-99
     */
    public static RuntimeState canary(RuntimeState state, GatehouseConfig config, String pool, String version, int percent) {
        PoolConfig p = pool(config, pool);
        refuseWhileFencing(state, pool);
        PoolVersions now = state.versions(pool);
        if (now == null) {
            now = PoolVersions.declared(p);
        }
        if (now == null) {
            throw new ChangeRejected("pool", pool + " has no live version (expected: a pool with one, to compare a canary with)");
        }
        if (version == null || percent == 0) {
            return state.with(pool, now.withCanary(null, 0));
        }
        if (percent < 1 || percent > 99) {
            throw new ChangeRejected("percent", percent + " (expected: 1-99, or 0 to end the canary)");
        }
        if (version.equals(now.live())) {
            throw new ChangeRejected("version", quote(version) + " (expected: a version other than the live one)");
        }
        boolean registered = effective(p, state.pool(pool)).stream().anyMatch(e -> e.config().version().equals(version));
        if (!registered) {
            throw new ChangeRejected("version", quote(version) + " (expected: a version with a backend in pool " + pool + ")");
        }
        return state.with(pool, now.withCanary(version, percent));
    }

    /**
     * Finishes the deploys a node found running when it started (it stopped in the middle of them):
     * one whose new version went live is completed (the old version's backends leave the pool);
     * one that had not switched is rolled back (its new backends leave the pool, the old version
     * serves on). The record says which.
     */
    public static RuntimeState resolveDeploys(RuntimeState state, GatehouseConfig config) {
        RuntimeState next = state;
        for (var e : state.deploys().entrySet()) {
            String pool = e.getKey();
            DeployRecord d = e.getValue();
            if (d.status() != DeployRecord.Status.RUNNING || !config.pools().containsKey(pool)) {
                continue;
            }
            PoolVersions live = next.versions(pool);
            boolean switched = live != null && live.live().equals(d.to());
            PoolConfig p = config.pools().get(pool);
            for (EffectiveBackend b : effective(p, next.pool(pool))) {
                HostPort address = b.config().address();
                boolean out = switched ? b.config().version().equals(d.from()) : d.backends().contains(address)
                        && b.config().version().equals(d.to());
                if (out) {
                    next = remove(next, config, pool, address);
                }
            }
            next = next.with(pool, switched
                    ? d.with(DeployRecord.Status.COMPLETED_AT_RESTART, "the node restarted after the switch to " + d.to()
                            + "; it retired " + d.from() + " itself")
                    : d.with(DeployRecord.Status.ROLLED_BACK_AT_RESTART, "the node restarted before the switch; "
                            + d.to() + " was taken out and " + d.from() + " serves on"));
        }
        return next;
    }

    /**
     * Drops what no longer applies after a config change (changes to pools that are gone), so that
     * a reload never fails on an old runtime change; added backends the config now declares become
     * declared ones, keeping their overrides.
     */
    public static RuntimeState reconcile(RuntimeState state, GatehouseConfig config) {
        java.util.Map<String, PoolRuntime> pools = new java.util.LinkedHashMap<>();
        state.pools().forEach((name, r) -> {
            PoolConfig p = config.pools().get(name);
            if (p == null) {
                return;
            }
            List<BackendConfig> added = new ArrayList<>();
            for (BackendConfig b : r.added()) {
                if (declared(p, b.address()) == null) {
                    added.add(b);
                }
            }
            // A pool that finds backends in DNS keeps what was set on addresses it does not declare:
            // they may be found ones, absent now (a node starting, a name briefly empty), back later.
            boolean discovers = !p.discover().isEmpty();
            List<HostPort> removed = r.removed().stream().filter(a -> discovers || declared(p, a) != null).toList();
            List<BackendOverride> overrides = new ArrayList<>();
            for (BackendOverride o : r.overrides()) {
                boolean present = discovers || declared(p, o.address()) != null
                        || added.stream().anyMatch(b -> b.address().equals(o.address()));
                if (present && !o.empty()) {
                    overrides.add(o);
                }
            }
            pools.put(name, new PoolRuntime(added, removed, overrides));
        });
        java.util.Map<String, PoolVersions> versions = new java.util.LinkedHashMap<>();
        state.versions().forEach((name, v) -> {
            if (config.pools().containsKey(name)) {
                versions.put(name, v);
            }
        });
        java.util.Map<String, DeployRecord> deploys = new java.util.LinkedHashMap<>();
        state.deploys().forEach((name, d) -> {
            if (config.pools().containsKey(name)) {
                deploys.put(name, d);
            }
        });
        java.util.Map<String, CutoverRecord> cutovers = new java.util.LinkedHashMap<>();
        state.cutovers().forEach((name, c) -> {
            if (config.pools().containsKey(name)) {
                cutovers.put(name, c);
            }
        });
        RuntimeState next = new RuntimeState(state.revision(), pools, versions, deploys, cutovers);
        return next.equals(state) ? state : new RuntimeState(state.revision() + 1, pools, versions, deploys, cutovers);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A fleet cutover holds the pool: its release will make its own version live at its own
     * epoch, and no other change of the live version or canary may come between.
     */
    private static void refuseWhileFencing(RuntimeState state, String pool) {
        CutoverRecord c = state.cutover(pool);
        if (c != null && c.fencing()) {
            throw new ChangeRejected("version", "pool " + pool + " is held by fleet cutover " + c.id() + " to " + c.to()
                    + " (coordinator " + c.coordinator() + "); try again once it has ended");
        }
    }

    private static PoolConfig pool(GatehouseConfig config, String pool) {
        PoolConfig p = pool == null ? null : config.pools().get(pool);
        if (p == null) {
            throw new ChangeRejected("pool", quote(pool) + " (expected: one of " + config.pools().keySet() + ")");
        }
        return p;
    }

    private static void require(PoolConfig p, PoolRuntime r, String pool, HostPort address) {
        if (address == null || find(p, r, address) == null) {
            throw new ChangeRejected("address", quote(String.valueOf(address)) + " (expected: a backend of pool " + pool + ")");
        }
    }

    private static EffectiveBackend find(PoolConfig p, PoolRuntime r, HostPort address) {
        for (EffectiveBackend e : effective(p, r)) {
            if (e.config().address().equals(address)) {
                return e;
            }
        }
        return null;
    }

    private static BackendConfig declared(PoolConfig p, HostPort address) {
        for (BackendConfig b : p.backends()) {
            if (b.address().equals(address)) {
                return b;
            }
        }
        return null;
    }

    private static List<BackendOverride> without(List<BackendOverride> overrides, HostPort address) {
        List<BackendOverride> out = new ArrayList<>(overrides);
        out.removeIf(o -> o.address().equals(address));
        return out;
    }

    private static List<BackendOverride> replace(List<BackendOverride> overrides, BackendOverride next) {
        List<BackendOverride> out = without(overrides, next.address());
        if (!next.empty()) {
            out.add(next);
        }
        return out;
    }

    /** Quoted, with control characters escaped: the text comes from an admin request. */
    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /**
     * A backend as it is in force.
     *
     * @param config              its address, weight (overrides applied) and version
     * @param admin               ready, drain or maintenance
     * @param drainDeadlineMillis when a drain is forced done (epoch ms), or null
     * @param declared            whether the config file declares it (false: added at runtime)
     */
    public record EffectiveBackend(BackendConfig config, AdminState admin, Long drainDeadlineMillis, boolean declared) {
    }
}
