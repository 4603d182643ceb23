package dev.gatehouse.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole node configuration: the intent, as the config file states it.
 *
 * @param listeners  at least one listener
 * @param pools      pools by name, in config order
 * @param timeouts   data-plane timeouts
 * @param limits     bounds on client input
 * @param upstream   backend connection pooling
 * @param forwarding forwarding headers and trust
 * @param accessLog  the access log
 * @param admin      the admin listener and the state file
 */
public record GatehouseConfig(
        List<ListenerConfig> listeners,
        Map<String, PoolConfig> pools,
        TimeoutsConfig timeouts,
        LimitsConfig limits,
        UpstreamConfig upstream,
        ForwardingConfig forwarding,
        AccessLogConfig accessLog,
        AdminConfig admin) {

    /** Validates cross references and copies. */
    public GatehouseConfig {
        listeners = List.copyOf(listeners);
        pools = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pools));
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(accessLog, "accessLog");
        Objects.requireNonNull(admin, "admin");
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("listeners: [] (expected: at least one listener)");
        }
        for (ListenerConfig listener : listeners) {
            for (RouteConfig route : listener.routes()) {
                if (!pools.containsKey(route.pool())) {
                    throw new IllegalArgumentException("pool: \"" + route.pool() + "\" (expected: one of " + pools.keySet() + ")");
                }
            }
        }
    }

    /** A configuration without an admin listener (embedded nodes and tests). */
    public GatehouseConfig(List<ListenerConfig> listeners, Map<String, PoolConfig> pools, TimeoutsConfig timeouts,
                           LimitsConfig limits, UpstreamConfig upstream, ForwardingConfig forwarding,
                           AccessLogConfig accessLog) {
        this(listeners, pools, timeouts, limits, upstream, forwarding, accessLog, AdminConfig.DISABLED);
    }

    /** A copy with other pools (a reload keeps the rest). */
    public GatehouseConfig withPools(Map<String, PoolConfig> pools) {
        return new GatehouseConfig(listeners, pools, timeouts, limits, upstream, forwarding, accessLog, admin);
    }
}
