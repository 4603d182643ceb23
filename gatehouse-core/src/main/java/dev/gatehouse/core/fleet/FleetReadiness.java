package dev.gatehouse.core.fleet;

import java.time.Duration;
import java.util.Map;

/**
 * The readiness gate of a deploy in a fleet (its prepare step): the new version is ready only when
 * enough of its backends are healthy as seen from every member, not just from the coordinator; a
 * backend one node cannot reach (a firewall, a route, a DNS view of its own) would fail that
 * node's requests after the switch. Each node reports how many of the new backends it finds
 * healthy; the gate takes the smallest count over the members that are alive. A member whose
 * heartbeat has not moved for {@code stale_after} while this gate watched is not waited for (it is
 * dead or cut off, and stale: it serves nothing the cutover could break). No I/O and no clock of
 * its own; one per deploy, used by its thread only.
 */
public final class FleetReadiness {

    private final long staleAfterNanos;
    private final HeartbeatWatch beats = new HeartbeatWatch();

    /** @param staleAfter the fleet's {@code stale_after} */
    public FleetReadiness(Duration staleAfter) {
        this.staleAfterNanos = staleAfter.toNanos();
    }

    /**
     * How many of the new version's backends are healthy everywhere.
     *
     * @param nowNanos   the clock now
     * @param self       this node (the coordinator), whose own count is {@code local}
     * @param local      the new backends healthy as this node sees them
     * @param heartbeats every member now, with the store revision of its heartbeat
     * @param reports    each node's last reported count; a live member that has not reported counts 0
     */
    public int healthyEverywhere(long nowNanos, String self, int local, Map<String, Long> heartbeats,
                                 Map<String, Integer> reports) {
        int min = local;
        for (Map.Entry<String, Long> m : heartbeats.entrySet()) {
            String node = m.getKey();
            if (node.equals(self) || beats.stillFor(node, m.getValue(), nowNanos) >= staleAfterNanos) {
                continue;
            }
            min = Math.min(min, reports.getOrDefault(node, 0));
        }
        return Math.max(0, min);
    }
}
