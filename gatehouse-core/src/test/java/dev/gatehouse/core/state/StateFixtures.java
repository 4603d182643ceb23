package dev.gatehouse.core.state;

import dev.gatehouse.core.config.AccessLogConfig;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.ForwardingConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.config.TimeoutsConfig;
import dev.gatehouse.core.config.UpstreamConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Configurations and addresses for state tests. */
final class StateFixtures {

    /** Declared in {@code web}, weight 1, version v1. */
    static final HostPort A = HostPort.parse("10.0.0.1:8000");
    /** Declared in {@code web}, weight 2, version v1. */
    static final HostPort B = HostPort.parse("10.0.0.2:8000");
    /** Not declared anywhere. */
    static final HostPort C = HostPort.parse("10.0.0.3:8000");
    /** Not declared anywhere. */
    static final HostPort D = HostPort.parse("10.0.0.4:8000");
    /** Declared in {@code api}, weight 1, version v7. */
    static final HostPort X = HostPort.parse("10.0.1.1:8000");

    private StateFixtures() {
    }

    /** Pools {@code web} (A weight 1, B weight 2, both v1, round robin) and {@code api} (X, v7). */
    static GatehouseConfig config() {
        return config(new PoolConfig("web", Strategy.ROUND_ROBIN,
                List.of(new BackendConfig(A, 1, "v1"), new BackendConfig(B, 2, "v1"))));
    }

    /** {@link #config()} with pool {@code web} replaced. */
    static GatehouseConfig config(PoolConfig web) {
        Map<String, PoolConfig> pools = new LinkedHashMap<>();
        pools.put("web", web);
        pools.put("api", new PoolConfig("api", Strategy.ROUND_ROBIN, List.of(new BackendConfig(X, 1, "v7"))));
        return config(pools);
    }

    /** A configuration of these pools, {@code /} routed to the first. */
    static GatehouseConfig config(Map<String, PoolConfig> pools) {
        String first = pools.keySet().iterator().next();
        return new GatehouseConfig(
                List.of(new ListenerConfig(new HostPort("127.0.0.1", 0), List.of(new RouteConfig(null, "/", first)))),
                pools, TimeoutsConfig.DEFAULTS, LimitsConfig.DEFAULTS, UpstreamConfig.DEFAULTS, ForwardingConfig.DEFAULTS,
                AccessLogConfig.DEFAULTS);
    }

    /** Pool {@code web} of the configuration, changed. */
    static GatehouseConfig withWeb(GatehouseConfig config, UnaryOperator<PoolConfig> change) {
        Map<String, PoolConfig> pools = new LinkedHashMap<>(config.pools());
        pools.put("web", change.apply(pools.get("web")));
        return config.withPools(pools);
    }

    /** The same pool with other backends. */
    static PoolConfig withBackends(PoolConfig p, List<BackendConfig> backends) {
        return new PoolConfig(p.name(), p.strategy(), backends, p.hash(), p.admission(), p.sticky(), p.health(),
                p.retry());
    }
}
