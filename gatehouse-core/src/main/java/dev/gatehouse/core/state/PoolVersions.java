package dev.gatehouse.core.state;

import java.util.Objects;

/**
 * Which version of a pool's app is live: only the live version's backends take requests; backends
 * of other versions are registered (health-checked, visible) but idle. Before its first cutover a
 * pool's live version is the one its config file declares (epoch 0) when its declared backends
 * share one; when they carry several, every backend serves until a cutover picks one.
 *
 * @param live     the version that serves
 * @param previous the version that served before the last cutover, or null (what a rollback goes
 *                 back to while it is still registered)
 * @param epoch    grows by one at every change of the live version; fences requests and shows in
 *                 responses and logs
 * @param affinityUntilSeconds until when (epoch seconds) clients whose sticky cookie names a backend
 *                 of the previous version stay on it (version affinity, after a fast cutover); 0 for none
 * @param canary   a registered version that takes a share of the new requests beside the live one,
 *                 or null
 * @param canaryPercent the canary's share of new requests, 1-99 (0 without a canary)
 */
public record PoolVersions(String live, String previous, long epoch, long affinityUntilSeconds, String canary,
                           int canaryPercent) {

    /** A live version without version affinity. */
    public PoolVersions(String live, String previous, long epoch) {
        this(live, previous, epoch, 0);
    }

    /** A live version without a canary. */
    public PoolVersions(String live, String previous, long epoch, long affinityUntilSeconds) {
        this(live, previous, epoch, affinityUntilSeconds, null, 0);
    }

    /** The same versions with another canary (null and 0 for none). */
    public PoolVersions withCanary(String version, int percent) {
        return new PoolVersions(live, previous, epoch, affinityUntilSeconds, version, version == null ? 0 : percent);
    }

    /** Validates the parts. */
    public PoolVersions {
        Objects.requireNonNull(live, "live");
        if (canary == null ? canaryPercent != 0 : canaryPercent < 1 || canaryPercent > 99 || canary.equals(live)) {
            throw new IllegalArgumentException("canary: " + canary + " at " + canaryPercent
                    + " % (expected: a version other than the live one at 1-99 %, or none at 0)");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch: " + epoch + " (expected: >= 0)");
        }
    }

    /**
     * The live version a pool has before any cutover: the version its declared backends share, at
     * epoch 0; null when they carry several (or there are none).
     */
    public static PoolVersions declared(dev.gatehouse.core.config.PoolConfig pool) {
        String only = null;
        for (var b : pool.backends()) {
            if (only == null) {
                only = b.version();
            } else if (!only.equals(b.version())) {
                return null;
            }
        }
        return only == null ? null : new PoolVersions(only, null, 0);
    }
}
