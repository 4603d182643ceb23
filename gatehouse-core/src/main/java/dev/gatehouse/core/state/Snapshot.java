package dev.gatehouse.core.state;

import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.route.Router;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
     */
    public static Snapshot of(long generation, GatehouseConfig config) {
        List<Router> routers = new ArrayList<>();
        for (ListenerConfig listener : config.listeners()) {
            routers.add(Router.of(listener.routes()));
        }
        Map<String, PoolSnapshot> pools = new LinkedHashMap<>();
        for (PoolConfig pool : config.pools().values()) {
            List<Backend> backends = new ArrayList<>();
            for (BackendConfig b : pool.backends()) {
                backends.add(new Backend(pool.name(), b.address(), b.weight(), b.version()));
            }
            pools.put(pool.name(), new PoolSnapshot(pool.name(), backends, balancerFor(pool)));
        }
        return new Snapshot(generation, config, routers, pools);
    }

    private static Balancer balancerFor(PoolConfig pool) {
        return switch (pool.strategy()) {
            case ROUND_ROBIN -> Balancer.roundRobin();
        };
    }

    /** The pool of that name, or {@code null}. */
    public PoolSnapshot pool(String name) {
        return pools.get(name);
    }
}
