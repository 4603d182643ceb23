package dev.gatehouse.postgres.admin;

import dev.gatehouse.postgres.budget.PoolKey;
import dev.gatehouse.postgres.frontdoor.DatabasesStatus;
import dev.gatehouse.postgres.frontdoor.FrontDoorEvents;
import dev.gatehouse.postgres.frontdoor.PostgresFrontDoor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The front door's figures on the node's Micrometer registry (so {@code GET /metrics} shows them
 * with the node's own). Gauges read the last status the front door handed over (about once a
 * second, see {@code DatabasesControl.watch}), never the loop's live state; counters and the
 * queue wait's timer are fed as things happen ({@link FrontDoorEvents}). Meters of a pool appear
 * when its first client logs in. Names are dotted as the node's ({@code gatehouse.pg.*});
 * Prometheus shows {@code gatehouse_pg_*}. The events come on the front door's loop only, so
 * the caches of meters need no lock.
 */
public final class FrontDoorMetrics implements FrontDoorEvents {

    static final String SERVER_CONNECTIONS = "gatehouse.pg.server.connections";
    static final String BUDGET_CAP = "gatehouse.pg.budget.cap";
    static final String BUDGET_IN_USE = "gatehouse.pg.budget.in.use";
    static final String HOLD = "gatehouse.pg.hold";
    static final String CLIENTS = "gatehouse.pg.clients";
    static final String PINS = "gatehouse.pg.pins";
    static final String QUEUE_WAIT = "gatehouse.pg.queue.wait";
    static final String ERRORS = "gatehouse.pg.errors";

    private static final List<String> HOLD_STATES = List.of("running", "pausing", "paused");
    private static final List<String> PIN_REASONS = List.of("set", "listen", "advisory_lock", "temp_table", "hold_cursor",
            "sql_prepare");

    private final MeterRegistry registry;
    private final Set<String> registered = new HashSet<>();
    /** The meters fed per event, by their tags: a handoff is on the request path, so no builder each time. */
    /** By pool (a pool belongs to one server): looked up once per transaction, so no key is built. */
    private final Map<PoolKey, Timer> waits = new HashMap<>();
    private final Map<String, Counter> errors = new HashMap<>();
    private volatile DatabasesStatus latest = new DatabasesStatus(List.of());

    private FrontDoorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the front door's meters on {@code registry} and starts feeding them. */
    public static FrontDoorMetrics register(PostgresFrontDoor door, MeterRegistry registry) {
        FrontDoorMetrics metrics = new FrontDoorMetrics(registry);
        door.events(metrics);
        door.control().watch(metrics::update);
        return metrics;
    }

    @Override
    public void waited(String server, PoolKey pool, long nanos) {
        waits.computeIfAbsent(pool, k -> Timer.builder(QUEUE_WAIT).description("How long a client waited for a server connection")
                .tags("server", server, "database", pool.database(), "user", pool.user())
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100),
                        Duration.ofSeconds(1), Duration.ofSeconds(10))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void errorSent(String server, PoolKey pool, boolean fromServer, String sqlState) {
        // SQLSTATEs are five characters of a fixed alphabet, which bounds the series; anything
        // else a server might put there is one label, not a new series each time.
        String code = sqlState != null && sqlState.matches("[0-9A-Z]{5}") ? sqlState : "invalid";
        String key = server + '\0' + pool.database() + '\0' + pool.user() + '\0' + fromServer + '\0' + code;
        errors.computeIfAbsent(key, k -> Counter.builder(ERRORS).description("ErrorResponses sent to clients, by SQLSTATE and by who sent them")
                .tags("server", server, "database", pool.database(), "user", pool.user(),
                        "source", fromServer ? "server" : "front_door", "sqlstate", code)
                .register(registry)).increment();
    }

    /** A new status (on the front door's loop): meters for servers and pools seen for the first time. */
    private void update(DatabasesStatus status) {
        latest = status;
        for (DatabasesStatus.Server s : status.servers()) {
            String name = s.name();
            if (registered.add("server " + name)) {
                serverGauge(BUDGET_CAP, name, "The budget's cap: the most connections to the server", v -> v.cap());
                serverGauge(BUDGET_IN_USE, name, "The server's connections the budget counts now", v -> v.open());
                for (String state : HOLD_STATES) {
                    Gauge.builder(HOLD, this, m -> m.server(name) != null && m.server(name).hold().equals(state) ? 1 : 0)
                            .description("The server's hold state: 1 for the state it is in")
                            .tags("server", name, "state", state).register(registry);
                }
            }
            for (DatabasesStatus.Pool p : s.pools()) {
                if (registered.add("pool " + name + " " + p.database() + " " + p.user())) {
                    poolMeters(name, p.database(), p.user());
                }
            }
        }
    }

    private void poolMeters(String server, String database, String user) {
        String[] tags = {"server", server, "database", database, "user", user};
        poolGauge(SERVER_CONNECTIONS, tags, "idle", "Server connections by state", p -> p.idle());
        poolGauge(SERVER_CONNECTIONS, tags, "in_use", "Server connections by state", p -> p.inUse());
        poolGauge(CLIENTS, tags, "active", "Clients by state", p -> p.clients() - p.waiting());
        poolGauge(CLIENTS, tags, "waiting", "Clients by state", p -> p.waiting());
        Gauge.builder(CLIENTS, this, m -> {
            DatabasesStatus.Server s = m.server(server);
            return s == null ? 0 : s.held();
        }).description("Clients by state").tags(tags).tag("state", "held").register(registry);
        for (String reason : PIN_REASONS) {
            Gauge.builder(PINS, this, m -> {
                DatabasesStatus.Pool p = m.pool(server, database, user);
                return p == null ? 0 : p.pins().getOrDefault(reason, 0);
            }).description("Clients pinned to their server connection by session state, by reason")
                    .tags(tags).tag("reason", reason).register(registry);
        }
    }

    private void serverGauge(String name, String server, String description, ToDoubleFunction<DatabasesStatus.Server> f) {
        Gauge.builder(name, this, m -> {
            DatabasesStatus.Server s = m.server(server);
            return s == null ? 0 : f.applyAsDouble(s);
        }).description(description).tag("server", server).register(registry);
    }

    private void poolGauge(String name, String[] tags, String state, String description,
            ToDoubleFunction<DatabasesStatus.Pool> f) {
        Gauge.builder(name, this, m -> {
            DatabasesStatus.Pool p = m.pool(tags[1], tags[3], tags[5]);
            return p == null ? 0 : f.applyAsDouble(p);
        }).description(description).tags(tags).tag("state", state).register(registry);
    }

    private DatabasesStatus.Server server(String name) {
        for (DatabasesStatus.Server s : latest.servers()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private DatabasesStatus.Pool pool(String server, String database, String user) {
        DatabasesStatus.Server s = server(server);
        if (s == null) {
            return null;
        }
        for (DatabasesStatus.Pool p : s.pools()) {
            if (p.database().equals(database) && p.user().equals(user)) {
                return p;
            }
        }
        return null;
    }
}
