package dev.gatehouse.core.fleet;

import java.util.Comparator;
import java.util.List;

/**
 * The fleet as one node sees it, for status: every node's last report with how far its state is
 * behind the newest any node reports, and how old its heartbeat is by this node's wall clock
 * (clocks of different machines differ; the age is for a human to read).
 *
 * @param nodes the nodes by name
 */
public record FleetView(List<Member> nodes) {

    /** Copies. */
    public FleetView {
        nodes = List.copyOf(nodes);
    }

    /**
     * Builds the view from the reports read from the store.
     *
     * @param nowMillis this node's wall clock
     */
    public static FleetView of(List<NodeReport> reports, long nowMillis) {
        long newest = reports.stream().mapToLong(NodeReport::revision).max().orElse(0);
        return new FleetView(reports.stream()
                .sorted(Comparator.comparing(NodeReport::name))
                .map(r -> new Member(r, newest - r.revision(), Math.max(0, nowMillis - r.heartbeatMillis())))
                .toList());
    }

    /**
     * One node.
     *
     * @param report          its last report
     * @param revisionLag     how many store revisions its state is behind the newest reported
     * @param heartbeatAgeMillis how long ago it reported, by this node's clock
     */
    public record Member(NodeReport report, long revisionLag, long heartbeatAgeMillis) {
    }
}
