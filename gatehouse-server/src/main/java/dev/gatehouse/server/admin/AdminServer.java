package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.BackendTraffic;
import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.ConfigError;
import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.core.tunnel.TunnelCounts;
import dev.gatehouse.server.cache.RouteCaches;
import dev.gatehouse.server.ConfigSource;
import dev.gatehouse.server.Transport;
import dev.gatehouse.server.control.ControlPlane;
import dev.gatehouse.server.deploy.Deploys;
import io.netty.bootstrap.ServerBootstrap;
import dev.gatehouse.server.restart.RestartOutcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener's lifecycle. Created before the node binds anything (so that a token that
 * cannot be read stops the start early), started after the client listeners, stopped before them.
 *
 * <p>Threading: its own event loop group of one thread ({@code gatehouse-admin}), apart from the
 * data plane's, so that the API answers whatever the client traffic; and one control thread
 * ({@code gatehouse-admin-control}) for the control plane's blocking calls.
 */
public final class AdminServer {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final long STOP_MILLIS = 5_000;

    private final AdminConfig config;
    private final Transport transport;
    private final AdminAuth auth;
    private final AdminContext context;
    private final java.util.concurrent.atomic.AtomicReference<DatabasesAdmin> databases =
            new java.util.concurrent.atomic.AtomicReference<>();
    private EventLoopGroup group;
    private ChannelGroup connections;
    private Channel channel;

    /**
     * Prepares the admin listener: reads its token.
     *
     * @param config       an enabled admin config
     * @param transport    the node's transport
     * @param control      the node's control plane
     * @param deploys      the node's deploys
     * @param snapshots    the node's snapshots
     * @param configSource where reloads read the config, or null: reload then answers 409
     * @param metrics      the Prometheus text for {@code GET /metrics}, or null: 404 until metrics exist
     * @param startedAt    when the node started
     * @throws ConfigException when the token cannot be read or is empty (naming {@code admin.token_file}
     *                         or {@code admin.token_env})
     */
    public AdminServer(AdminConfig config, Transport transport, ControlPlane control, Deploys deploys,
                       SnapshotHolder snapshots, ConfigSource configSource, Supplier<String> metrics, Instant startedAt)
            throws ConfigException {
        this(config, transport, control, deploys, snapshots, configSource, metrics, startedAt, TunnelCounts.NONE,
                who -> CompletableFuture.completedFuture(new RestartOutcome(RestartOutcome.Result.REFUSED, -1,
                        "this node cannot be restarted")), TlsAdmin.NONE, new RouteCaches(), () -> null,
                BackendTraffic.Source.NONE);
    }

    /**
     * Like the other constructor, with the node's open tunnels shown in the pool and backend views,
     * {@code POST /api/v1/restart} handed to {@code restarts}, and the listeners and their TLS
     * ({@code GET /api/v1/node}'s listeners, {@code POST /api/v1/tls/reload}) to {@code tls}.
     */
    public AdminServer(AdminConfig config, Transport transport, ControlPlane control, Deploys deploys,
                       SnapshotHolder snapshots, ConfigSource configSource, Supplier<String> metrics, Instant startedAt,
                       TunnelCounts tunnels,
                       Function<String, CompletableFuture<RestartOutcome>> restarts, TlsAdmin tls, RouteCaches caches,
                       Supplier<dev.gatehouse.core.fleet.FleetStatus> fleet, BackendTraffic.Source traffic)
            throws ConfigException {
        this.config = Objects.requireNonNull(config, "config");
        if (!config.enabled()) {
            throw new IllegalArgumentException("admin: disabled (expected: an admin config with a bind address)");
        }
        this.transport = Objects.requireNonNull(transport, "transport");
        this.auth = AdminAuth.load(config, System::getenv);
        String version = AdminServer.class.getPackage().getImplementationVersion();
        this.context = new AdminContext(control, Objects.requireNonNull(deploys, "deploys"), snapshots, configSource,
                new ControlExecutor("gatehouse-admin-control"),
                metrics, Clock.systemUTC(), version == null ? "dev" : version, startedAt, transport.name(),
                Objects.requireNonNull(tunnels, "tunnels"), Objects.requireNonNull(restarts, "restarts")::apply, Objects.requireNonNull(tls, "tls"),
                Objects.requireNonNull(caches, "caches"), Objects.requireNonNull(fleet, "fleet"),
                Objects.requireNonNull(traffic, "traffic"));
    }

    /**
     * Binds the admin listener.
     *
     * @throws IOException     when the address cannot be bound; nothing is left running
     * @throws ConfigException when no token is configured and the address bound is not loopback
     */
    public synchronized void start() throws IOException, ConfigException {
        start(java.util.OptionalInt.empty());
        serve();
    }

    /**
     * Binds the admin listener, or takes over {@code inherited}, a listening socket received from
     * the process this node replaces; accepts nothing until {@link #serve()}.
     *
     * @throws IOException     when the address cannot be bound; nothing is left running
     * @throws ConfigException when no token is configured and the address bound is not loopback
     */
    public synchronized void start(java.util.OptionalInt inherited) throws IOException, ConfigException {
        group = transport.newGroup(1, "gatehouse-admin");
        connections = new DefaultChannelGroup("gatehouse-admin", group.next());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channelFactory(transport.serverChannels(inherited))
                .option(ChannelOption.SO_BACKLOG, 64)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new AdminInitializer(new AdminApi(context, databases), auth, connections));
        InetSocketAddress address = new InetSocketAddress(config.bind().host(), config.bind().port());
        try {
            channel = inherited.isPresent() ? b.register().sync().channel() : b.bind(address).sync().channel();
        } catch (Exception e) {
            stop();
            throw new IOException("cannot listen on " + config.bind() + " for the admin API: " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        if (!auth.required() && !bound.getAddress().isLoopbackAddress()) {
            // AdminConfig refuses such an address as written; a name may still resolve elsewhere.
            stop();
            throw new ConfigException(List.of(new ConfigError("admin.bind", "\"" + config.bind() + "\" is "
                    + bound.getAddress().getHostAddress() + ", not a loopback address (expected: a loopback address,"
                    + " or a token: set token_file or token_env)")));
        }
        LOG.info("admin API listening on {} ({})", bound,
                auth.required() ? "bearer token required" : "no token: loopback only");
    }

    /**
     * Serves {@code /api/v1/databases...} with {@code admin} (the node's PostgreSQL front door,
     * which may start after the admin listener); null: those paths answer 404 again.
     */
    public void databases(DatabasesAdmin admin) {
        databases.set(admin);
    }

    /** Starts accepting connections. */
    public synchronized void serve() {
        if (channel != null) {
            channel.config().setAutoRead(true);
        }
    }

    /** The address the config asks for (port 0: any free port). */
    public InetSocketAddress address() {
        return new InetSocketAddress(config.bind().host(), config.bind().port());
    }

    /** The listening channel, or null before {@link #start} and after {@link #stop}. */
    public synchronized Channel channel() {
        return channel;
    }

    /** The port the admin listener is bound to. */
    public synchronized int port() {
        if (channel == null) {
            throw new IllegalStateException("the admin listener is not started");
        }
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Stops accepting, lets the changes already submitted finish (for up to 5 s), closes every admin
     * connection and stops the admin threads. Idempotent.
     */
    public synchronized void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        context.executor().stop(STOP_MILLIS);
        if (connections != null) {
            connections.close().awaitUninterruptibly(STOP_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
