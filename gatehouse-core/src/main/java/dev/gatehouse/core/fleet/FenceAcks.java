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
 */
public record FenceAcks(Set<String> acked, Map<String, Long> heartbeats) {

    /** Copies. */
    public FenceAcks {
        acked = Set.copyOf(acked);
        heartbeats = Map.copyOf(heartbeats);
    }
}
