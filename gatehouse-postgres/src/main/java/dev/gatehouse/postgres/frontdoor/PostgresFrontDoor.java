package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.config.DatabaseLimitsConfig;
import dev.gatehouse.core.config.DatabaseListenerConfig;
import dev.gatehouse.core.config.DatabasePoolConfig;
import dev.gatehouse.core.config.DatabaseServerConfig;
import dev.gatehouse.core.config.DatabasesConfig;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.postgres.budget.PoolKey;
import dev.gatehouse.postgres.protocol.CancelRequest;
import dev.gatehouse.postgres.protocol.ErrorFields;
import dev.gatehouse.postgres.protocol.PgFrameDecoder;
import dev.gatehouse.postgres.protocol.PgMessages;
import dev.gatehouse.server.Transport;
import dev.gatehouse.server.tls.CertificateSet;
import dev.gatehouse.server.tls.TlsContexts;
import dev.gatehouse.server.tls.TlsLoadException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL front door of a node: its listeners, its servers' budgets and pools, and the
 * clients logged in. One event loop carries all of it (see {@link FrontDoorContext}); a tick
 * every 100 ms times out waiting clients, keeps the pools' minimums and checks each pausing
 * server's deadline. Operators steer it through {@link #control()} (the hold, reconnect, kill,
 * status), from any thread.
 *
 * <p>Started with {@link #start}, stopped with {@link #close}: the listeners close, then every
 * client and server connection.
 */
public final class PostgresFrontDoor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresFrontDoor.class);
    private static final Duration TICK = Duration.ofMillis(100);
    /** Prepared statements kept per server connection. */
    private static final int STATEMENT_CACHE = 1000;

    private final DatabasesConfig config;
    private final EventLoopGroup group;
    private final ExecutorService authExecutor;
    private final FrontDoorContext context;
    private final Users users;
    private final Map<String, ServerRuntime> servers = new LinkedHashMap<>();
    private final ChannelGroup channels;
    private final List<InetSocketAddress> addresses = new ArrayList<>();
    private final DatabasesControl control;
    private final AuthQuery authQuery;

    private PostgresFrontDoor(DatabasesConfig config, Transport transport, Clock clock) {
        this.config = config;
        this.group = transport.newGroup(1, "gatehouse-pg");
        this.authExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-pg-auth");
            t.setDaemon(true);
            return t;
        });
        // DRBG (NIST SP 800-90A, seeded from the OS) rather than the platform default, which on
        // Linux reads /dev/urandom in small pieces: a nonce and a cancel key per login.
        SecureRandom random = drbg();
        this.context = new FrontDoorContext(group.next(), transport, clock, random, authExecutor,
                config.limits().maxMessageSize(), STATEMENT_CACHE, new CancelKeys(random),
                new java.util.concurrent.atomic.AtomicReference<>(FrontDoorEvents.NONE));
        this.users = new Users(config.users(), random);
        this.channels = new DefaultChannelGroup(context.loop());
        int maxWaiters = config.listeners().stream().mapToInt(DatabaseListenerConfig::maxClients).sum();
        for (DatabaseServerConfig s : config.servers().values()) {
            servers.put(s.name(), new ServerRuntime(s, context, maxWaiters));
        }
        this.control = new DatabasesControl(context, servers, config);
        this.authQuery = config.authQuery() == null ? null : new AuthQuery(config.authQuery(),
                config.users().get(config.authQuery().user()), this, config.limits().startupTimeout());
    }

    /**
     * Starts the front door: binds every listener of {@code config}.
     *
     * @throws IllegalStateException when a listener cannot bind (its address named); nothing stays open then
     */
    public static PostgresFrontDoor start(DatabasesConfig config, Transport transport, Clock clock)
            throws InterruptedException {
        PostgresFrontDoor door = new PostgresFrontDoor(config, transport, clock);
        try {
            for (int i = 0; i < config.listeners().size(); i++) {
                door.bind(config.listeners().get(i), "databases.listeners[" + i + "]");
            }
        } catch (RuntimeException | InterruptedException e) {
            door.close();
            throw e;
        }
        door.context.loop().scheduleAtFixedRate(door::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        log.info("PostgreSQL front door listening on {}", door.addresses);
        return door;
    }

    private void bind(DatabaseListenerConfig listener, String path) throws InterruptedException {
        ClientCount count = new ClientCount(listener.maxClients());
        CertificateSet tls = null;
        if (listener.tls() != null) {
            try {
                tls = TlsContexts.build(listener.tls(), path + ".tls", false, Instant.now());
            } catch (TlsLoadException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        CertificateSet certificates = tls;
        Channel server = new ServerBootstrap()
                .group(context.loop())
                .channel(context.transport().serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        if (!count.admit(ch)) {
                            ch.writeAndFlush(PgMessages.errorResponse(ch.alloc(), ErrorFields.of(ErrorFields.FATAL,
                                    "53300", "sorry, too many clients already"))).addListener(ChannelFutureListener.CLOSE);
                            return;
                        }
                        ch.pipeline().addLast(PgFrameDecoder.forClient(context.maxMessageSize()), new ClientLogin(PostgresFrontDoor.this, certificates));
                    }
                })
                .bind(listener.bind().host(), listener.bind().port())
                .sync().channel();
        channels.add(server);
        addresses.add((InetSocketAddress) server.localAddress());
    }

    /** The addresses the listeners are bound to, in the config's order (a port 0 resolved). */
    public List<InetSocketAddress> addresses() {
        return List.copyOf(addresses);
    }

    private void tick() {
        servers.values().forEach(ServerRuntime::tick);
        control.tick();
    }

    /** Reports waits and errors to {@code events} from now on (the metrics). */
    public void events(FrontDoorEvents events) {
        context.events().set(events);
    }

    /** A CancelRequest: passed on to the server connection its client holds, if any. */
    void cancel(CancelRequest request) {
        ClientSession session = context.cancelKeys().find(request.pid(), request.key());
        ServerConnection server = session == null ? null : session.server();
        if (server == null || server.key() == null) {
            return;
        }
        servers.get(session.pool().config().server()).sendCancel(server.key(), () -> { });
    }

    /** The operators' side of the front door: the hold, reconnect, kill and status (any thread). */
    public DatabasesControl control() {
        return control;
    }

    /** The pool config clients asking for {@code database} use, or null. */
    DatabasePoolConfig poolFor(String database) {
        return config.pools().get(database);
    }

    /** The run-time pool of {@code key}. */
    PoolRuntime pool(PoolKey key, DatabasePoolConfig poolConfig, ServerCredentials credentials) {
        return servers.get(poolConfig.server()).pool(key, poolConfig, credentials);
    }

    /** The auth_query lookups, or null when the config has none. */
    AuthQuery authQuery() {
        return authQuery;
    }

    Users users() {
        return users;
    }

    FrontDoorContext context() {
        return context;
    }

    DatabaseLimitsConfig limits() {
        return config.limits();
    }

    @Override
    public void close() {
        try {
            context.loop().submit(() -> servers.values().forEach(ServerRuntime::closeIdle)).await(5, TimeUnit.SECONDS);
            channels.close().await(5, TimeUnit.SECONDS);
            // Then every server connection left: one a leaving client had just sent to be reset
            // (DISCARD ALL) was not idle above, and the loop's shutdown does not close it.
            context.loop().submit(() -> servers.values().forEach(ServerRuntime::closeAll)).await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            authExecutor.shutdownNow();
        }
    }

    /** Counts one listener's clients against its {@code max_clients}. */
    private static final class ClientCount {
        private final int max;
        private int open;

        ClientCount(int max) {
            this.max = max;
        }

        boolean admit(Channel ch) {
            if (open >= max) {
                return false;
            }
            open++;
            ch.closeFuture().addListener(f -> open--);
            return true;
        }
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();   // every JDK since 9 has DRBG; this is only a fallback
        }
    }
}
