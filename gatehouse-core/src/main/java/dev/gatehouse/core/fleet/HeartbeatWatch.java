package dev.gatehouse.core.fleet;

import java.util.HashMap;
import java.util.Map;

/**
 * How long each member's heartbeat has stayed at the same store revision, as one watcher saw it
 * from read to read: a member whose heartbeat has not moved for its {@code stale_after} is dead or
 * cut off. No clock of its own; not thread-safe (one watcher's thread).
 */
final class HeartbeatWatch {

    /** Per node, its heartbeat revision as last read, and when it was first read at that revision. */
    private final Map<String, long[]> beats = new HashMap<>();

    /**
     * How long the node's heartbeat has stayed at {@code revision} by this watcher's reads; 0 when
     * it moved since the last read, or is seen for the first time.
     */
    long stillFor(String node, long revision, long nowNanos) {
        long[] last = beats.get(node);
        if (last == null || last[0] != revision) {
            beats.put(node, new long[] {revision, nowNanos});
            return 0;
        }
        return nowNanos - last[1];
    }
}
