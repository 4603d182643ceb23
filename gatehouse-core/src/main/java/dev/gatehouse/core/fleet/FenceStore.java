package dev.gatehouse.core.fleet;

import java.io.IOException;
import java.time.Duration;

/**
 * Where a fleet keeps what its cutovers need beside the shared state: each node's acknowledgement
 * of a fence, and every member's heartbeat. Blocking calls to the store, bounded by the fleet's
 * timeout: never on an event loop.
 */
public interface FenceStore {

    /** This node's name in the fleet. */
    String node();

    /** The fleet's {@code stale_after}. */
    Duration staleAfter();

    /** Whether this node is stale now ({@link Freshness}); no I/O. */
    boolean stale();

    /**
     * The store revision of the state in force on this node; right after this node committed a
     * change, under the control plane's lock, the revision of that commit.
     */
    long stateRevision();

    /** Writes this node's acknowledgement of cutover {@code cutoverId} of {@code pool}. */
    void acknowledge(String pool, String cutoverId) throws IOException;

    /** Reads the acknowledgements of a cutover and every member's last heartbeat revision, linearizably. */
    FenceAcks read(String pool, String cutoverId) throws IOException;

    /**
     * Deletes every acknowledgement kept for {@code pool}'s cutovers and every readiness report of
     * its deploys (before a commit, after an end).
     */
    void forget(String pool) throws IOException;

    /** Writes how many of the backends of {@code version}, deployed to {@code pool}, this node finds healthy. */
    void reportReady(String pool, String version, int healthy) throws IOException;

    /** Every node's last readiness report for {@code version} of {@code pool}, by node. */
    java.util.Map<String, Integer> ready(String pool, String version) throws IOException;
}
