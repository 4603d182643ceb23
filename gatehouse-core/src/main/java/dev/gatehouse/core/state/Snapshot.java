package dev.gatehouse.core.state;

import dev.gatehouse.core.admission.PoolAdmission;
import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.balance.Balancers;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.config.StickyConfig;
import dev.gatehouse.core.health.PoolHealth;
import dev.gatehouse.core.health.RetryBudget;
import dev.gatehouse.core.route.Router;
import dev.gatehouse.core.sticky.StickyCookies;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.core.time.WallClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Everything the data plane needs to route, at one moment. A request reads the current snapshot
 * once, on arrival, and takes every routing fact from that one object.
 *
 * @param generation grows by one at every published change
 * @param config     the configuration it was built from (timeouts, limits, forwarding): the intent
 * @param runtime    the operator's changes on top of the configuration
 * @param routers    one router per listener, in the config's listener order
 * @param pools      pools by name, with their backends as in force (config plus changes)
 */
public record Snapshot(long generation, GatehouseConfig config, RuntimeState runtime, List<Router> routers,
                       Map<String, PoolSnapshot> pools) {

    /** Validates and copies. */
    public Snapshot {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(runtime, "runtime");
        routers = List.copyOf(routers);
        pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
    }

    /**
     * Builds the first snapshot of a configuration, without runtime changes.
     *
     * @param generation the generation number to give it
     * @param config     a validated configuration
     * @param clock      time for balancers and admission control
     * @param wallClock  calendar time for sticky cookies
     * @param random     randomness for balancers; thread-safe
     */
    public static Snapshot of(long generation, GatehouseConfig config, Clock clock, WallClock wallClock,
                              RandomGenerator random) {
        return next(null, generation, config, RuntimeState.EMPTY, clock, wallClock, random);
    }

    /**
     * Builds the snapshot of a configuration plus runtime changes, carrying over from the previous
     * snapshot what must outlive it: each backend's load (matched by address), and each pool's
     * balancer, admission, health, sticky cookies and retry budget when the pool's policies are
     * unchanged (a pool whose policies changed starts them afresh), and each route's rate limiter
     * when its limit is unchanged. Has no side effect: building
     * validates the result whole, and nothing shared changes until the publisher swaps it in and
     * calls {@link #activate()}.
     *
     * @param previous   the snapshot in force, or null for the first
     * @param generation the generation number to give it
     * @param config     a validated configuration (the intent)
     * @param runtime    the operator's changes on top of it
     * @throws IllegalArgumentException if the result is invalid (a record's validation message)
     */
    public static Snapshot next(Snapshot previous, long generation, GatehouseConfig config, RuntimeState runtime,
                                Clock clock, WallClock wallClock, RandomGenerator random) {
        List<Router> routers = new ArrayList<>();
        for (int i = 0; i < config.listeners().size(); i++) {
            // Listeners change only at a restart, so the same index is the same listener.
            Router before = previous == null || i >= previous.routers().size() ? null : previous.routers().get(i);
            routers.add(Router.of(config.listeners().get(i).routes(), before));
        }
        Map<String, PoolSnapshot> pools = new LinkedHashMap<>();
        for (PoolConfig declared : config.pools().values()) {
            List<RuntimeChanges.EffectiveBackend> backends = RuntimeChanges.effective(declared, runtime.pool(declared.name()));
            PoolConfig pool = new PoolConfig(declared.name(), declared.strategy(),
                    backends.stream().map(RuntimeChanges.EffectiveBackend::config).toList(), declared.hash(),
                    declared.admission(), declared.sticky(), declared.health(), declared.retry(), declared.tunnels(),
                    declared.tls());
            PoolSnapshot prev = previous == null ? null : previous.pool(pool.name());
            Map<HostPort, BackendLoad> loads = new HashMap<>();
            if (prev != null) {
                prev.members().forEach(m -> loads.put(m.backend().address(), m.load()));
            }
            List<Member> members = new ArrayList<>();
            for (RuntimeChanges.EffectiveBackend e : backends) {
                BackendConfig b = e.config();
                members.add(new Member(new Backend(pool.name(), b.address(), b.weight(), b.version(), e.admin()),
                        loads.computeIfAbsent(b.address(), a -> new BackendLoad())));
            }
            PoolVersions versions = runtime.versions(pool.name());
            if (versions == null) {
                versions = PoolVersions.declared(declared);
            }
            PoolSnapshot built = prev != null && samePolicies(prev.config(), pool)
                    ? new PoolSnapshot(pool.name(), pool, members, prev.balancer(), prev.admission(), prev.sticky(),
                            prev.health(), prev.retryBudget())
                    : pool(pool, members, clock, wallClock, random);
            pools.put(pool.name(), new PoolSnapshot(built.name(), built.config(), built.members(), built.balancer(),
                    built.admission(), built.sticky(), built.health(), built.retryBudget(), versions));
        }
        return new Snapshot(generation, config, runtime, routers, pools);
    }

    /**
     * Tells each pool's shared state (health, and through it admission control) this snapshot's
     * members. The publisher calls it right after swapping the snapshot in.
     */
    public void activate() {
        for (PoolSnapshot p : pools.values()) {
            p.health().members(p.members(), p.liveVersion(), p.versions() == null ? null : p.versions().canary());
        }
    }

    private static boolean samePolicies(PoolConfig a, PoolConfig b) {
        return a.strategy() == b.strategy() && a.hash().equals(b.hash()) && a.admission().equals(b.admission())
                && java.util.Objects.equals(a.sticky(), b.sticky()) && a.health().equals(b.health())
                && a.retry().equals(b.retry());
    }

    /**
     * Builds a pool's first snapshot: its health (every member available), its balancer wrapped
     * with slow start, its admission (limits scaled by slow start, told when the available set
     * changes) and its retry budget.
     */
    private static PoolSnapshot pool(PoolConfig pool, List<Member> members, Clock clock, WallClock wallClock,
                                     RandomGenerator random) {
        PoolHealth health = PoolHealth.create(pool.name(), pool.health(), clock);
        health.members(members);
        Balancer balancer = Balancer.slowStart(Balancers.create(pool.strategy(), pool.hash(), clock, random), health,
                random);
        PoolAdmission admission = PoolAdmission.create(pool.admission(), clock, health);
        health.onChange(() -> admission.members(health.available()));
        return new PoolSnapshot(pool.name(), pool, members, balancer, admission, stickyCookies(pool, wallClock), health,
                RetryBudget.create(pool.retry().budget(), clock));
    }

    private static StickyCookies stickyCookies(PoolConfig pool, WallClock wallClock) {
        StickyConfig s = pool.sticky();
        if (s == null || s.mode() != StickyConfig.Mode.COOKIE) {
            return null;
        }
        return StickyCookies.create(s.secret(), s.cookie(), s.ttl(), wallClock);
    }

    /** The pool of that name, or {@code null}. */
    public PoolSnapshot pool(String name) {
        return pools.get(name);
    }
}
