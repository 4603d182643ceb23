package dev.gatehouse.core.fleet;

import java.util.Map;
import java.util.Set;

/**
 * What the store says about a fleet cutover's nodes at one read: which acknowledged the fence, and
 * at which store revision each member last wrote its heartbeat (a member absent from the map has
 * no heartbeat: it left, or was gone long enough for its lease to end).
 *
 * @param acked      the nodes that acknowledged
 * @param heartbeats per member, the store revision of its last heartbeat
 * @param longestStaleAfter the longest {@code stale_after} the members' heartbeats say (zero when none says)
 */
public record FenceAcks(Set<String> acked, Map<String, Long> heartbeats, java.time.Duration longestStaleAfter) {

    /** What the heartbeats say without their {@code stale_after}. */
    public FenceAcks(Set<String> acked, Map<String, Long> heartbeats) {
        this(acked, heartbeats, java.time.Duration.ZERO);
    }

    /** Copies. */
    public FenceAcks {
        acked = Set.copyOf(acked);
        heartbeats = Map.copyOf(heartbeats);
        java.util.Objects.requireNonNull(longestStaleAfter, "longestStaleAfter");
    }
}
