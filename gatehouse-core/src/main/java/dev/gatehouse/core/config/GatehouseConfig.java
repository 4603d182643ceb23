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
 * @param apps       the processes the node supervises, by app name, in config order; often empty
 * @param fleet      the fleet whose runtime state this node shares on etcd, or null for a node on its own
 * @param dns        how the pools' {@code discover} names are resolved
 * @param bodies     how request bodies are read and bodies buffered
 * @param tracing    W3C Trace Context on proxied requests
 * @param databases  the PostgreSQL front door; {@link DatabasesConfig#NONE} for none
 */
public record GatehouseConfig(
        List<ListenerConfig> listeners,
        Map<String, PoolConfig> pools,
        TimeoutsConfig timeouts,
        LimitsConfig limits,
        UpstreamConfig upstream,
        ForwardingConfig forwarding,
        AccessLogConfig accessLog,
        AdminConfig admin,
        Map<String, AppConfig> apps,
        FleetConfig fleet,
        DnsConfig dns,
        BodiesConfig bodies,
        TracingConfig tracing,
        DatabasesConfig databases) {

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
        apps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(apps));
        dns = dns == null ? DnsConfig.DEFAULTS : dns;
        bodies = bodies == null ? BodiesConfig.DEFAULTS : bodies;
        tracing = tracing == null ? TracingConfig.DEFAULTS : tracing;
        databases = databases == null ? DatabasesConfig.NONE : databases;
        for (Map.Entry<String, AppConfig> e : apps.entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                throw new IllegalArgumentException("apps: \"" + e.getKey() + "\" (expected: the name of its app, \""
                        + e.getValue().name() + "\")");
            }
        }
        if (fleet != null) {
            for (String pool : fleet.serveWhenStale()) {
                if (!pools.containsKey(pool)) {
                    throw new IllegalArgumentException("fleet.serve_when_stale: \"" + pool + "\" (expected: one of " + pools.keySet() + ")");
                }
            }
        }
        if (fleet != null && fleet.isAgent()) {
            checkAgent(listeners, pools, apps);
            if (databases.enabled()) {
                throw new IllegalArgumentException("databases: a PostgreSQL front door on an agent (expected: none; an agent serves"
                        + " no clients)");
            }
        } else if (listeners.isEmpty()) {
            throw new IllegalArgumentException("listeners: [] (expected: at least one listener)");
        }
        for (ListenerConfig listener : listeners) {
            for (RouteConfig route : listener.routes()) {
                if (route.pool() != null && !pools.containsKey(route.pool())) {
                    throw new IllegalArgumentException("pool: \"" + route.pool() + "\" (expected: one of " + pools.keySet() + ")");
                }
            }
        }
    }

    /** An agent serves no clients, runs at least one app, and each app serves the fleet's pool of its name. */
    private static void checkAgent(List<ListenerConfig> listeners, Map<String, PoolConfig> pools, Map<String, AppConfig> apps) {
        if (!listeners.isEmpty()) {
            throw new IllegalArgumentException("listeners: given on an agent (expected: none; an agent serves no clients)");
        }
        if (apps.isEmpty()) {
            throw new IllegalArgumentException("apps: none on an agent (expected: the apps this node runs for the fleet)");
        }
        for (String app : apps.keySet()) {
            if (!pools.containsKey(app)) {
                throw new IllegalArgumentException("apps: \"" + app + "\" has no pool of its name (expected: one of "
                        + pools.keySet() + "; an agent registers an app's instances in the fleet's pool of the same name)");
            }
        }
    }

    /** A configuration without a PostgreSQL front door. */
    public GatehouseConfig(List<ListenerConfig> listeners, Map<String, PoolConfig> pools, TimeoutsConfig timeouts,
                           LimitsConfig limits, UpstreamConfig upstream, ForwardingConfig forwarding,
                           AccessLogConfig accessLog, AdminConfig admin, Map<String, AppConfig> apps, FleetConfig fleet,
                           DnsConfig dns, BodiesConfig bodies, TracingConfig tracing) {
        this(listeners, pools, timeouts, limits, upstream, forwarding, accessLog, admin, apps, fleet, dns, bodies, tracing,
                DatabasesConfig.NONE);
    }

    /** A configuration with the default {@code tracing} section. */
    public GatehouseConfig(List<ListenerConfig> listeners, Map<String, PoolConfig> pools, TimeoutsConfig timeouts,
                           LimitsConfig limits, UpstreamConfig upstream, ForwardingConfig forwarding,
                           AccessLogConfig accessLog, AdminConfig admin, Map<String, AppConfig> apps, FleetConfig fleet,
                           DnsConfig dns, BodiesConfig bodies) {
        this(listeners, pools, timeouts, limits, upstream, forwarding, accessLog, admin, apps, fleet, dns, bodies,
                TracingConfig.DEFAULTS);
    }

    /** A configuration with the default {@code bodies} section. */
    public GatehouseConfig(List<ListenerConfig> listeners, Map<String, PoolConfig> pools, TimeoutsConfig timeouts,
                           LimitsConfig limits, UpstreamConfig upstream, ForwardingConfig forwarding,
                           AccessLogConfig accessLog, AdminConfig admin, Map<String, AppConfig> apps, FleetConfig fleet,
                           DnsConfig dns) {
        this(listeners, pools, timeouts, limits, upstream, forwarding, accessLog, admin, apps, fleet, dns, BodiesConfig.DEFAULTS);
    }

    /** A configuration with the default {@code dns} section. */
    public GatehouseConfig(List<ListenerConfig> listeners, Map<String, PoolConfig> pools, TimeoutsConfig timeouts,
                           LimitsConfig limits, UpstreamConfig upstream, ForwardingConfig forwarding,
                           AccessLogConfig accessLog, AdminConfig admin, Map<String, AppConfig> apps, FleetConfig fleet) {
        this(listeners, pools, timeouts, limits, upstream, forwarding, accessLog, admin, apps, fleet, DnsConfig.DEFAULTS);
    }

    /** A configuration without an admin listener (embedded nodes and tests). */
    public GatehouseConfig(List<ListenerConfig> listeners, Map<String, PoolConfig> pools, TimeoutsConfig timeouts,
                           LimitsConfig limits, UpstreamConfig upstream, ForwardingConfig forwarding,
                           AccessLogConfig accessLog) {
        this(listeners, pools, timeouts, limits, upstream, forwarding, accessLog, AdminConfig.DISABLED);
    }

    /** A configuration of a node on its own (no fleet). */
    public GatehouseConfig(List<ListenerConfig> listeners, Map<String, PoolConfig> pools, TimeoutsConfig timeouts,
                           LimitsConfig limits, UpstreamConfig upstream, ForwardingConfig forwarding,
                           AccessLogConfig accessLog, AdminConfig admin, Map<String, AppConfig> apps) {
        this(listeners, pools, timeouts, limits, upstream, forwarding, accessLog, admin, apps, null);
    }

    /** A configuration without supervised apps. */
    public GatehouseConfig(List<ListenerConfig> listeners, Map<String, PoolConfig> pools, TimeoutsConfig timeouts,
                           LimitsConfig limits, UpstreamConfig upstream, ForwardingConfig forwarding,
                           AccessLogConfig accessLog, AdminConfig admin) {
        this(listeners, pools, timeouts, limits, upstream, forwarding, accessLog, admin, Map.of());
    }

    /** A copy with other pools (a reload keeps the rest). */
    public GatehouseConfig withPools(Map<String, PoolConfig> pools) {
        return new GatehouseConfig(listeners, pools, timeouts, limits, upstream, forwarding, accessLog, admin, apps, fleet, dns, bodies,
                tracing, databases);
    }
}
