package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.config.DatabasePoolConfig;
import dev.gatehouse.core.config.DatabaseServerConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.postgres.budget.Grant;
import dev.gatehouse.postgres.budget.PoolKey;
import dev.gatehouse.postgres.budget.ServerBudget;
import dev.gatehouse.postgres.hold.Hold;
import dev.gatehouse.postgres.protocol.BackendKeyData;
import dev.gatehouse.postgres.protocol.PgMessages;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL server at run time: its budget, its hold, its pools (one per database and user,
 * made when a first client of it logs in), and the check of its own connection limit. Used on the
 * front door's event loop.
 *
 * <p>The live check: until a connection of the current epoch has read the server's limits
 * ({@link LimitsProbe}), at start and after a resume, the budget runs with a cap of 1, so that a
 * budget the server cannot take is never tried; the check then sets the cap to the configured one,
 * or lower when it does not fit (an ERROR names the numbers and the config path).
 */
final class ServerRuntime {

    private static final Logger log = LoggerFactory.getLogger(ServerRuntime.class);

    private final DatabaseServerConfig config;
    private final FrontDoorContext context;
    private final ServerBudget<PoolWaiter> budget;
    private final ServerHold<PoolWaiter> hold;
    private final Bootstrap connections;
    private final int maxWaiters;
    private final Map<PoolKey, PoolRuntime> pools = new LinkedHashMap<>();
    /** The clients in the budget's queue, in arrival order: a pause moves them into the hold. */
    private final LinkedHashSet<PoolWaiter> queued = new LinkedHashSet<>();
    private boolean checkDue = true;
    private ServerLimits limits;
    private String limitsError;

    ServerRuntime(DatabaseServerConfig config, FrontDoorContext context, int maxWaiters) {
        this.config = config;
        this.context = context;
        this.maxWaiters = maxWaiters;
        this.budget = new ServerBudget<>(config.name(), 1, maxWaiters, context.clock());   // 1 until the live check
        this.hold = new ServerHold<>(new Hold(config.address(), context.clock()));
        this.connections = context.serverBootstrap((int) config.connectTimeout().toMillis());
    }

    /** The pool of {@code key}, made on first use ({@code credentials} are a new pool's; an existing one keeps its own). */
    PoolRuntime pool(PoolKey key, DatabasePoolConfig poolConfig, ServerCredentials credentials) {
        return pools.computeIfAbsent(key, k -> {
            budget.addPool(k, poolConfig.minConnections(), poolConfig.maxConnections(), poolConfig.waitTimeout());
            return new PoolRuntime(k, poolConfig, credentials, this, context);
        });
    }

    /** Carries out a grant the budget gave when a connection closed or the cap changed. */
    void carryOut(Grant<PoolWaiter> grant) {
        if (grant instanceof Grant.OpenFor<PoolWaiter> g) {
            queued.remove(g.waiter());
            pools.get(g.pool()).open(g.waiter());
        }
    }

    /** Once per tick: clients whose wait ran out, the pools' minimums, a pause's deadline. */
    void tick() {
        for (PoolWaiter s : budget.expire()) {
            queued.remove(s);
            s.waitTimedOut(config.name());
        }
        if (hold.mayHandOut()) {
            for (PoolKey k : budget.fillMinimums()) {
                pools.get(k).open(null);
            }
            return;
        }
        connectionsChanged();
        if (hold.deadlinePassed()) {
            log.warn("server {}: transactions still in flight at the pause's deadline are cancelled", config.name());
            pools.values().forEach(PoolRuntime::cancelInFlight);
        }
    }

    // ---- the hold

    /** A client that could not be handed a connection now: held until the resume, or refused when too many wait. */
    void holdClient(PoolWaiter s) {
        int waiting = hold.heldCount() + budget.snapshot().waiting();
        if (waiting >= maxWaiters) {
            s.refuse("53300", "server " + config.name() + " is " + hold.state().name().toLowerCase()
                    + " and " + waiting + " clients already wait for it");
            return;
        }
        hold.hold(s);
    }

    /** A client the budget queued. */
    void queued(PoolWaiter s) {
        queued.add(s);
    }

    /** A client granted a connection by the budget after it waited. */
    void unqueued(PoolWaiter s) {
        queued.remove(s);
    }

    /** A waiting or held client left. */
    void cancelWait(PoolKey key, PoolWaiter s) {
        if (!hold.release(s)) {
            queued.remove(s);
            budget.cancel(key, s);
        }
    }

    /** A client whose connection was opened but may not be handed out now: it tries again (held first while pausing). */
    void again(PoolWaiter s) {
        if (s.left()) {
            return;   // gone meanwhile: no queue or hold slot for it
        }
        if (hold.mayHandOut()) {
            s.pool().acquire(s);
        } else {
            hold.holdFirst(List.of(s));
        }
    }

    /**
     * Pauses the server: no more hand-outs, idle connections closed now, busy ones as their
     * transactions end (or cancelled at {@code timeout}).
     *
     * @return completes when paused, or exceptionally when resumed first
     * @throws IllegalStateException when already pausing or paused
     */
    CompletableFuture<Void> pause(Duration timeout) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        connectionsChanged();
        Hold.Step step = hold.pause(timeout, done);
        // Clients already waiting in the budget's queue are held ahead of any later one: no
        // grant may reach them before the resume.
        for (PoolWaiter s : queued) {
            budget.cancel(s.pool().key(), s);
        }
        hold.holdFirst(queued);
        queued.clear();
        if (step == Hold.Step.CLOSE_IDLE) {
            closeIdle();
        }
        return done;
    }

    /**
     * Resumes: the held clients are served in order, through the budget. The limits are read again
     * on the first new connection (a restart or a repoint may have changed them).
     *
     * @throws IllegalStateException when running
     */
    void resume() {
        List<PoolWaiter> waiting = hold.resume();
        checkDue = true;
        if (openCount() == 0) {
            budget.setCap(1);   // lowering grants nothing
        }
        for (PoolWaiter s : waiting) {
            s.pool().acquire(s);
        }
    }

    /**
     * Moves the server to {@code address} in a new epoch.
     *
     * @throws IllegalStateException when not paused (the reason named)
     */
    void repoint(HostPort address) {
        hold.repoint(address);
        checkDue = true;
        log.info("server {} repointed to {} (epoch {})", config.name(), address, hold.epoch());
    }

    /** A new epoch at the same address: idle connections closed now, busy ones when released. */
    void reconnect() {
        hold.renew();
        checkDue = true;
        closeIdle();
        log.info("server {} reconnects (epoch {})", config.name(), hold.epoch());
    }

    /** Closes every client and server connection of every pool of the server. */
    void kill() {
        pools.values().forEach(PoolRuntime::kill);
    }

    /** The open and busy counts changed: a pause completes once none is open. */
    void connectionsChanged() {
        int open = openCount();
        int idle = 0;
        for (PoolRuntime p : pools.values()) {
            idle += p.idleCount();
        }
        hold.connections(open, open - idle);
    }

    /** Sends a CancelRequest for {@code key} to the server, then runs {@code then} (sent or not). */
    void sendCancel(BackendKeyData key, Runnable then) {
        HostPort address = hold.address();
        connections.clone()
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // Nothing to read: the server answers a CancelRequest by closing.
                    }
                })
                .connect(address.host(), address.port())
                .addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        f.channel().writeAndFlush(PgMessages.cancelRequest(f.channel().alloc(), key.cancelRequest()))
                                .addListener(w -> then.run());
                    } else {
                        then.run();
                    }
                });
    }

    // ---- the live check

    /** A probe for a fresh connection to run before it serves anyone, or null when none is due. */
    LimitsProbe limitsProbe() {
        return checkDue ? new LimitsProbe(config.maxConnections()) : null;
    }

    /** A probe's answer: the cap is set to what fits. */
    void limitsRead(LimitsProbe probe) {
        if (!checkDue) {
            return;   // another connection's probe answered first
        }
        checkDue = false;
        int cap;
        try {
            limits = probe.result();
            limitsError = null;
            cap = limits.cap();
            if (!limits.fits()) {
                log.error("server {}: {}", config.name(), limits.problem(config.name()));
            }
        } catch (IllegalStateException e) {
            limitsError = e.getMessage();
            cap = config.maxConnections();
            log.warn("server {}: {}; the budget keeps its configured cap {}", config.name(), e.getMessage(), cap);
        }
        for (Grant<PoolWaiter> g : new ArrayList<>(budget.setCap(cap))) {
            carryOut(g);
        }
    }

    // ---- views

    /** Closes every idle connection (a pause, a reconnect, the node stops). */
    void closeIdle() {
        pools.values().forEach(PoolRuntime::closeIdle);
    }

    /** Closes every connection to the server now (the front door stops). */
    void closeAll() {
        for (PoolRuntime p : pools.values()) {
            for (ServerConnection c : List.copyOf(p.live())) {
                c.close();
            }
        }
    }

    int openCount() {
        int open = 0;
        for (PoolRuntime p : pools.values()) {
            open += p.liveCount();
        }
        return open;
    }

    DatabaseServerConfig config() {
        return config;
    }

    ServerBudget<PoolWaiter> budget() {
        return budget;
    }

    ServerHold<PoolWaiter> hold() {
        return hold;
    }

    Bootstrap connections() {
        return connections;
    }

    PoolRuntime existingPool(PoolKey key) {
        return pools.get(key);
    }

    Map<PoolKey, PoolRuntime> pools() {
        return pools;
    }

    /** The last live check's result, or null before one answered. */
    ServerLimits limits() {
        return limits;
    }

    /** Why the last live check failed, or null. */
    String limitsError() {
        return limitsError;
    }
}
