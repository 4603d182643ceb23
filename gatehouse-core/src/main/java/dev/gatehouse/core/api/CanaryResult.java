package dev.gatehouse.core.api;

/**
 * A pool's versions after {@code POST /api/v1/pools/{pool}/canary}.
 *
 * @param pool          the pool
 * @param liveVersion   the version that serves
 * @param canary        the canary version, or null
 * @param canaryPercent its share of new requests (0 without a canary)
 * @param epoch         the pool's epoch (a canary does not change it)
 */
public record CanaryResult(String pool, String liveVersion, String canary, int canaryPercent, long epoch) {
}
