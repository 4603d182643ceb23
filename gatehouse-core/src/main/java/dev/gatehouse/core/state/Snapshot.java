package dev.gatehouse.core.state;

import dev.gatehouse.core.admission.PoolAdmission;
import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.balance.Balancers;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.ListenerConfig;
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
 * @param config     the configuration it was built from (timeouts, limits, forwarding)
 * @param routers    one router per listener, in the config's listener order
 * @param pools      pools by name
 */
public record Snapshot(long generation, GatehouseConfig config, List<Router> routers, Map<String, PoolSnapshot> pools) {

    /** Validates and copies. */
    public Snapshot {
        Objects.requireNonNull(config, "config");
        routers = List.copyOf(routers);
        pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
    }

    /**
     * Builds the first snapshot of a configuration.
     *
     * @param generation the generation number to give it
     * @param config     a validated configuration
     * @param clock      time for balancers and admission control
     * @param wallClock  calendar time for sticky cookies
     * @param random     randomness for balancers; thread-safe
     */
    public static Snapshot of(long generation, GatehouseConfig config, Clock clock, WallClock wallClock,
                              RandomGenerator random) {
        List<Router> routers = new ArrayList<>();
        for (ListenerConfig listener : config.listeners()) {
            routers.add(Router.of(listener.routes()));
        }
        Map<String, PoolSnapshot> pools = new LinkedHashMap<>();
        for (PoolConfig pool : config.pools().values()) {
            List<Member> members = new ArrayList<>();
            for (BackendConfig b : pool.backends()) {
                members.add(new Member(new Backend(pool.name(), b.address(), b.weight(), b.version()), new BackendLoad()));
            }
            pools.put(pool.name(), pool(pool, members, clock, wallClock, random));
        }
        return new Snapshot(generation, config, routers, pools);
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
