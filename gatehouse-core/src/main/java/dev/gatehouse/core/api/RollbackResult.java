package dev.gatehouse.core.api;

/**
 * {@code POST /api/v1/pools/{pool}/rollback} that applied: the version live now and its epoch.
 *
 * @param pool        the pool
 * @param liveVersion the version live again (the previous one)
 * @param epoch       the pool's epoch now, one more than before
 */
public record RollbackResult(String pool, String liveVersion, long epoch) {
}
