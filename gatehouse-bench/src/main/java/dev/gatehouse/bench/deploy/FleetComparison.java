package dev.gatehouse.bench.deploy;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's lines for a fleet ({@code gatehouse-fleet-fast}, {@code gatehouse-fleet-strict}:
 * the same deploy to three nodes that share their state on etcd, the load spread over them): the
 * fleet's figures beside one node's, mode by mode (command to all new, the switch, held requests),
 * and each node's own figures in a round's line.
 */
final class FleetComparison {

    /** A fleet configuration is a one-node one's name with this in place of {@code gatehouse-}. */
    static final String FLEET_PREFIX = "gatehouse-fleet-";
    private static final String NODE_PREFIX = "gatehouse-";
    private static final List<String> MODES = List.of("fast", "strict");

    private FleetComparison() {
    }

    /** Whether a fleet configuration ran (or was meant to): then {@link #print} has something to say. */
    static boolean ran(Map<String, List<DeployReport.Round>> byConfig) {
        return byConfig.keySet().stream().anyMatch(c -> c.startsWith(FLEET_PREFIX));
    }

    /** The most nodes any round of a configuration had (1 for one node, or when none ran). */
    static int nodes(List<DeployReport.Round> rounds) {
        return rounds.stream().mapToInt(DeployReport.Round::nodeCount).max().orElse(1);
    }

    /**
     * The fleet beside one node, per mode that either ran in: medians over rounds, the worst round
     * in brackets for counts, as in the main table. {@code spread} is how far apart the nodes
     * received their first request of the new version (from their access logs): how long the fleet
     * served two versions side by side at most, in fast mode.
     */
    static void print(PrintStream out, Map<String, List<DeployReport.Round>> byConfig) {
        int width = byConfig.keySet().stream().mapToInt(String::length).reduce(FLEET_PREFIX.length() + 6, Math::max);
        String row = "  %-6s %-" + width + "s %5s %9s %9s %9s %9s %9s %9s %7s%n";
        out.println("acceptance (the scenario on a fleet beside one node, medians over rounds; ms after the command):");
        out.printf(Locale.ROOT, row, "mode", "config", "nodes", "failed", "late_v1", "all_new", "command", "switch",
                "held", "spread");
        for (String mode : MODES) {
            for (String config : List.of(NODE_PREFIX + mode, FLEET_PREFIX + mode)) {
                List<DeployReport.Round> rounds = byConfig.get(config);
                if (rounds == null) {
                    continue;
                }
                List<RoundMetrics> ok = DeployReport.ok(rounds);
                if (ok.isEmpty()) {
                    out.printf(Locale.ROOT, "  %-6s %-" + width + "s did not run: %s%n", mode, config,
                            rounds.getFirst().failure());
                    continue;
                }
                out.printf(Locale.ROOT, row, mode, config, nodes(rounds), DeployReport.count(ok, RoundMetrics::failed),
                        DeployReport.count(ok, RoundMetrics::lateV1),
                        DeployReport.fmt(DeployReport.median(ok, RoundMetrics::allNewMs)),
                        DeployReport.fmt(DeployReport.median(ok, RoundMetrics::commandMs)),
                        DeployReport.fmt(DeployReport.median(ok, RoundMetrics::switchMs)),
                        DeployReport.count(ok, RoundMetrics::held), spread(rounds));
            }
        }
    }

    /** The median over rounds of the nodes' spread; "-" for one node. */
    private static String spread(List<DeployReport.Round> rounds) {
        List<Double> spreads = new ArrayList<>();
        for (DeployReport.Round r : rounds) {
            if (r.metrics() != null && !r.nodes().isEmpty()) {
                spreads.add(spread(r.nodes()));
            }
        }
        return DeployReport.fmt(DeployReport.median(spreads));
    }

    /** From the first node to the last to receive a new-version request, ms; NaN when one never did. */
    private static double spread(Map<String, RoundMetrics.AccessFigures> nodes) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (RoundMetrics.AccessFigures f : nodes.values()) {
            if (f.firstNewArrivalMs() < 0) {
                return Double.NaN;
            }
            first = Math.min(first, f.firstNewArrivalMs());
            last = Math.max(last, f.firstNewArrivalMs());
        }
        return last - first;
    }

    /**
     * A round's figures node by node:
     * {@code nodes n1/n2/n3: switch 20.1/22.3/19.8 ms, held 4/3/5, first v2 +0/+1/+3 ms}, where the
     * last are the nodes' first new-version arrivals after the fleet's first.
     */
    static String nodesLine(Map<String, RoundMetrics.AccessFigures> nodes) {
        long first = nodes.values().stream().mapToLong(RoundMetrics.AccessFigures::firstNewArrivalMs)
                .filter(t -> t >= 0).min().orElse(-1);
        List<String> switches = new ArrayList<>();
        List<String> held = new ArrayList<>();
        List<String> arrivals = new ArrayList<>();
        for (RoundMetrics.AccessFigures f : nodes.values()) {
            switches.add(DeployReport.fmt(f.switchMs()));
            held.add(DeployReport.cnt(f.held()));
            arrivals.add(f.firstNewArrivalMs() < 0 ? "never" : "+" + (f.firstNewArrivalMs() - first));
        }
        return "nodes " + String.join("/", nodes.keySet()) + ": switch " + String.join("/", switches) + " ms, held "
                + String.join("/", held) + ", first v2 " + String.join("/", arrivals) + " ms";
    }
}
