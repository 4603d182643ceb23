package dev.gatehouse.postgres.budget;

import java.time.Duration;
import java.util.List;

/**
 * A server's budget at one moment, for the admin API, the status and the metrics.
 *
 * @param server the server's name
 * @param cap the most connections it may have
 * @param open its connections now: idle, in use, being opened or closed
 * @param waiting clients waiting for a connection, across its pools
 * @param pools each pool's counts, in the order they were added
 */
public record BudgetSnapshot(String server, int cap, int open, int waiting, List<PoolCounts> pools) {

    /** Copies the list. */
    public BudgetSnapshot {
        pools = List.copyOf(pools);
    }

    /**
     * One pool's counts.
     *
     * @param pool the pool
     * @param min its minimum
     * @param max its maximum
     * @param open its connections, idle or not
     * @param idle its idle connections
     * @param waiting its clients waiting
     * @param oldestWait how long its oldest waiting client has waited (zero when none waits)
     */
    public record PoolCounts(PoolKey pool, int min, int max, int open, int idle, int waiting, Duration oldestWait) {}
}
