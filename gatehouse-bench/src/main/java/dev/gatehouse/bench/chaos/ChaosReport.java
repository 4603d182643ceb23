package dev.gatehouse.bench.chaos;

import dev.gatehouse.bench.chaos.RunRecords.AccessEntry;
import dev.gatehouse.bench.chaos.RunRecords.Instance;
import dev.gatehouse.bench.chaos.RunRecords.Request;
import dev.gatehouse.bench.scenario.Args;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The chaos scenario's report (docs/benchmarks.md, "Chaos: killed backends"): reads what
 * {@link ChaosRun} left in a run's directory plus the node's access log and prints requests and
 * failures by method and cause, retries, the kills and restarts, which requests were in flight on
 * a backend when it was killed, and the verdict on the two acceptance points:
 * <pre>
 * idempotent failures: 0 (met)
 * non-idempotent failures explained by a kill: N of N (met)
 * </pre>
 * A failed non-idempotent request is <em>explained by a kill</em> first of all when its request id was
 * received by a backend instance (a {@code recv} line in that process's log) that has no line
 * saying it answered or dropped it ({@code done}, {@code fail}, {@code drop}) and that the chaos
 * thread killed: the process died with the request in hand. Anything else (not received by any
 * backend, answered and still failed, given up on by the node, in hand when the instance was
 * stopped at the end) is not explained, and the report says which of these it was, with what
 * the node's access log says about the request. Every failure and its explanation also go to
 * {@code failures.tsv} in the run's directory.
 *
 * <p>A second, weaker explanation covers what no backend log can show: a POST that no backend
 * process logged, but that the node sent to a backend killed at most {@code --kill-window-ms}
 * (default 100) before the request started, or while it was under way, and whose connection the
 * node then saw close or reset (its access-log error is not a refused connect). Such a request
 * was in the dying process's socket buffer, not read yet, or went out on a pooled connection the
 * kernel was tearing down as the node picked it; either way the node cannot know whether the
 * backend acted on it, so it must not retry it. It counts as explained unless {@code --strict};
 * the report shows both counts.
 *
 * <p>Usage: {@code ChaosReport --dir DIR [--access-log FILE] [--label TEXT] [--kill-window-ms 100]
 * [--strict]}. Can be run again on a finished run's directory.
 */
public final class ChaosReport {

    private static final int LISTED = 25;

    private final RunRecords run;
    private final PrintStream out;
    private final long windowMicros;
    private final boolean strict;
    private final long origin;
    private final KillExplainer explainer;

    private ChaosReport(RunRecords run, PrintStream out, long windowMillis, boolean strict) {
        this.run = run;
        this.out = out;
        this.windowMicros = windowMillis * 1000;
        this.strict = strict;
        this.origin = Long.parseLong(run.settings.getOrDefault("start_micros", "0"));
        this.explainer = new KillExplainer(run, windowMicros, origin);
    }

    /**
     * Prints the report of a run.
     *
     * @param args see the class comment
     * @throws IOException when the run's files cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path dir = null;
        Path accessLog = null;
        String label = "";
        int window = 100;
        boolean strict = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--dir" -> dir = v == null ? null : Path.of(v);
                case "--access-log" -> accessLog = v == null ? null : Path.of(v);
                case "--label" -> label = v == null ? "" : v;
                case "--kill-window-ms" -> window = Args.intIn(a, v, 0, 10_000);
                case "--strict" -> {
                    strict = true;
                    i--;
                }
                default -> throw Args.fail("argument", a, "--dir, --access-log, --label, --kill-window-ms or --strict");
            }
            i++;
        }
        if (dir == null || !Files.isRegularFile(dir.resolve("requests.tsv"))) {
            throw Args.fail("--dir", dir == null ? null : dir.toString(), "a chaos run's directory with requests.tsv");
        }
        RunRecords run = RunRecords.read(dir, accessLog);
        new ChaosReport(run, System.out, window, strict).print(dir, label);
    }

    private void print(Path dir, String label) throws IOException {
        Map<String, String> s = run.settings;
        out.printf("Chaos run: %s s at %s req/s (%s workers, POST share %s), %d backends, a kill every %s, down %s,"
                        + " at least %s up, seed %s%s%n",
                s.get("duration_s"), trim(s.get("rate")), s.get("workers"), s.get("post_share"),
                s.getOrDefault("backend_ports", "").split(",").length, s.get("kill_every"), s.get("down"),
                s.get("min_up"), s.get("seed"), label.isEmpty() ? "" : "; " + label);
        if (s.containsKey("chaos_failure")) {
            out.println("WARNING: the chaos thread failed: " + s.get("chaos_failure"));
        }
        out.println();

        List<KillExplainer.Verdict> verdicts = new ArrayList<>();
        for (Request r : run.requests) {
            if (r.failed()) {
                verdicts.add(explainer.explain(r));
            }
        }
        printTotals();
        printCauses();
        printRetries();
        printChaos();
        printInFlight();
        printNonIdempotent(verdicts);
        writeFailures(dir.resolve("failures.tsv"), verdicts);

        long idempotentFailures = run.requests.stream().filter(r -> r.failed() && r.idempotent()).count();
        long nonIdempotent = verdicts.stream().filter(v -> !v.request().idempotent()).count();
        long received = verdicts.stream().filter(v -> !v.request().idempotent() && v.tier() == KillExplainer.Tier.RECEIVED).count();
        long asKilled = verdicts.stream().filter(v -> !v.request().idempotent() && v.tier() == KillExplainer.Tier.SENT_AS_KILLED).count();
        long explained = received + (strict ? 0 : asKilled);
        long twice = run.requests.stream().filter(r -> !r.idempotent() && explainer.receivedTimes(r.id()) > 1).count();
        out.println();
        out.println("verdict");
        out.printf("idempotent failures: %d (%s)%n", idempotentFailures, idempotentFailures == 0 ? "met" : "NOT met");
        out.printf("non-idempotent failures explained by a kill: %d of %d (%s)%n", explained, nonIdempotent,
                explained == nonIdempotent ? "met" : "NOT met");
        out.printf("  received by the backend process, which was killed before answering: %d; sent to a backend as it was"
                + " killed, not read by the process: %d%s%n", received, asKilled, strict ? " (not counted: --strict)" : "");
        out.printf("non-idempotent requests received by a backend more than once: %d (%s)%n", twice,
                twice == 0 ? "met" : "NOT met");
        long postsInFlight = explainer.inFlightOnKilled().stream().filter(r -> !r.idempotent()).count();
        if (explainer.kills().isEmpty()) {
            out.println("note: no backend was killed; the checks above were not exercised");
        } else if (postsInFlight == 0) {
            out.println("note: no POST was in flight on a backend when it was killed; the second check was not exercised");
        }
    }

    // ---------------------------------------------------------------- sections

    private void printTotals() {
        out.printf("%-8s %9s %9s %9s%n", "requests", "total", "ok", "failed");
        Map<String, long[]> by = new TreeMap<>();
        long[] all = new long[3];
        for (Request r : run.requests) {
            long[] c = by.computeIfAbsent(r.method(), k -> new long[3]);
            int i = r.failed() ? 2 : 1;
            c[0]++;
            c[i]++;
            all[0]++;
            all[i]++;
        }
        by.forEach((m, c) -> out.printf("%-8s %9d %9d %9d%n", m, c[0], c[1], c[2]));
        out.printf("%-8s %9d %9d %9d%n", "all", all[0], all[1], all[2]);
        out.println();
    }

    private void printCauses() {
        Map<String, Long> by = new TreeMap<>();
        for (Request r : run.requests) {
            if (r.failed()) {
                String kind = r.outcome().equals(ChaosLoad.Result.HTTP) ? "status from the node"
                        : r.outcome().equals(ChaosLoad.Result.BAD_BODY) ? "bad response" : "client-side error";
                by.merge(String.format("%-5s %-22s %s", r.method(), kind, r.cause()), 1L, Long::sum);
            }
        }
        out.println("failures by method and cause");
        if (by.isEmpty()) {
            out.println("  none");
        }
        by.forEach((k, n) -> out.printf("  %-60s %6d%n", k, n));
        out.println();
    }

    private void printRetries() {
        out.println("retries (node access log: \"tries\" = backends tried for the request; missing = 1)");
        boolean anyTries = false;
        long noLine = 0;
        Map<String, long[]> by = new TreeMap<>();   // retried, extra tries, received 2+ times, total
        for (Request r : run.requests) {
            long[] c = by.computeIfAbsent(r.method(), k -> new long[4]);
            c[3]++;
            AccessEntry a = run.accessOf(r.id());
            if (a == null) {
                noLine++;
            } else {
                anyTries |= a.triesPresent();
                if (a.tries() > 1) {
                    c[0]++;
                    c[1] += a.tries() - 1;
                }
            }
            if (explainer.receivedTimes(r.id()) > 1) {
                c[2]++;
            }
        }
        by.forEach((m, c) -> out.printf("  %-5s retried %d of %d (%d extra tries); received by a backend more than once: %d%n",
                m, c[0], c[3], c[1], c[2]));
        if (!run.accessLogRead) {
            out.println("  no access log was read: tries unknown, counted as 1");
        } else if (!anyTries) {
            out.println("  the access log has no \"tries\" field (retries not implemented in this build?): all counted as 1");
        }
        if (noLine > 0 && run.accessLogRead) {
            out.printf("  requests without an access-log line: %d (the node's async log drops lines when its queue is full)%n",
                    noLine);
        }
        if (run.badAccessLines > 0) {
            out.printf("  unreadable access-log lines: %d%n", run.badAccessLines);
        }
        out.println();
    }

    private void printChaos() {
        List<Instance> killed = explainer.kills();
        long restarts = run.events.stream().filter(e -> e.kind().equals("restart")).count();
        long skipped = run.events.stream().filter(e -> e.kind().equals("skip")).count();
        long crashed = run.events.stream().filter(e -> e.kind().equals("exited")).count();
        out.println("chaos");
        out.printf("  kills %d, restarts %d, kills skipped %d (too few up)%s%n", killed.size(), restarts, skipped,
                crashed > 0 ? ", backends that exited by themselves " + crashed : "");
        double sumDown = 0;
        double maxDown = 0;
        int back = 0;
        for (Instance k : killed) {
            Instance next = explainer.nextInstance(k);
            if (next != null && next.readyMicros() > 0) {
                double d = (next.readyMicros() - k.killMicros()) / 1e6;
                sumDown += d;
                maxDown = Math.max(maxDown, d);
                back++;
            }
        }
        if (back > 0) {
            out.printf(Locale.ROOT, "  down per kill (SIGKILL to ready again): mean %.2f s, max %.2f s; back up before the end: %d of %d%n",
                    sumDown / back, maxDown, back, killed.size());
        }
        printUpShares();
        out.printf("  %-9s %-8s %-8s %-9s %s%n", "time s", "event", "backend", "instance", "in flight GET/POST, note");
        Map<String, int[]> inFlight = explainer.inFlightByInstance();
        for (RunRecords.Event e : run.events) {
            String note = e.note();
            if (e.kind().equals("kill")) {
                int[] c = inFlight.getOrDefault(e.instance(), new int[2]);
                note = c[0] + "/" + c[1] + (note.isEmpty() ? "" : ", " + note);
            } else if (e.kind().equals("restart")) {
                Instance in = run.instances.get(e.instance());
                note = in == null || in.readyMicros() < 0 ? "never ready"
                        : String.format(Locale.ROOT, "ready after %.2f s", (in.readyMicros() - in.startedMicros()) / 1e6);
            }
            out.printf("  %-9s %-8s %-8s %-9s %s%n", "+" + t(e.micros()), e.kind(),
                    e.backend() < 0 ? "-" : "b" + e.backend(), e.instance().isEmpty() ? "-" : e.instance(), note);
        }
        out.println();
    }

    /** Time shares with all backends up, and the fewest up at once, sampled every 10 ms of the run. */
    private void printUpShares() {
        long end = Long.parseLong(run.settings.getOrDefault("end_micros", Long.toString(origin)));
        int n = run.settings.getOrDefault("backend_ports", "").split(",").length;
        if (end <= origin || n == 0) {
            return;
        }
        int samples = 0;
        int allUp = 0;
        int fewest = Integer.MAX_VALUE;
        for (long t = origin; t < end; t += 10_000) {
            int up = 0;
            for (Instance in : run.instances.values()) {
                long from = in.readyMicros();
                long to = in.killMicros() >= 0 ? in.killMicros() : in.endedMicros() >= 0 ? in.endedMicros() : Long.MAX_VALUE;
                if (from >= 0 && from <= t && t < to) {
                    up++;
                }
            }
            samples++;
            allUp += up == n ? 1 : 0;
            fewest = Math.min(fewest, up);
        }
        out.printf(Locale.ROOT, "  all %d backends up %.0f%% of the run; fewest up at once: %d%n", n,
                100.0 * allUp / samples, fewest);
    }

    private void printInFlight() {
        out.println("in flight on a killed backend (received, not answered when it was killed)");
        Map<String, long[]> by = new TreeMap<>();
        for (Request r : explainer.inFlightOnKilled()) {
            long[] c = by.computeIfAbsent(r.method(), k -> new long[3]);
            c[0]++;
            c[r.failed() ? 1 : 2]++;
        }
        if (by.isEmpty()) {
            out.println("  none");
        }
        by.forEach((m, c) -> out.printf("  %-5s %d: failed %d, succeeded %d%s%n", m, c[0], c[1], c[2],
                m.equals("POST") ? " (a POST that succeeded was sent again after the kill)"
                        : " (succeeded = retried on another backend)"));
        out.println();
    }

    private void printNonIdempotent(List<KillExplainer.Verdict> verdicts) {
        List<KillExplainer.Verdict> post = verdicts.stream().filter(v -> !v.request().idempotent()).toList();
        List<KillExplainer.Verdict> unexplained = post.stream()
                .filter(v -> v.tier() == KillExplainer.Tier.NONE || (strict && v.tier() == KillExplainer.Tier.SENT_AS_KILLED)).toList();
        out.printf("non-idempotent failures: %d%n", post.size());
        out.printf("  received by a backend process that was then killed before answering: %d%n",
                post.stream().filter(v -> v.tier() == KillExplainer.Tier.RECEIVED).count());
        out.printf("  sent to a backend as it was killed (within %d ms), connection reset, not read by the process: %d%n",
                windowMicros / 1000, post.stream().filter(v -> v.tier() == KillExplainer.Tier.SENT_AS_KILLED).count());
        out.printf("  not explained: %d%n", unexplained.size());
        for (int i = 0; i < unexplained.size() && i < LISTED; i++) {
            KillExplainer.Verdict v = unexplained.get(i);
            out.printf("    %s %s %s at +%s s, %s: %s%n", v.request().id(), v.request().method(), v.request().path(),
                    t(v.request().startMicros()), v.request().cause(), v.why());
        }
        if (unexplained.size() > LISTED) {
            out.printf("    ... %d more in failures.tsv%n", unexplained.size() - LISTED);
        }
        List<KillExplainer.Verdict> idem = verdicts.stream().filter(v -> v.request().idempotent()).toList();
        if (!idem.isEmpty()) {
            long inFlight = idem.stream().filter(KillExplainer.Verdict::explained).count();
            out.printf("idempotent failures: %d, of which in flight on a killed backend: %d (retries should turn all into successes)%n",
                    idem.size(), inFlight);
        }
        out.println("  every failure with its explanation: failures.tsv");
    }

    private void writeFailures(Path file, List<KillExplainer.Verdict> verdicts) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("id\tmethod\tpath\tstart_s\tend_s\tcause\texplained_by_kill\twhat_happened");
        for (KillExplainer.Verdict v : verdicts) {
            Request r = v.request();
            String tier = switch (v.tier()) {
                case RECEIVED -> "received";
                case SENT_AS_KILLED -> "sent-as-killed";
                case NONE -> "no";
            };
            lines.add(String.join("\t", r.id(), r.method(), r.path(), t(r.startMicros()), t(r.endMicros()), r.cause(),
                    tier, v.why().replace('\t', ' ')));
        }
        Files.write(file, lines);
    }

    /** Seconds since the start of the load, e.g. {@code 12.345}. */
    private String t(long micros) {
        return WallClock.since(micros, origin);
    }

    private static String trim(String number) {
        return number != null && number.endsWith(".0") ? number.substring(0, number.length() - 2) : number;
    }
}
