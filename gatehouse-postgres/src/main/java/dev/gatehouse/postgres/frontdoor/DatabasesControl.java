package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.config.DatabasesConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.postgres.budget.BudgetSnapshot;
import dev.gatehouse.postgres.budget.PoolKey;
import dev.gatehouse.postgres.session.PinReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The front door's operations for its operators (the admin API, the CLI, tests): the hold, the
 * reconnect, the kill, and the status. Callable from any thread: each call hops onto the front
 * door's event loop (its state is single-threaded) and answers with a future, so no caller ever
 * blocks that loop, and no loop of the caller's is blocked either.
 *
 * <p>Errors complete the future exceptionally: {@link NoSuchElementException} for an unknown
 * server or pool, {@link IllegalStateException} for an operation the hold refuses in its state
 * (the reason named), {@link IllegalArgumentException} for bad input.
 */
public final class DatabasesControl {

    private final FrontDoorContext context;
    private final Map<String, ServerRuntime> servers;
    private final DatabasesConfig config;
    /** Gets a status every {@link #WATCH_TICKS} ticks (the metrics' gauges read it); null: none. */
    private volatile java.util.function.Consumer<DatabasesStatus> watcher;
    private int ticks;
    private static final int WATCH_TICKS = 10;

    DatabasesControl(FrontDoorContext context, Map<String, ServerRuntime> servers, DatabasesConfig config) {
        this.context = context;
        this.servers = servers;
        this.config = config;
    }

    /** The servers' names, in the config's order. */
    public List<String> serverNames() {
        return List.copyOf(config.servers().keySet());
    }

    /** The pools' names (the databases clients ask for), in the config's order. */
    public List<String> poolNames() {
        return List.copyOf(config.pools().keySet());
    }

    /**
     * Pauses a server: no connection is handed out; transactions in flight finish (cancelled at
     * {@code databases.limits.pause_timeout}); idle connections close now.
     *
     * @return completes once the server is paused (every connection closed)
     */
    public CompletableFuture<Void> pause(String server) {
        Duration timeout = config.limits().pauseTimeout();
        return onLoop(() -> server(server).pause(timeout)).thenCompose(f -> f);
    }

    /** The hold's state of a server now: {@code running}, {@code pausing} or {@code paused}. */
    public CompletableFuture<String> holdState(String server) {
        return onLoop(() -> server(server).hold().state().name().toLowerCase(Locale.ROOT));
    }

    /** Resumes a server: its held clients are served in arrival order. */
    public CompletableFuture<Void> resume(String server) {
        return onLoop(() -> {
            server(server).resume();
            return null;
        });
    }

    /**
     * Moves a paused server to {@code address} (a new epoch); the next connections go there.
     *
     * @throws IllegalStateException (in the future) when the server is not paused
     */
    public CompletableFuture<Void> repoint(String server, HostPort address) {
        return onLoop(() -> {
            server(server).repoint(address);
            return null;
        });
    }

    /** Reconnects a server: idle connections close now, busy ones when their clients release them. */
    public CompletableFuture<Void> reconnect(String server) {
        return onLoop(() -> {
            server(server).reconnect();
            return null;
        });
    }

    /**
     * Closes every client (FATAL 57P01) and server connection of a pool (the database clients ask
     * for, every user of it).
     *
     * @return the clients closed
     */
    public CompletableFuture<Integer> killPool(String database) {
        return onLoop(() -> {
            if (!config.pools().containsKey(database)) {
                throw new NoSuchElementException("no pool " + database + " in databases.pools");
            }
            int killed = 0;
            for (ServerRuntime s : servers.values()) {
                for (PoolRuntime p : List.copyOf(s.pools().values())) {
                    if (p.key().database().equals(database)) {
                        killed += p.clients().size();
                        p.kill();
                    }
                }
            }
            return killed;
        });
    }

    /**
     * Closes every client (FATAL 57P01) and server connection of every pool of a server.
     *
     * @return the clients closed
     */
    public CompletableFuture<Integer> killServer(String server) {
        return onLoop(() -> {
            ServerRuntime s = server(server);
            int killed = 0;
            for (PoolRuntime p : s.pools().values()) {
                killed += p.clients().size();
            }
            s.kill();
            return killed;
        });
    }

    /**
     * Hands a status to {@code watcher} about once a second, on the front door's loop (it must be
     * quick): the metrics read their gauges from the last one, never from the loop's state.
     */
    public void watch(java.util.function.Consumer<DatabasesStatus> watcher) {
        this.watcher = watcher;
        onLoop(() -> {
            watcher.accept(snapshot());
            return null;
        });
    }

    /** The front door's tick (on its loop). */
    void tick() {
        java.util.function.Consumer<DatabasesStatus> w = watcher;
        if (w != null && ++ticks % WATCH_TICKS == 0) {
            w.accept(snapshot());
        }
    }

    /** Every server and pool now. */
    public CompletableFuture<DatabasesStatus> status() {
        return onLoop(this::snapshot);
    }

    private DatabasesStatus snapshot() {
        List<DatabasesStatus.Server> out = new ArrayList<>();
        for (ServerRuntime s : servers.values()) {
            BudgetSnapshot budget = s.budget().snapshot();
            List<DatabasesStatus.Pool> pools = new ArrayList<>();
            for (BudgetSnapshot.PoolCounts counts : budget.pools()) {
                PoolRuntime p = s.existingPool(counts.pool());
                pools.add(pool(p, counts));
            }
            ServerLimits limits = s.limits();
            String problem = s.limitsError() != null ? s.limitsError()
                    : limits != null && !limits.fits() ? limits.problem(s.config().name()) : null;
            out.add(new DatabasesStatus.Server(s.config().name(), s.hold().address().toString(), s.hold().epoch(),
                    s.hold().state().name().toLowerCase(Locale.ROOT), s.hold().heldCount(), s.config().maxConnections(),
                    budget.cap(), budget.open(), budget.waiting(), limits, problem, pools));
        }
        return new DatabasesStatus(out);
    }

    private static DatabasesStatus.Pool pool(PoolRuntime p, BudgetSnapshot.PoolCounts counts) {
        PoolKey key = counts.pool();
        Map<String, Integer> pins = new TreeMap<>();
        for (ClientSession c : p.clients()) {
            for (PinReason r : c.pinReasons()) {
                pins.merge(r.name().toLowerCase(Locale.ROOT), 1, Integer::sum);
            }
        }
        return new DatabasesStatus.Pool(key.database(), key.user(), p.config().mode().name().toLowerCase(Locale.ROOT),
                counts.min(), counts.max(), counts.open(), counts.idle(), counts.open() - counts.idle(),
                counts.waiting(), counts.oldestWait().toMillis(), p.clients().size(), pins);
    }

    private ServerRuntime server(String name) {
        ServerRuntime s = servers.get(name);
        if (s == null) {
            throw new NoSuchElementException("no server " + name + " in databases.servers");
        }
        return s;
    }

    /** Runs {@code work} on the front door's loop; its exception completes the future. */
    private <T> CompletableFuture<T> onLoop(Supplier<T> work) {
        CompletableFuture<T> out = new CompletableFuture<>();
        try {
            context.loop().execute(() -> {
                try {
                    out.complete(work.get());
                } catch (RuntimeException e) {
                    out.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {   // the loop is shut down
            out.completeExceptionally(new IllegalStateException("the PostgreSQL front door is closed", e));
        }
        return out;
    }
}
