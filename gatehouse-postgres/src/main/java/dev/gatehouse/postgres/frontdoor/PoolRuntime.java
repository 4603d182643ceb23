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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final ServerCredentials credentials;
    private final ServerRuntime server;
    private final FrontDoorContext context;
    /** Most recently used first: the oldest are closed first when room is needed. */
    private final ArrayDeque<ServerConnection> idle = new ArrayDeque<>();
    private final Map<ServerConnection, PoolWaiter> opening = new HashMap<>();
    /** Every connection from its open until its close is reported: what a pause waits for. */
    private final Set<ServerConnection> live = new HashSet<>();
    /** The logged-in clients, for a kill and the views. */
    private final Set<ClientSession> clients = new LinkedHashSet<>();
    private Map<String, String> baseline;
    private Map<String, String> baselineNamed;
    private final ExpectedSettings expectedSettings = new ExpectedSettings();

    PoolRuntime(PoolKey key, DatabasePoolConfig config, ServerCredentials credentials, ServerRuntime server,
            FrontDoorContext context) {
        this.key = key;
        this.config = config;
        this.credentials = credentials;
        this.server = server;
        this.context = context;
    }

    /**
     * A client (or an auth_query lookup) wants a connection: it gets one now or later, or an
     * error. While its server is pausing or paused it is held (its first message kept) until the
     * resume.
     */
    void acquire(PoolWaiter s) {
        if (!server.hold().mayHandOut()) {
            server.holdClient(s);
            return;
        }
        Grant<PoolWaiter> grant = server.budget().acquire(key, s);
        switch (grant) {
            case Grant.TakeIdle<PoolWaiter> g -> {
                ServerConnection c = idle.pollFirst();
                c.idle(false);
                s.attach(c);
            }
            case Grant.Open<PoolWaiter> g -> open(s);
            case Grant.OpenAfterClosing<PoolWaiter> g -> {
                PoolRuntime victim = server.existingPool(g.victim());
                ServerConnection c = victim.idle.pollLast();
                c.idle(false);
                c.terminate(true, () -> open(s));
            }
            case Grant.Queued<PoolWaiter> g -> server.queued(s);
            case Grant.Rejected<PoolWaiter> g -> s.refuse("53300", g.reason());
            default -> throw new IllegalStateException("acquire answered " + grant);
        }
    }

    /** A queued client left. */
    void cancelWait(PoolWaiter s) {
        server.cancelWait(key, s);
    }

    /** Opens a connection, for {@code forWho} (null: for the pool's minimum). */
    void open(PoolWaiter forWho) {
        ServerConnection c = new ServerConnection(this, server.hold().epoch(), context.statementCache());
        opening.put(c, forWho);
        live.add(c);
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
            baseline = Collections.unmodifiableMap(new HashMap<>(c.settings().byLowerName()));
            baselineNamed = Collections.unmodifiableMap(new LinkedHashMap<>(c.settings().asNamed()));
        }
        PoolWaiter forWho = opening.remove(c);
        if (forWho != null && (!c.usable() || !server.hold().mayHandOut())) {
            // Opened before a pause or a reconnect: not handed out; its client tries again.
            c.close();
            server.again(forWho);
        } else if (forWho != null) {
            forWho.attach(c);
        } else {
            release(c);
        }
    }

    /** A connection could not be opened or logged in: its client gets the reason. */
    void failed(ServerConnection c, ErrorFields reason) {
        PoolWaiter forWho = opening.remove(c);
        if (forWho != null) {
            forWho.serverFailed(reason);
        }
    }

    /** A client is done with {@code c}: it is clean and ready for the next one. */
    void release(ServerConnection c) {
        if (!c.usable() || !server.hold().mayHandOut()) {
            c.close();   // an older epoch, closing, or a pause: closed() does the counting
            return;
        }
        Grant<PoolWaiter> grant = server.budget().released(key);
        switch (grant) {
            case Grant.HandOver<PoolWaiter> g -> {
                server.unqueued(g.waiter());
                g.waiter().attach(c);
            }
            case Grant.OpenFor<PoolWaiter> g -> {
                server.unqueued(g.waiter());
                c.terminate(true, () -> server.existingPool(g.pool()).open(g.waiter()));
            }
            case Grant.Close<PoolWaiter> g -> c.terminate(false, () -> { });
            case Grant.KeepIdle<PoolWaiter> g -> {
                c.idle(true);
                idle.addFirst(c);
            }
            default -> throw new IllegalStateException("release answered " + grant);
        }
    }

    /** {@code c} closed; {@code session} is the client that held it, if any. */
    void closed(ServerConnection c, ClientSession session) {
        if (!live.remove(c)) {
            return;   // reported already
        }
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
        server.connectionsChanged();
    }

    /** The pause's deadline passed: each connection still busy is cancelled on the server, then closed. */
    void cancelInFlight() {
        for (ServerConnection c : List.copyOf(live)) {
            if (c.idle()) {
                continue;
            }
            if (c.key() != null && c.session() != null) {
                c.session().cancelledByPause();
                server.sendCancel(c.key(), c::close);
            } else {
                c.close();
            }
        }
    }

    /** Closes every client (FATAL 57P01) and every server connection of the pool now. */
    void kill() {
        for (ClientSession s : List.copyOf(clients)) {
            s.killed();
        }
        for (ServerConnection c : List.copyOf(live)) {
            c.close();
        }
    }

    /** A client logged in on this pool. */
    void joined(ClientSession s) {
        clients.add(s);
    }

    /** A client left. */
    void left(ClientSession s) {
        clients.remove(s);
    }

    Set<ClientSession> clients() {
        return clients;
    }

    Set<ServerConnection> live() {
        return live;
    }

    int liveCount() {
        return live.size();
    }

    /** A probe to run on a fresh connection before it serves anyone, or null. */
    LimitsProbe limitsProbe() {
        return server.limitsProbe();
    }

    /** A probe's answer. */
    void limitsRead(LimitsProbe probe) {
        server.limitsRead(probe);
    }

    String serverName() {
        return server.config().name();
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

    /** What its connections log in to the server with. */
    ServerCredentials credentials() {
        return credentials;
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

    /** The pool's shared instance of settings a client expects (once the baseline is known). */
    ExpectedSettings.Expected expected(Map<String, String> values) {
        return expectedSettings.of(values, baselineNamed);
    }

    int idleCount() {
        return idle.size();
    }
}
