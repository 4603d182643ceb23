package dev.gatehouse.core.discovery;

import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.state.RuntimeState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How backends found in DNS join a configuration: after the pool's declared backends, as if
 * declared, so that every runtime change (a drain, a weight) applies to them as to any other. A
 * declared backend or one added through the API keeps its place: the same address found in DNS is
 * not added twice.
 */
public final class Discovered {

    private Discovered() {
    }

    /**
     * The configuration with each pool's discovered backends added.
     *
     * @param config     the configuration as declared
     * @param discovered per pool, what its names resolve to now
     * @param state      the runtime state, whose added backends keep their place
     * @return {@code config} itself when nothing is discovered
     */
    public static GatehouseConfig apply(GatehouseConfig config, Map<String, List<BackendConfig>> discovered, RuntimeState state) {
        if (discovered.values().stream().allMatch(List::isEmpty)) {
            return config;
        }
        Map<String, PoolConfig> pools = new LinkedHashMap<>();
        for (PoolConfig p : config.pools().values()) {
            List<BackendConfig> found = discovered.getOrDefault(p.name(), List.of());
            if (found.isEmpty()) {
                pools.put(p.name(), p);
                continue;
            }
            Set<HostPort> taken = new HashSet<>();
            p.backends().forEach(b -> taken.add(key(b.address())));
            state.pool(p.name()).added().forEach(b -> taken.add(key(b.address())));
            List<BackendConfig> backends = new ArrayList<>(p.backends());
            for (BackendConfig b : found) {
                if (taken.add(key(b.address()))) {
                    backends.add(b);
                }
            }
            pools.put(p.name(), p.withBackends(backends));
        }
        return config.withPools(pools);
    }

    private static HostPort key(HostPort a) {
        return new HostPort(a.host().toLowerCase(Locale.ROOT), a.port());
    }
}
