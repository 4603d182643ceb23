package dev.gatehouse.bench.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The deploy scenario's report: reads every round under {@code DIR/runs} (what {@link DeployRun}
 * wrote, the node's access log {@code access.log} for Gatehouse or every node's
 * {@code access-NODE.log} for a fleet, or {@code failed.txt} for a round that could not run) and
 * the backends' request logs {@code DIR/backends/*.log}, computes each round's
 * {@link RoundMetrics} (a fleet's over its nodes' logs merged, and each node's
 * {@link RoundMetrics.AccessFigures} besides), and prints a table of medians over rounds, every
 * round's figures, the failures by cause and the acceptance lines (with {@link FleetComparison}'s
 * when a fleet ran); writes one row per round to {@code DIR/results.tsv}.
 *
 * <p>Usage: {@code DeployReport --dir DIR [--configs a,b,...] [--old v1] [--new v2]}; the configs
 * give the order of the table (default: the order of the acceptance, then any others by name).
 */
public final class DeployReport {

    /** The acceptance: every strict round within this of the command. */
    static final double ALL_NEW_LIMIT_MS = 5000;
    /** The acceptance: the switch itself, every strict round. */
    static final double SWITCH_LIMIT_MS = 100;
    static final String STRICT = "gatehouse-strict";
    /** The same deploy to a fleet of three nodes: its acceptance is the same as one node's. */
    static final String FLEET_STRICT = "gatehouse-fleet-strict";
    private static final List<String> ORDER = List.of("gatehouse-fast", FleetComparison.FLEET_PREFIX + "fast", STRICT,
            FLEET_STRICT, "nginx-reload", "haproxy-reload");
    /** The config column's least width: the one-node configurations' table keeps its layout. */
    private static final int NAME_WIDTH = 17;

    private DeployReport() {
    }

    /**
     * One round: its metrics, or why it did not run.
     *
     * @param nodes a fleet's nodes by name, each with the figures of its own access log; empty for
     *              one node or none
     */
    record Round(String config, int round, RoundMetrics metrics, String failure,
                 Map<String, RoundMetrics.AccessFigures> nodes) {

        Round(String config, int round, RoundMetrics metrics, String failure) {
            this(config, round, metrics, failure, Map.of());
        }

        /** How many nodes served the round: a fleet's, else 1. */
        int nodeCount() {
            return Math.max(1, nodes.size());
        }
    }

    /**
     * Writes the report.
     *
     * @param args see the class comment
     * @throws IOException when the files cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path dir = null;
        List<String> order = new ArrayList<>(ORDER);
        String oldV = "v1";
        String newV = "v2";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--configs" -> order = List.of(args[i + 1].split(","));
                case "--old" -> oldV = args[i + 1];
                case "--new" -> newV = args[i + 1];
                default -> throw new IllegalArgumentException("argument: \"" + args[i] + "\" (expected: --dir, --configs, --old, --new)");
            }
        }
        if (dir == null || args.length % 2 != 0) {
            throw new IllegalArgumentException("usage: DeployReport --dir DIR [--configs a,b] [--old v1] [--new v2]");
        }
        List<Round> rounds = read(dir, oldV, newV);
        writeTsv(dir.resolve("results.tsv"), rounds);
        print(System.out, rounds, order, newV);
    }

    // ------------------------------------------------------------------ reading

    static List<Round> read(Path dir, String oldV, String newV) throws IOException {
        Map<String, RoundMetrics.BackendRequest> backend = RunFiles.readBackendLogs(dir.resolve("backends"));
        List<Round> rounds = new ArrayList<>();
        Path runs = dir.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return rounds;
        }
        List<Path> roundDirs;
        try (Stream<Path> s = Files.list(runs)) {
            roundDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path r : roundDirs) {
            Map<String, String> settings = RunFiles.readSettings(r.resolve("run.tsv"));
            String name = r.getFileName().toString();
            String config = settings.getOrDefault("config", name.replaceAll("-r\\d+$", ""));
            int round = Integer.parseInt(settings.getOrDefault("round", name.replaceAll("^.*-r(\\d+)$", "$1")));
            if (Files.exists(r.resolve("failed.txt")) || !Files.exists(r.resolve("requests.tsv"))) {
                String why = Files.exists(r.resolve("failed.txt"))
                        ? Files.readString(r.resolve("failed.txt")).trim() : "no requests.tsv";
                rounds.add(new Round(config, round, null, why));
                continue;
            }
            List<RoundMetrics.Request> requests = RunFiles.readRequests(r.resolve("requests.tsv"));
            List<VersionSwitch.Event> events = RunFiles.readEvents(r.resolve("switch.tsv"));
            Map<String, List<RoundMetrics.AccessLine>> logs = RunFiles.readAccessLogs(r);
            List<RoundMetrics.AccessLine> access = null;
            if (!logs.isEmpty()) {
                access = new ArrayList<>();
                logs.values().forEach(access::addAll);
            }
            // One node's figures are the round's; a fleet's each get their own beside the merged ones.
            Map<String, RoundMetrics.AccessFigures> nodes = new LinkedHashMap<>();
            if (logs.size() > 1) {
                for (Map.Entry<String, List<RoundMetrics.AccessLine>> e : logs.entrySet()) {
                    nodes.put(e.getKey(), RoundMetrics.AccessFigures.of(e.getValue(), newV));
                }
            }
            rounds.add(new Round(config, round,
                    RoundMetrics.compute(requests, backend.isEmpty() ? null : backend, access, events, oldV, newV), null,
                    nodes));
        }
        return rounds;
    }

    // ------------------------------------------------------------------ writing

    private static final String TSV_HEADER = "config\tround\tstatus\trequests\tfailed\tfailed_on_reused\tlate_v1"
            + "\tv1_started_after\toverlap\tnot_in_backend_logs\tfirst_v2_ms\tall_new_ms\tlast_v1_sent_ms\tcommand_ms"
            + "\tswitch_ms\theld\twait_p99_ms\tgate_passed_ms\tholding_seen_ms\tcommand_end\tcauses";

    static void writeTsv(Path file, List<Round> rounds) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(TSV_HEADER);
        for (Round r : rounds) {
            RoundMetrics m = r.metrics();
            if (m == null) {
                lines.add(r.config() + "\t" + r.round() + "\tfailed" + "\t".repeat(17) + "\t" + clean(r.failure()) + "\t");
                continue;
            }
            lines.add(String.join("\t", r.config(), Integer.toString(r.round()), "ok", Integer.toString(m.requests()),
                    Integer.toString(m.failed()), Integer.toString(m.failedOnReused()), Integer.toString(m.lateV1()),
                    Integer.toString(m.v1StartedAfter()), Integer.toString(m.overlap()),
                    Integer.toString(m.notInBackendLogs()), num(m.firstV2Ms()), num(m.allNewMs()),
                    num(m.lastV1SentMs()), num(m.commandMs()), num(m.switchMs()), Integer.toString(m.held()),
                    num(m.waitP99Ms()), num(m.gatePassedMs()), num(m.holdingSeenMs()), clean(m.commandEnd()),
                    clean(m.causes().toString())));
        }
        Files.write(file, lines);
    }

    static void print(PrintStream out, List<Round> rounds, List<String> order, String newV) {
        Map<String, List<Round>> byConfig = new LinkedHashMap<>();
        for (String c : order) {
            for (Round r : rounds) {
                if (r.config().equals(c)) {
                    byConfig.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
                }
            }
        }
        new TreeMap<>(groupRest(rounds, order)).forEach(byConfig::put);
        // Wider only for longer names (the fleet's), so that the one-node table keeps its layout.
        String name = "%-" + byConfig.keySet().stream().mapToInt(String::length).reduce(NAME_WIDTH, Math::max) + "s";

        out.println("Medians over rounds; counts show the worst round in brackets when it differs. Times in ms after the command.");
        out.printf(Locale.ROOT, name + " %6s %8s %9s %9s %9s %9s %9s %9s %9s %9s %6s%n", "config", "rounds", "requests",
                "failed", "late_v1", "v1_after", "overlap", "first_v2", "all_new", "command", "switch", "held");
        for (Map.Entry<String, List<Round>> e : byConfig.entrySet()) {
            List<RoundMetrics> ok = ok(e.getValue());
            if (ok.isEmpty()) {
                out.printf(Locale.ROOT, name + " %6d failed: %s%n", e.getKey(), 0, e.getValue().getFirst().failure());
                continue;
            }
            out.printf(Locale.ROOT, name + " %6d %8s %9s %9s %9s %9s %9s %9s %9s %9s %6s%n", e.getKey(), ok.size(),
                    fmt(median(ok, RoundMetrics::requests)), count(ok, RoundMetrics::failed),
                    count(ok, RoundMetrics::lateV1), count(ok, RoundMetrics::v1StartedAfter),
                    count(ok, RoundMetrics::overlap), fmt(median(ok, RoundMetrics::firstV2Ms)),
                    fmt(median(ok, RoundMetrics::allNewMs)), fmt(median(ok, RoundMetrics::commandMs)),
                    fmt(median(ok, RoundMetrics::switchMs)), count(ok, RoundMetrics::held));
        }
        out.println();
        out.println("failed    requests without a 200 from a backend (causes below)");
        out.println("late_v1   v1 responses received after the first " + newV + " response (client)");
        out.println("v1_after  v1 requests a backend received after the first " + newV + " request was received (backend logs)");
        out.println("overlap   v1 requests still running when the first " + newV + " request was received (backend logs)");
        out.println("first_v2  the first " + newV + " response; all_new: the last v1 response (\"all new\" from then on)");
        out.println("command   until the command ended: the reload command exited, or the deploy was seen done");
        out.println("switch    Gatehouse: the longest a request waited in the node at the switch (strict: the hold)");
        out.println("held      Gatehouse: requests that arrived before the switch and ran on " + newV + " (held by strict)");
        if (byConfig.values().stream().flatMap(List::stream).anyMatch(r -> r.nodeCount() > 1)) {
            out.println("          a fleet's switch and held are over its nodes' access logs together; each node's in the rounds below");
        }

        out.println();
        out.println("every round");
        for (Map.Entry<String, List<Round>> e : byConfig.entrySet()) {
            for (Round r : e.getValue()) {
                out.println("  " + roundLine(r, name));
            }
        }

        out.println();
        out.println("failures by cause, all rounds");
        boolean any = false;
        for (Map.Entry<String, List<Round>> e : byConfig.entrySet()) {
            Map<String, Integer> causes = new TreeMap<>();
            for (RoundMetrics m : ok(e.getValue())) {
                m.causes().forEach((k, v) -> causes.merge(k, v, Integer::sum));
            }
            for (Map.Entry<String, Integer> c : causes.entrySet()) {
                out.printf(Locale.ROOT, "  " + name + " %6d  %s%n", e.getKey(), c.getValue(), c.getKey());
                any = true;
            }
        }
        if (!any) {
            out.println("  none");
        }

        out.println();
        acceptance(out, byConfig, name);
    }

    private static Map<String, List<Round>> groupRest(List<Round> rounds, List<String> order) {
        Map<String, List<Round>> rest = new HashMap<>();
        for (Round r : rounds) {
            if (!order.contains(r.config())) {
                rest.computeIfAbsent(r.config(), k -> new ArrayList<>()).add(r);
            }
        }
        return rest;
    }

    private static String roundLine(Round r, String name) {
        RoundMetrics m = r.metrics();
        String head = String.format(Locale.ROOT, name + " r%d: ", r.config(), r.round());
        if (m == null) {
            return head + "did not run: " + r.failure();
        }
        StringBuilder b = new StringBuilder(head);
        b.append(m.requests()).append(" requests, ").append(m.failed()).append(" failed");
        b.append("; late v1 ").append(m.lateV1());
        if (m.v1StartedAfter() >= 0) {
            b.append(", v1 started after ").append(m.v1StartedAfter()).append(", overlap ").append(m.overlap());
        }
        b.append("; first v2 ").append(fmt(m.firstV2Ms())).append(", all new ").append(fmt(m.allNewMs()))
                .append(", last v1 sent ").append(fmt(m.lastV1SentMs())).append(" ms");
        b.append("; command ").append(fmt(m.commandMs())).append(" ms (").append(m.commandEnd()).append(')');
        if (!Double.isNaN(m.switchMs())) {
            b.append("; switch ").append(fmt(m.switchMs())).append(" ms, held ").append(cnt(m.held()))
                    .append(" (wait p99 of the round ").append(fmt(m.waitP99Ms())).append(" ms)");
        }
        if (!Double.isNaN(m.gatePassedMs())) {
            b.append("; gate passed at ").append(fmt(m.gatePassedMs())).append(" ms");
        }
        if (!Double.isNaN(m.holdingSeenMs())) {
            b.append(", holding seen ").append(fmt(m.holdingSeenMs())).append(" ms");
        }
        if (m.notInBackendLogs() > 0) {
            b.append("; ").append(m.notInBackendLogs()).append(" answered requests missing from the backend logs");
        }
        if (!r.nodes().isEmpty()) {
            b.append("; ").append(FleetComparison.nodesLine(r.nodes()));
        }
        return b.toString();
    }

    private static void acceptance(PrintStream out, Map<String, List<Round>> byConfig, String name) {
        strictAcceptance(out, STRICT, byConfig.getOrDefault(STRICT, List.of()), "acceptance (" + STRICT + ", every round):");
        // A fleet's strict deploy makes one node's promises on every node: the same lines, when it ran.
        if (byConfig.containsKey(FLEET_STRICT)) {
            out.println();
            int nodes = FleetComparison.nodes(byConfig.get(FLEET_STRICT));
            strictAcceptance(out, FLEET_STRICT, byConfig.get(FLEET_STRICT), "the same targets for " + FLEET_STRICT
                    + (nodes > 1 ? " (" + nodes + " nodes)" : "") + ", every round:");
        }
        if (FleetComparison.ran(byConfig)) {
            out.println();
            FleetComparison.print(out, byConfig);
        }
        out.println();
        out.println("for comparison (medians over rounds):");
        for (Map.Entry<String, List<Round>> e : byConfig.entrySet()) {
            if (e.getKey().equals(STRICT) || e.getKey().equals(FLEET_STRICT)) {
                continue;
            }
            List<RoundMetrics> ok = ok(e.getValue());
            if (ok.isEmpty()) {
                out.printf(Locale.ROOT, "  " + name + " did not run%n", e.getKey());
                continue;
            }
            out.printf(Locale.ROOT, "  " + name + " %s failed, %s late v1 responses, %s v1 started after the first v2,"
                            + " all new %s after the command%n", e.getKey(), fmt(median(ok, RoundMetrics::failed)),
                    fmt(median(ok, RoundMetrics::lateV1)), fmt(median(ok, RoundMetrics::v1StartedAfter)),
                    fmtS(median(ok, RoundMetrics::allNewMs)));
        }
    }

    /** The acceptance lines of a strict configuration, every round, under {@code title}. */
    private static void strictAcceptance(PrintStream out, String config, List<Round> strictRounds, String title) {
        List<RoundMetrics> strict = ok(strictRounds);
        out.println(title);
        if (strict.isEmpty()) {
            out.println("  not measured: " + (strictRounds.isEmpty() ? config + " did not run"
                    : "no round ran (" + strictRounds.getFirst().failure() + ")"));
        } else {
            boolean incomplete = strict.size() < strictRounds.size();
            line(out, "the deploy ended done", strict.stream().allMatch(DeployReport::deployDone) && !incomplete,
                    join(strict, m -> m.commandEnd().split(":", 2)[0]) + (incomplete ? "; some rounds did not run" : ""));
            line(out, "0 failed requests", strict.stream().allMatch(m -> m.failed() == 0), join(strict, m -> Integer.toString(m.failed())));
            boolean mixed = strict.stream().allMatch(m -> m.lateV1() == 0 && m.v1StartedAfter() <= 0 && m.overlap() <= 0);
            line(out, "0 mixed-version violations", mixed && strict.stream().allMatch(RoundMetrics::switched),
                    "late v1 responses " + join(strict, m -> Integer.toString(m.lateV1()))
                            + "; v1 started after the first v2 " + join(strict, m -> cnt(m.v1StartedAfter()))
                            + "; overlapping " + join(strict, m -> cnt(m.overlap())));
            line(out, "all new within " + fmtS(ALL_NEW_LIMIT_MS) + " of the command",
                    strict.stream().allMatch(m -> m.switched() && !(m.allNewMs() > ALL_NEW_LIMIT_MS)),
                    join(strict, m -> fmtS(m.allNewMs())));
            line(out, "the switch under " + fmt(SWITCH_LIMIT_MS) + " ms",
                    strict.stream().allMatch(m -> m.switchMs() < SWITCH_LIMIT_MS),
                    "longest wait at the switch " + join(strict, m -> fmt(m.switchMs()) + " ms")
                            + "; holding seen " + join(strict, m -> fmt(m.holdingSeenMs()) + " ms"));
        }
    }

    /** Whether the deploy ended well: the API's phase {@code done}, or the CLI exited 0. */
    private static boolean deployDone(RoundMetrics m) {
        return m.commandEnd().startsWith("done") || m.commandEnd().equals("exit 0");
    }

    private static void line(PrintStream out, String what, boolean met, String values) {
        out.printf(Locale.ROOT, "  %s: %s (%s)%n", what, met ? "met" : "NOT met", values);
    }

    static List<RoundMetrics> ok(List<Round> rounds) {
        return rounds.stream().map(Round::metrics).filter(m -> m != null).toList();
    }

    private static String join(List<RoundMetrics> ms, java.util.function.Function<RoundMetrics, String> f) {
        return String.join(" / ", ms.stream().map(f).toList());
    }

    static double median(List<RoundMetrics> ms, ToDoubleFunction<RoundMetrics> f) {
        return median(ms.stream().mapToDouble(f).boxed().toList());
    }

    /** The median of the values that are known (not NaN, not negative); NaN when none is. */
    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>();
        for (double d : values) {
            if (!Double.isNaN(d) && d >= 0) {
                v.add(d);
            }
        }
        if (v.isEmpty()) {
            return Double.NaN;
        }
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /** A count column: the median, and the worst round in brackets when it differs; "-" when unknown. */
    static String count(List<RoundMetrics> ms, ToDoubleFunction<RoundMetrics> f) {
        double med = median(ms, f);
        if (Double.isNaN(med)) {
            return "-";
        }
        double max = ms.stream().mapToDouble(f).max().orElse(med);
        return max > med ? fmt(med) + " (" + fmt(max) + ")" : fmt(med);
    }

    static String cnt(int n) {
        return n < 0 ? "-" : Integer.toString(n);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.1f", v);
    }

    static String fmtS(double ms) {
        return Double.isNaN(ms) ? "never" : String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ');
    }
}
