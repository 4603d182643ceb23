package dev.gatehouse.core.fleet;

import java.util.Map;
import java.util.Set;

/**
 * The readiness gate of a deploy in a fleet (its prepare step): the new version is ready only when
 * enough of its backends are healthy as seen from every member, not just from the coordinator; a
 * backend one node cannot reach (a firewall, a route, a DNS view of its own) would fail that
 * node's requests after the switch. Each node reports how many of the new backends it finds
 * healthy; the gate takes the smallest count over the members.
 */
public final class FleetReadiness {

    private FleetReadiness() {
    }

    /**
     * How many of the new version's backends are healthy everywhere.
     *
     * @param self    this node (the coordinator), whose own count is {@code local}
     * @param local   the new backends healthy as this node sees them
     * @param members every member now (their heartbeats), this node among them or not
     * @param reports each node's last reported count; a member that has not reported counts 0
     */
    public static int healthyEverywhere(String self, int local, Set<String> members, Map<String, Integer> reports) {
        int min = local;
        for (String node : members) {
            if (!node.equals(self)) {
                min = Math.min(min, reports.getOrDefault(node, 0));
            }
        }
        return Math.max(0, min);
    }
}
