package dev.gatehouse.server;

import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.fleet.FleetStatus;
import dev.gatehouse.core.state.PoolStatus;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.StateStore;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.core.time.WallClock;
import dev.gatehouse.server.cache.RouteCaches;
import dev.gatehouse.server.files.FileCatalog;
import dev.gatehouse.server.files.FileLookup;
import dev.gatehouse.server.admin.AdminServer;
import dev.gatehouse.server.control.ControlPlane;
import dev.gatehouse.server.deploy.Deployer;
import dev.gatehouse.server.fleet.AgentApps;
import dev.gatehouse.server.fleet.FleetCutovers;
import dev.gatehouse.server.fleet.FleetMembership;
import dev.gatehouse.server.deploy.Deploys;
import dev.gatehouse.server.deploy.LiveApps;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.server.log.AccessLog;
import dev.gatehouse.server.metrics.NodeMetrics;
import dev.gatehouse.server.probe.HealthProber;
import dev.gatehouse.server.proxy.RequestBodies;
import dev.gatehouse.server.proxy.ClientConnections;
import dev.gatehouse.server.proxy.ClientInitializer;
import dev.gatehouse.server.proxy.ProxyContext;
import dev.gatehouse.server.restart.InheritedListeners;
import dev.gatehouse.server.restart.NodeRestart;
import dev.gatehouse.server.restart.RestartOptions;
import dev.gatehouse.server.restart.RestartHold;
import dev.gatehouse.server.restart.RestartOutcome;
import dev.gatehouse.server.supervisor.Supervisor;
import dev.gatehouse.server.tls.TlsListeners;
import dev.gatehouse.server.tunnel.TunnelRegistry;
import dev.gatehouse.server.tunnel.TunnelSweeper;
import dev.gatehouse.server.upstream.UpstreamPools;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Gatehouse node: its event loops, listeners and backend pools. Start it with
 * {@link #start(GatehouseConfig)}; stop it with {@link #stop()}, which drains in-flight requests
 * for up to {@code timeouts.shutdown_drain}.
 *
 * <p>Threading: one event loop group serves both accepting and connections; a client connection
 * and all of its backend connections live on the same loop.
 */
public final class GatehouseServer implements AutoCloseable {

    /** The data plane's clocks, handed to every decision: the only reads of the system clocks. */
    private final Clock clock = System::nanoTime;
    private final WallClock wallClock = () -> System.currentTimeMillis() / 1000;

    private static final Logger LOG = LoggerFactory.getLogger(GatehouseServer.class);
    /** Response header sections from backends may be this large. */
    private static final int MAX_RESPONSE_HEADER_SIZE = 64 * 1024;
    /** How long a new process may take to start and serve before a restart gives up on it. */
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(60);

    /** Remembered paths (and so open files at most) of the static routes' file cache. */
    private static final int FILE_CATALOG_ENTRIES = 4096;
    /** How late a changed file on disk may be seen: nginx's open_file_cache_valid is 60 s; a deploy wants less. */
    private static final Duration FILE_CATALOG_VALID = Duration.ofSeconds(1);

    private final GatehouseConfig config;
    private final Transport transport;
    private final FileCatalog files = new FileCatalog(FILE_CATALOG_ENTRIES, FILE_CATALOG_VALID, clock);
    /** One for every listener: it keeps the roots' parsed paths. */
    private final FileLookup fileLookup = new FileLookup(files);
    private final RouteCaches caches;
    private final EventLoopGroup group;
    private final SnapshotHolder snapshots;
    private final UpstreamPools upstreams;
    private final HealthProber healthChecks;
    private final ControlPlane control;
    private final Deploys deploys;
    private final ConfigSource configSource;
    private final ClientConnections connections = new ClientConnections();
    /** Buffered request bodies and the span export, shared by the listeners; made at bind. */
    private RequestResources requests;
    /** Open tunnels (WebSockets and other upgrades), and the sweep that ends those whose backend left service. */
    private final TunnelRegistry tunnels = new TunnelRegistry();
    private final TunnelSweeper tunnelSweeper;
    private final NodeMetrics metrics;
    /** Keeps the pools' DNS names resolved. */
    private final dev.gatehouse.server.discovery.DnsDiscovery discovery;
    /** The supervised apps' processes; null when the config has no apps. */
    private final Supervisor supervisor;
    private final Listeners listeners;
    private final Instant startedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    private volatile AdminServer admin;
    private final Deployer deployer;
    /** Whether this node is a fleet's agent: it runs apps, serves no clients and checks no backends. */
    private final boolean agent;
    /** This node's part in a fleet, once it joined one (after its start); empty on its own. */
    private final FleetMembership fleet = new FleetMembership();
    private volatile boolean stopped;
    /** A hitless restart holds the node: no runtime change, reload or deploy until it ends. */
    private final RestartHold restartHold;
    /** The node stops because a new process took over: tunnels follow their pool's policy. */
    private volatile boolean handedOver;
    private NodeRestart restart;
    /** The listeners' TLS: certificates, reloads, ticket keys; loaded at start. */
    private TlsListeners tls;

    private GatehouseServer(GatehouseConfig config, int threads, StateStore store, ConfigSource configSource)
            throws java.io.IOException {
        this.config = config;
        this.configSource = configSource;
        RuntimeState state = RestoredState.load(store, config);
        this.snapshots = new SnapshotHolder(Snapshot.next(null, 1, config, state, clock, wallClock, SharedRandom.INSTANCE));
        this.tunnelSweeper = new TunnelSweeper(tunnels, snapshots, clock, wallClock);
        this.transport = Transport.detect();
        this.group = transport.newGroup(threads, "gatehouse-io");
        this.listeners = new Listeners(config, transport, group);
        this.upstreams = new UpstreamPools(transport, config.upstream(), config.timeouts(), MAX_RESPONSE_HEADER_SIZE);
        // The prober resolves when it starts checking a backend, off the loops; through the upstream
        // pools, so that checks and requests connect to the same address.
        this.healthChecks = HealthProber.create(snapshots, group, transport, address -> {
            upstreams.prepare(List.of(address));
            return upstreams.resolve(address);
        }, SharedRandom.INSTANCE, upstreams::tls);
        this.metrics = NodeMetrics.create(connections::count, upstreams::openConnections,
                () -> snapshots.current().generation());
        metrics.tunnels(tunnels);
        this.caches = new RouteCaches(metrics::routeCache);
        LoopBarrier loops = new LoopBarrier(group);
        this.control = new ControlPlane(snapshots, config, state, store, clock, wallClock, SharedRandom.INSTANCE,
                loops::await);
        control.beforeChange(loops::refuseOnEventLoop);
        control.beforePublish(this::prepareUpstreams);
        // An agent serves no clients: the balancer nodes check the backends, not it.
        this.agent = config.fleet() != null && config.fleet().isAgent();
        if (!agent) {
            control.onPublish(s -> healthChecks.sync());
        }
        control.onPublish(metrics::sync);
        this.supervisor = config.apps().isEmpty() ? null : Supervisor.create(config.apps());
        this.deployer = new Deployer(control, snapshots, clock, supervisor);
        deployer.openTunnels(tunnels);
        control.openTunnels(tunnels);
        this.deploys = new Deploys(deployer, snapshots, java.time.Clock.systemUTC());
        this.restartHold = new RestartHold(deploys);
        this.discovery = new dev.gatehouse.server.discovery.DnsDiscovery(control, transport, group.next(), clock);
        control.beforeChange(restartHold::refuseIfHeld);
    }

    /** Resolves the backends' names and builds the pools' TLS contexts: both block, so never on an event loop. */
    private void prepareUpstreams(Snapshot s) {
        upstreams.prepare(s.pools().values().stream().flatMap(p -> p.members().stream()).map(m -> m.backend().address()).toList());
        upstreams.prepareTls(s.pools().values().stream().map(p -> p.config()).toList());
    }

    /**
     * Starts a node: resolves backend names, binds every listener, starts the active health
     * checks, and serves.
     *
     * @param config a validated configuration
     * @return the running node
     * @throws Exception when a listener cannot be bound; nothing is left running then
     */
    public static GatehouseServer start(GatehouseConfig config) throws Exception {
        return start(config, StateStore.NONE);
    }

    /**
     * Starts a node whose runtime changes are kept in {@code store} and restored from it.
     *
     * @param config a validated configuration
     * @param store  where runtime changes are kept; read now, written at every change
     * @return the running node
     * @throws Exception when the stored state cannot be read or a listener cannot be bound; nothing
     *                   is left running then
     */
    public static GatehouseServer start(GatehouseConfig config, StateStore store) throws Exception {
        return start(config, store, null);
    }

    /**
     * Starts a node that can reload its configuration: with {@code config.admin()} enabled, the
     * admin API's {@code POST /api/v1/reload} reads {@code configSource} again and applies it.
     *
     * @param config       a validated configuration
     * @param store        where runtime changes are kept; read now, written at every change
     * @param configSource where the configuration is read again on reload, e.g.
     *                     {@code () -> ConfigLoader.load(path)}; null when there is none (reload answers 409)
     * @return the running node
     * @throws dev.gatehouse.core.config.ConfigException when the admin token cannot be read, or the
     *                   admin listener without a token is not on loopback; nothing is left running then
     * @throws Exception when the stored state cannot be read or a listener cannot be bound; nothing
     *                   is left running then
     */
    public static GatehouseServer start(GatehouseConfig config, StateStore store, ConfigSource configSource)
            throws Exception {
        return start(config, store, configSource, RestartOptions.NONE);
    }

    /**
     * Starts a node that may take over the listening sockets of the process it replaces, and may
     * itself be replaced without refusing a connection ({@link #restart}).
     *
     * @param restarts the sockets inherited (each listener takes the one bound to its address, the
     *                 others are closed) and how to start a successor
     * @see #start(GatehouseConfig, StateStore, ConfigSource)
     */
    public static GatehouseServer start(GatehouseConfig config, StateStore store, ConfigSource configSource,
                                        RestartOptions restarts) throws Exception {
        int threads = Integer.getInteger("gatehouse.io.threads", Runtime.getRuntime().availableProcessors());
        GatehouseServer server = new GatehouseServer(Objects.requireNonNull(config, "config"), threads,
                Objects.requireNonNull(store, "store"), configSource);
        try {
            server.metrics.sync(server.snapshots.current());
            server.tls = TlsListeners.load(config, ClientInitializer::offersH2, server.metrics.registry(),
                    java.time.Clock.systemUTC(), server.clock);
            server.control.beforeReload(server.tls::prepareReload);
            if (config.admin().enabled()) {
                // Before anything binds: a token that cannot be read stops the start here.
                server.admin = new AdminServer(config.admin(), server.transport, server.control, server.deploys,
                        server.snapshots, configSource, server.metrics::scrape, server.startedAt, server.tunnels, server::restart,
                        server.tls, server.caches, server.fleet::status, server.metrics::traffic);
            }
            // Apps first: the listeners open once their live version accepts connections.
            // The pools' DNS names, before the listeners open: a pool of found backends only serves at once.
            server.discovery.start(config.dns().timeout().multipliedBy(2).plusSeconds(1));
            // (An agent starts them once it follows its fleet: runAsAgent.)
            if (server.supervisor != null && !server.agent) {
                LiveApps.start(server.supervisor, server.snapshots, server.control);
            }
            server.bind(restarts.inherited());
            server.tunnelSweeper.start(server.group.next());
            server.tls.start();
            server.metrics.watchEventLoops(server.group);
            if (!server.agent) {
                server.healthChecks.sync();
            }
            if (server.admin != null) {
                server.admin.start(restarts.inherited().claim(InheritedListeners.ADMIN, server.admin.address()));
            }
            restarts.inherited().closeUnclaimed();
            server.restart = server.newRestart(restarts);
            // Only now: a node that failed half-way through its start accepted nothing, so a
            // process taking over from another one can still fail without losing a connection.
            server.listeners.accept();
            if (server.admin != null) {
                server.admin.serve();
            }
        } catch (Exception e) {
            server.listeners.closeNow();
            if (server.admin != null) {
                server.admin.stop();
            }
            server.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            server.metrics.close();
            server.discovery.close();
            if (server.supervisor != null) {
                server.supervisor.close();
            }
            throw e;
        }
        return server;
    }

    private NodeRestart newRestart(RestartOptions restarts) {
        return new NodeRestart(restarts.successor(), group, transport.canPassSockets(), () -> listeners.listening(admin), restartHold,
                () -> {
                    handedOver = true;
                    restarts.exit().run();
                }, RESTART_TIMEOUT);
    }

    /**
     * Replaces this node's process by a new one of the same command line without refusing a
     * connection (SIGUSR2, {@code gatehouse restart}): see {@link NodeRestart}.
     *
     * @param who for the log
     * @return completes when the new process serves (this one then drains and exits), or the
     *         restart was refused or failed (this one keeps serving)
     */
    public CompletableFuture<RestartOutcome> restart(String who) {
        return restart.request(who);
    }

    private void bind(InheritedListeners inherited) throws Exception {
        prepareUpstreams(snapshots.current());
        AccessLog accessLog = AccessLog.create(config.accessLog().enabled());
        requests = RequestResources.of(config);
        listeners.bind(i -> ProxyContext.of(config, snapshots, i, upstreams, accessLog, connections, metrics,
                clock, wallClock, SharedRandom.INSTANCE, tunnels, tls.listener(i), fileLookup, caches, fleet::status,
                requests.bodies(), requests.spans()),
                inherited);
        for (var pool : snapshots.current().pools().values()) {
            LOG.info("pool {}: {} backends ({})", pool.name(), pool.members().size(), pool.config().strategy().configName());
        }
    }

    /** The addresses the listeners are bound to, in config order (useful with port 0). */
    public List<InetSocketAddress> boundAddresses() {
        return listeners.addresses();
    }

    /** The port of the first listener. */
    public int port() {
        return boundAddresses().get(0).getPort();
    }

    /** Request body bytes buffered now, in memory and in files, and their bounds (for tests and diagnostics). */
    public RequestBodies bodies() {
        return requests.bodies();
    }

    /** The port of the admin listener, or -1 when the node has none. */
    public int adminPort() {
        AdminServer a = admin;
        return a == null ? -1 : a.port();
    }

    /** The snapshot holder: the one reference the data plane reads. */
    public SnapshotHolder snapshots() {
        return snapshots;
    }

    /**
     * This node follows a fleet from now on: its membership shows in {@code GET /api/v1/node}.
     * Called once, after the start.
     */
    public void joinFleet(FleetStatus status) {
        fleet.join(status);
    }

    /**
     * This node follows a fleet and takes part in its cutovers: it holds a pool while the fleet
     * fences it, and its strict deploys fence every node ({@link FleetCutovers}).
     * Called once, after the start.
     */
    public void joinFleet(FleetStatus status, dev.gatehouse.core.fleet.FenceStore fences) {
        joinFleet(status);
        var cutovers = fleet.cutovers(new FleetCutovers(control, snapshots, fences, clock, tunnels, status::view));
        deployer.fleet(cutovers);
        control.strictCutoverBy(cutovers::cutover);
    }

    /**
     * This node, a fleet's agent that follows its fleet now, runs its apps for the fleet from now
     * on ({@link AgentApps}). Called once, after {@link #joinFleet}.
     *
     * @return what it reports of its apps in its heartbeat
     * @throws IllegalStateException when the node is not an agent
     */
    public java.util.function.Supplier<java.util.Map<String, dev.gatehouse.core.fleet.NodeReport.AppRun>> runAsAgent() {
        if (!agent || supervisor == null) {
            throw new IllegalStateException("not an agent (expected: fleet.agent and apps in the config)");
        }
        return fleet.runApps(new AgentApps(supervisor, control, snapshots, config.fleet().agent().advertise()))::report;
    }

    /** The control plane: runtime changes and reloads go through it, never around it. */
    public ControlPlane control() {
        return control;
    }

    /** The listeners' TLS: the certificates in force, their reloads and ticket keys. */
    public TlsListeners tls() {
        return tls;
    }

    /** The node's deploys: at most one per pool, each on its own thread. */
    public Deploys deploys() {
        return deploys;
    }

    /** Where a reload reads the configuration; null when the node was started without one. */
    public ConfigSource configSource() {
        return configSource;
    }

    /**
     * The supervisor of the config's {@code apps}: it starts and stops their processes per version.
     * Null when the config has no apps. The node stops every supervised process when it stops.
     */
    public Supervisor supervisor() {
        return supervisor;
    }

    /** The active health checks; {@code sync()} them after publishing a snapshot that changes backends. */
    public HealthProber healthChecks() {
        return healthChecks;
    }

    /**
     * What the balancer knows right now, per pool: in flight and limit per backend, queue length
     * and queue wait (ready for the metrics endpoint).
     */
    public List<PoolStatus> status() {
        return snapshots.current().pools().values().stream().map(PoolStatus::of).toList();
    }

    /**
     * Serves the admin API's {@code /api/v1/databases...} with the node's PostgreSQL front door
     * (which starts after this node); does nothing when the node has no admin listener.
     */
    public void databasesAdmin(dev.gatehouse.server.admin.DatabasesAdmin databases) {
        if (admin != null) {
            admin.databases(databases);
        }
    }

    /**
     * The node's metrics; {@code scrape()} them for {@code GET /metrics}, and {@code sync} them
     * after publishing a snapshot that changes pools or backends.
     */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** The transport in use: {@code epoll}, {@code io_uring} or {@code nio}. */
    public String transportName() {
        return transport.name();
    }

    /** Number of open client connections. */
    public int clientConnections() {
        return connections.count();
    }

    /**
     * Graceful shutdown: stops accepting, lets in-flight requests finish (keep-alive connections
     * close after their current response, idle ones at once) for up to {@code timeouts.shutdown_drain},
     * then closes whatever is left and stops the event loops. Idempotent; blocks until done.
     */
    public void stop() {
        stop(config.timeouts().shutdownDrain());
    }

    /** Like {@link #stop()}, with an explicit drain timeout. */
    public synchronized void stop(Duration drain) {
        if (stopped) {
            return;
        }
        stopped = true;
        // First, so that no operator change races the shutdown (changes already accepted finish).
        if (admin != null) {
            admin.stop();
        }
        // A running deploy stops where it stands (held requests released) before the pools close.
        deploys.stop(Duration.ofSeconds(5));
        fleet.closeCutovers();
        discovery.close();
        // Then, so that no check of a backend races its pool's shutdown or is logged as a failure.
        healthChecks.stop();
        tunnelSweeper.stop();
        if (tls != null) {
            tls.stop();
        }
        // No new connections; the open ones finish what they carry, for up to the drain timeout.
        listeners.drain(connections, handedOver, drain);
        fleet.closeApps();
        // After the drain, so that requests in flight to supervised apps could finish.
        if (supervisor != null) {
            supervisor.close();
        }
        upstreams.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (requests != null) {
            requests.close();
        }
        files.close();
        caches.close();
        metrics.close();
        LOG.info("stopped");
    }

    /** The routes' HTTP caches. */
    public RouteCaches caches() {
        return caches;
    }

    /** The node's open tunnels. */
    public TunnelRegistry tunnels() {
        return tunnels;
    }

    @Override
    public void close() {
        stop();
    }
}
