package dev.gatehouse.core.api;

import java.util.List;

/**
 * {@code GET /api/v1/pools}: every pool, in config order.
 *
 * @param pools the pools
 */
public record PoolList(List<PoolView> pools) {

    /** Copies. */
    public PoolList {
        pools = List.copyOf(pools);
    }
}
