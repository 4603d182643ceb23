package dev.gatehouse.server;

import dev.gatehouse.core.config.AccessLogConfig;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.Cidr;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Gatehouse node on 127.0.0.1 port 0 for tests, configured through a small builder. Close it to
 * stop the node.
 */
public final class TestNode implements AutoCloseable {

    private final GatehouseServer server;

    private TestNode(GatehouseServer server) {
        this.server = server;
    }

    /** A builder with one listener routing {@code /} to pool {@code web}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A node in front of the given backend addresses ({@code host:port}), all defaults. */
    public static TestNode of(String... backends) throws Exception {
        Builder b = builder();
        for (String a : backends) {
            b.backend(a);
        }
        return b.start();
    }

    public int port() {
        return server.port();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public GatehouseServer server() {
        return server;
    }

    /** The port of the admin listener (see {@link Builder#admin}). */
    public int adminPort() {
        return server.adminPort();
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
    }

    /** Builds a node configuration piece by piece. */
    public static final class Builder {
        private final Map<String, List<BackendConfig>> pools = new LinkedHashMap<>();
        private final List<RouteConfig> routes = new ArrayList<>();
        private TimeoutsConfig timeouts = TimeoutsConfig.DEFAULTS;
        private LimitsConfig limits = LimitsConfig.DEFAULTS;
        private UpstreamConfig upstream = UpstreamConfig.DEFAULTS;
        private ForwardingConfig forwarding = ForwardingConfig.DEFAULTS;
        private boolean accessLog = true;
        private dev.gatehouse.core.config.AdminConfig admin = dev.gatehouse.core.config.AdminConfig.DISABLED;
        private dev.gatehouse.core.state.StateStore store = dev.gatehouse.core.state.StateStore.NONE;
        private ConfigSource configSource;
        private final Map<String, java.util.function.Function<PoolConfig, PoolConfig>> policies = new LinkedHashMap<>();

        private Builder() {
            pools.put("web", new ArrayList<>());
        }

        /** Adds a backend to pool {@code web}. */
        public Builder backend(String address) {
            return backend("web", address);
        }

        /** Adds a backend to a pool, creating the pool. */
        public Builder backend(String pool, String address) {
            pools.computeIfAbsent(pool, k -> new ArrayList<>()).add(new BackendConfig(HostPort.parse(address), 1, "v1"));
            return this;
        }

        /** Declares an empty pool. */
        public Builder pool(String pool) {
            pools.computeIfAbsent(pool, k -> new ArrayList<>());
            return this;
        }

        /** Adds a route; without any, {@code /} goes to {@code web}. */
        public Builder route(String host, String prefix, String pool) {
            routes.add(new RouteConfig(host, prefix, pool));
            pools.computeIfAbsent(pool, k -> new ArrayList<>());
            return this;
        }

        /** Adds a route with limits of its own ({@code max_request_body}, {@code rate_limit}). */
        public Builder route(RouteConfig route) {
            routes.add(route);
            pools.computeIfAbsent(route.pool(), k -> new ArrayList<>());
            return this;
        }

        public Builder timeouts(TimeoutsConfig t) {
            this.timeouts = t;
            return this;
        }

        /** Changes some timeouts from the defaults; null keeps a default. */
        public Builder timeouts(Duration clientHeader, Duration clientIdle, Duration clientBody, Duration connect,
                                Duration responseHeader, Duration backendIdle) {
            return timeouts(clientHeader, clientIdle, clientBody, null, connect, responseHeader, backendIdle);
        }

        /** Like the other, with the client send timeout too. */
        public Builder timeouts(Duration clientHeader, Duration clientIdle, Duration clientBody, Duration clientSend,
                                Duration connect, Duration responseHeader, Duration backendIdle) {
            TimeoutsConfig d = TimeoutsConfig.DEFAULTS;
            this.timeouts = new TimeoutsConfig(
                    clientHeader != null ? clientHeader : d.clientHeader(),
                    clientIdle != null ? clientIdle : d.clientIdle(),
                    clientBody != null ? clientBody : d.clientBody(),
                    clientSend != null ? clientSend : d.clientSend(),
                    connect != null ? connect : d.backendConnect(),
                    responseHeader != null ? responseHeader : d.backendResponseHeader(),
                    backendIdle != null ? backendIdle : d.backendIdle(),
                    d.shutdownDrain());
            return this;
        }

        public Builder limits(int maxRequestLine, int maxHeaderSize, long maxBody) {
            this.limits = new LimitsConfig(maxRequestLine, maxHeaderSize, maxBody);
            return this;
        }

        public Builder limits(LimitsConfig limits) {
            this.limits = limits;
            return this;
        }

        public Builder upstream(int maxIdle, Duration idleTimeout) {
            this.upstream = new UpstreamConfig(maxIdle, idleTimeout);
            return this;
        }

        /** Trusts these networks' forwarding headers; optionally sends RFC 7239 Forwarded. */
        public Builder forwarding(boolean forwarded, String... trusted) {
            List<Cidr> cidrs = new ArrayList<>();
            for (String t : trusted) {
                cidrs.add(Cidr.parse(t));
            }
            this.forwarding = new ForwardingConfig(cidrs, forwarded, "gatehouse");
            return this;
        }

        /** Sets the whole forwarding section. */
        public Builder forwarding(ForwardingConfig forwarding) {
            this.forwarding = forwarding;
            return this;
        }

        /** Sets a pool's strategy, hash key, admission control and stickiness (null keeps a default). */
        public Builder policy(String pool, Strategy strategy, dev.gatehouse.core.config.HashConfig hash,
                              dev.gatehouse.core.config.AdmissionConfig admission, dev.gatehouse.core.config.StickyConfig sticky) {
            pools.computeIfAbsent(pool, k -> new ArrayList<>());
            return change(pool, p -> new PoolConfig(p.name(), strategy != null ? strategy : p.strategy(), p.backends(),
                    hash != null ? hash : p.hash(), admission != null ? admission : p.admission(), sticky, p.health(),
                    p.retry()));
        }

        /** Sets a pool's health checks, outlier detection, slow start and panic. */
        public Builder health(String pool, dev.gatehouse.core.config.HealthConfig health) {
            return change(pool, p -> new PoolConfig(p.name(), p.strategy(), p.backends(), p.hash(), p.admission(),
                    p.sticky(), health, p.retry()));
        }

        /** Sets a pool's retries. */
        public Builder retry(String pool, dev.gatehouse.core.config.RetryConfig retry) {
            return change(pool, p -> new PoolConfig(p.name(), p.strategy(), p.backends(), p.hash(), p.admission(),
                    p.sticky(), p.health(), retry));
        }

        /** Sets a pool's handling of tunnels (WebSockets). */
        public Builder tunnels(String pool, dev.gatehouse.core.config.TunnelsConfig tunnels) {
            return change(pool, p -> new PoolConfig(p.name(), p.strategy(), p.backends(), p.hash(), p.admission(),
                    p.sticky(), p.health(), p.retry(), tunnels));
        }

        private Builder change(String pool, java.util.function.Function<PoolConfig, PoolConfig> change) {
            pools.computeIfAbsent(pool, k -> new ArrayList<>());
            policies.merge(pool, change, java.util.function.Function::andThen);
            return this;
        }

        public Builder accessLog(boolean on) {
            this.accessLog = on;
            return this;
        }

        /** Starts an admin listener (e.g. on 127.0.0.1 port 0); without this call there is none. */
        public Builder admin(dev.gatehouse.core.config.AdminConfig admin) {
            this.admin = admin;
            return this;
        }

        /** Keeps runtime changes in this store (none by default). */
        public Builder store(dev.gatehouse.core.state.StateStore store) {
            this.store = store;
            return this;
        }

        /** Supervised apps (an app serves the pool of the same name). */
        public Builder apps(Map<String, dev.gatehouse.core.config.AppConfig> apps) {
            this.apps = Map.copyOf(apps);
            apps.keySet().forEach(name -> pools.computeIfAbsent(name, k -> new ArrayList<>()));
            return this;
        }

        /** Where a reload reads the config (none by default: reload answers 409). */
        public Builder configSource(ConfigSource configSource) {
            this.configSource = configSource;
            return this;
        }

        private Map<String, dev.gatehouse.core.config.AppConfig> apps = Map.of();

        private dev.gatehouse.core.config.Http2Config http2 = dev.gatehouse.core.config.Http2Config.DEFAULTS;

        /** The listener's HTTP/2 settings (h2c off by default). */
        public Builder http2(dev.gatehouse.core.config.Http2Config http2) {
            this.http2 = http2;
            return this;
        }

        public GatehouseConfig config() {
            Map<String, PoolConfig> poolConfigs = new LinkedHashMap<>();
            pools.forEach((name, backends) -> poolConfigs.put(name,
                    policies.getOrDefault(name, p -> p).apply(new PoolConfig(name, Strategy.ROUND_ROBIN, backends))));
            List<RouteConfig> r = routes.isEmpty() ? List.of(new RouteConfig(null, "/", "web")) : routes;
            return new GatehouseConfig(
                    List.of(new ListenerConfig(new HostPort("127.0.0.1", 0), r, http2)),
                    poolConfigs, timeouts, limits, upstream, forwarding, new AccessLogConfig(accessLog, "stdout"), admin, apps);
        }

        public TestNode start() throws Exception {
            return new TestNode(GatehouseServer.start(config(), store, configSource));
        }

        /** Starts a node whose runtime changes are kept in (and restored from) {@code store}. */
        public TestNode start(dev.gatehouse.core.state.StateStore store) throws Exception {
            return new TestNode(GatehouseServer.start(config(), store));
        }
    }
}
