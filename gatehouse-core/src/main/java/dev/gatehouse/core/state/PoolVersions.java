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
 */
public record PoolVersions(String live, String previous, long epoch, long affinityUntilSeconds) {

    /** A live version without version affinity. */
    public PoolVersions(String live, String previous, long epoch) {
        this(live, previous, epoch, 0);
    }

    /** Validates the parts. */
    public PoolVersions {
        Objects.requireNonNull(live, "live");
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
