package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.config.DatabasePoolConfig;
import dev.gatehouse.core.config.DatabaseServerConfig;
import dev.gatehouse.postgres.budget.Grant;
import dev.gatehouse.postgres.budget.PoolKey;
import dev.gatehouse.postgres.budget.ServerBudget;
import dev.gatehouse.postgres.hold.Hold;
import io.netty.bootstrap.Bootstrap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One PostgreSQL server at run time: its budget, its hold, and its pools (one per database and
 * user, made when a first client of it logs in). Used on the front door's event loop.
 */
final class ServerRuntime {

    private final DatabaseServerConfig config;
    private final FrontDoorContext context;
    private final ServerBudget<ClientSession> budget;
    private final Hold hold;
    private final Bootstrap connections;
    private final Map<PoolKey, PoolRuntime> pools = new LinkedHashMap<>();

    ServerRuntime(DatabaseServerConfig config, FrontDoorContext context, int maxWaiters) {
        this.config = config;
        this.context = context;
        this.budget = new ServerBudget<>(config.name(), config.maxConnections(), maxWaiters, context.clock());
        this.hold = new Hold(config.address(), context.clock());
        this.connections = context.serverBootstrap((int) config.connectTimeout().toMillis());
    }

    /** The pool of {@code key}, made on first use. */
    PoolRuntime pool(PoolKey key, DatabasePoolConfig poolConfig, Users.User user) {
        return pools.computeIfAbsent(key, k -> {
            budget.addPool(k, poolConfig.minConnections(), poolConfig.maxConnections(), poolConfig.waitTimeout());
            return new PoolRuntime(k, poolConfig, user, this, context);
        });
    }

    /** Carries out a grant the budget gave when a connection closed or the cap changed. */
    void carryOut(Grant<ClientSession> grant) {
        if (grant instanceof Grant.OpenFor<ClientSession> g) {
            pools.get(g.pool()).open(g.waiter());
        }
    }

    /** Once per tick: clients whose wait ran out, and the pools' minimums. */
    void tick() {
        for (ClientSession s : budget.expire()) {
            s.waitTimedOut(config.name());
        }
        for (PoolKey k : budget.fillMinimums()) {
            pools.get(k).open(null);
        }
    }

    /** Closes every idle connection (the node stops). */
    void closeIdle() {
        pools.values().forEach(PoolRuntime::closeIdle);
    }

    DatabaseServerConfig config() {
        return config;
    }

    ServerBudget<ClientSession> budget() {
        return budget;
    }

    Hold hold() {
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
}
