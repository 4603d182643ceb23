package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.config.DatabasePoolConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.postgres.budget.Grant;
import dev.gatehouse.postgres.budget.PoolKey;
import dev.gatehouse.postgres.protocol.ErrorFields;
import dev.gatehouse.postgres.protocol.PgFrameDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One pool (a database and a user) of one server: its idle connections, the connections being
 * opened and for whom, and the settings a fresh connection of it reports (its baseline). Every
 * decision on who gets a connection is its server's budget's; the pool carries them out. Used on
 * the front door's event loop.
 */
final class PoolRuntime {

    private final PoolKey key;
    private final DatabasePoolConfig config;
    private final Users.User user;
    private final ServerRuntime server;
    private final FrontDoorContext context;
    /** Most recently used first: the oldest are closed first when room is needed. */
    private final ArrayDeque<ServerConnection> idle = new ArrayDeque<>();
    private final Map<ServerConnection, ClientSession> opening = new HashMap<>();
    private Map<String, String> baseline;
    private Map<String, String> baselineNamed;

    PoolRuntime(PoolKey key, DatabasePoolConfig config, Users.User user, ServerRuntime server, FrontDoorContext context) {
        this.key = key;
        this.config = config;
        this.user = user;
        this.server = server;
        this.context = context;
    }

    /** A client wants a connection: it gets one now or later, or an error. */
    void acquire(ClientSession s) {
        Grant<ClientSession> grant = server.budget().acquire(key, s);
        switch (grant) {
            case Grant.TakeIdle<ClientSession> g -> {
                ServerConnection c = idle.pollFirst();
                c.idle(false);
                s.attach(c);
            }
            case Grant.Open<ClientSession> g -> open(s);
            case Grant.OpenAfterClosing<ClientSession> g -> {
                PoolRuntime victim = server.existingPool(g.victim());
                ServerConnection c = victim.idle.pollLast();
                c.idle(false);
                c.terminate(true, () -> open(s));
            }
            case Grant.Queued<ClientSession> g -> { }
            case Grant.Rejected<ClientSession> g -> s.refuse("53300", g.reason());
            default -> throw new IllegalStateException("acquire answered " + grant);
        }
    }

    /** A queued client left. */
    void cancelWait(ClientSession s) {
        server.budget().cancel(key, s);
    }

    /** Opens a connection, for {@code forWho} (null: for the pool's minimum). */
    void open(ClientSession forWho) {
        ServerConnection c = new ServerConnection(this, server.hold().epoch(), context.statementCache());
        opening.put(c, forWho);
        HostPort address = server.hold().address();
        server.connections().clone()
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(PgFrameDecoder.forServer(context.maxMessageSize()), c);
                    }
                })
                .connect(address.host(), address.port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        failed(c, ErrorFields.of(ErrorFields.FATAL, "08006", "could not connect to server "
                                + server.config().name() + " at " + address + ": " + f.cause().getMessage()));
                        closed(c, null);
                    }
                });
    }

    /** A connection logged in and is ready. */
    void ready(ServerConnection c) {
        if (baseline == null) {
            baseline = Collections.unmodifiableMap(new HashMap<>(c.reported()));
            baselineNamed = Collections.unmodifiableMap(new LinkedHashMap<>(c.reportedAsNamed()));
        }
        ClientSession forWho = opening.remove(c);
        if (forWho != null) {
            forWho.attach(c);
        } else {
            release(c);
        }
    }

    /** A connection could not be opened or logged in: its client gets the reason. */
    void failed(ServerConnection c, ErrorFields reason) {
        ClientSession forWho = opening.remove(c);
        if (forWho != null) {
            forWho.serverFailed(reason);
        }
    }

    /** A client is done with {@code c}: it is clean and ready for the next one. */
    void release(ServerConnection c) {
        if (!c.usable()) {
            c.close();   // an older epoch, or closing: closed() does the counting
            return;
        }
        Grant<ClientSession> grant = server.budget().released(key);
        switch (grant) {
            case Grant.HandOver<ClientSession> g -> g.waiter().attach(c);
            case Grant.OpenFor<ClientSession> g -> c.terminate(true, () -> server.existingPool(g.pool()).open(g.waiter()));
            case Grant.Close<ClientSession> g -> c.terminate(false, () -> { });
            case Grant.KeepIdle<ClientSession> g -> {
                c.idle(true);
                idle.addFirst(c);
            }
            default -> throw new IllegalStateException("release answered " + grant);
        }
    }

    /** {@code c} closed; {@code session} is the client that held it, if any. */
    void closed(ServerConnection c, ClientSession session) {
        boolean wasIdle = c.idle();
        if (wasIdle) {
            idle.remove(c);
            c.idle(false);
        }
        if (session != null) {
            session.serverLost(c);
        }
        if (!c.uncounted()) {
            server.carryOut(server.budget().closed(key, wasIdle));
        }
    }

    /** Closes the idle connections. */
    void closeIdle() {
        while (!idle.isEmpty() && server.budget().takeIdleForClosing(key, true)) {
            ServerConnection c = idle.pollLast();
            c.idle(false);   // counted as in use until closed() reports it
            c.terminate(false, () -> { });
        }
    }

    PoolKey key() {
        return key;
    }

    DatabasePoolConfig config() {
        return config;
    }

    HostPort address() {
        return server.hold().address();
    }

    String serverUser() {
        return key.user();
    }

    String serverDatabase() {
        return config.database();
    }

    String serverPassword() {
        return user.config().serverPassword();
    }

    SecureRandom random() {
        return context.random();
    }

    Executor authExecutor() {
        return context.authExecutor();
    }

    boolean current(long epoch) {
        return server.hold().current(epoch);
    }

    /** What a fresh connection reports, by lower-case name; null before the first one. */
    Map<String, String> baseline() {
        return baseline;
    }

    /** The same by the server's own names, in its order; null before the first one. */
    Map<String, String> baselineNamed() {
        return baselineNamed;
    }

    int idleCount() {
        return idle.size();
    }
}
