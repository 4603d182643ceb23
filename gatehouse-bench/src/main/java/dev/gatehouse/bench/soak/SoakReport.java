package dev.gatehouse.bench.soak;

import dev.gatehouse.bench.scenario.Args;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The soak's report, from the files a {@link SoakRun} wrote: per sampled metric of the node its
 * {@link Trend} over the window after the warm-up, with a verdict against a limit for those that
 * must stay flat (RSS, open descriptors and those besides connections, threads, event-loop lag);
 * the exchanges and their failures by cause; the restarts; and, when the snapshots are there,
 * what grew in the heap (class histograms) and in native memory between the end of the warm-up
 * and the end of the load. Printed, and written to {@code summary.txt}.
 *
 * <p>A limited metric is {@code flat} when its slope is within its limit; {@code GROWS} when the
 * slope is above the limit and more than two standard errors above 0; {@code noise} when it is
 * above the limit but within two standard errors (a series that wobbles more than it climbs:
 * on a shared machine, the lag follows the neighbours' load). Limits (docs/benchmarks.md, "Soak",
 * says why these): RSS 1 %/min of its mean, open descriptors 2 %/min, descriptors besides
 * connections 0.5 per minute, threads 1 %/min, the event loops' mean lag 0.5 ms per minute; each
 * can be changed. Exit status 0 when nothing {@code GROWS}, 3 when something does, 1 when the
 * files cannot be read.
 *
 * <p>Usage: {@code SoakReport --dir DIR [--warmup SECONDS] [--max-rss-pct 1] [--max-fds-pct 2]
 * [--max-fds-other 0.5] [--max-threads-pct 1] [--max-lag-ms 0.5]}; the warm-up defaults to the run's.
 */
public final class SoakReport {

    /** A sampled metric: its CSV column, its name in the table, its unit, and its limit if it has one. */
    record Metric(String column, String label, String unit, Limit limit) {
    }

    /** A limit on a slope: relative (percent of the mean per minute) or absolute (unit per minute). */
    record Limit(double value, boolean relative) {

        boolean exceededBy(Trend t) {
            double slope = relative ? t.percentPerMinute() : t.slopePerMinute();
            return !Double.isNaN(slope) && slope > value;
        }

        /** Whether the slope stands out of the series' wobble: more than two standard errors above 0. */
        static boolean significant(Trend t) {
            return Double.isNaN(t.slopeErrorPerMinute()) || t.slopePerMinute() > 2 * t.slopeErrorPerMinute();
        }

        /** {@code 1 %/min}, or {@code 0.5 ms/min} for an absolute limit on a value in {@code unit}. */
        String describe(String unit) {
            String v = java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
            return relative ? v + " %/min" : v + " " + (unit.isEmpty() ? "" : unit) + "/min";
        }
    }

    private SoakReport() {
    }

    /**
     * Prints the report.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        Path dir = null;
        Integer warmup = null;
        double rss = 1;
        double fds = 2;
        double threads = 1;
        double lag = 0.5;
        double fdsOther = 0.5;
        for (int i = 0; i < args.length; i += 2) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--dir" -> dir = v == null ? null : Path.of(v);
                case "--warmup" -> warmup = Args.intIn(a, v, 0, 7200);
                case "--max-rss-pct" -> rss = Args.positiveDouble(a, v);
                case "--max-fds-pct" -> fds = Args.positiveDouble(a, v);
                case "--max-threads-pct" -> threads = Args.positiveDouble(a, v);
                case "--max-lag-ms" -> lag = Args.positiveDouble(a, v);
                case "--max-fds-other" -> fdsOther = Args.positiveDouble(a, v);
                default -> throw Args.fail("argument", a, "one of the options in SoakReport's class comment");
            }
        }
        if (dir == null) {
            throw Args.fail("--dir", null, "the directory SoakRun wrote");
        }
        List<Metric> metrics = List.of(
                new Metric("rss_mib", "RSS", "MiB", new Limit(rss, true)),
                new Metric("fds", "open file descriptors", "", new Limit(fds, true)),
                new Metric("fds_other", "descriptors besides connections", "", new Limit(fdsOther, false)),
                new Metric("threads", "threads", "", new Limit(threads, true)),
                new Metric("lag_mean_ms", "event-loop lag, mean", "ms", new Limit(lag, false)),
                new Metric("lag_max_ms", "event-loop lag, max of 2 min", "ms", null),
                new Metric("heap_live_mib", "old gen after GC", "MiB", null),
                new Metric("client_conns", "client connections", "", null),
                new Metric("upstream_conns", "backend connections", "", null),
                new Metric("tunnels", "open tunnels", "", null),
                new Metric("load1", "machine load average, 1 min", "", null));
        try {
            Result r = report(dir, warmup, metrics);
            Files.writeString(dir.resolve("summary.txt"), r.text(), StandardCharsets.UTF_8);
            System.out.print(r.text());
            System.exit(r.flat() ? 0 : 3);
        } catch (IOException | RuntimeException e) {
            System.err.println("soak report: " + e);
            System.exit(1);
        }
    }

    /** The report's text and whether every limited slope stayed within its limit. */
    record Result(String text, boolean flat) {
    }

    static Result report(Path dir, Integer warmupOverride, List<Metric> metrics) throws IOException {
        Map<String, String> run = keyValues(dir.resolve("run.tsv"));
        int warmup = warmupOverride != null ? warmupOverride : Integer.parseInt(run.getOrDefault("warmup_s", "60"));
        Map<String, double[]> samples = csv(dir.resolve("samples.csv"));
        addDescriptorsBesidesConnections(samples);
        double[] t = samples.get("t_s");
        if (t == null || t.length == 0) {
            throw new IllegalStateException("no samples in " + dir.resolve("samples.csv"));
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Soak: %s s at %s req/s, %s WebSocket sessions, %s + %s backends, a restart every %s"
                        + " (SIGTERM share %s); seed %s%n", run.get("duration_s"), run.get("rate"), run.get("ws_sessions"),
                run.get("http_backends"), run.get("ws_backends"), run.get("restart_every"), run.get("term_share"),
                run.get("seed")));
        int inWindow = 0;
        for (double x : t) {
            inWindow += x >= warmup ? 1 : 0;
        }
        out.append(String.format(Locale.ROOT, "Window: %d s to %s s after the start (%d samples; the first %d s are warm-up)%n%n",
                warmup, fmt(t[t.length - 1]), inWindow, warmup));

        String[] head = {"metric", "unit", "first", "last", "min", "max", "mean", "slope/min", "± s.e.", "%/min", "limit", "verdict"};
        List<String[]> rows = new ArrayList<>();
        List<String> grew = new ArrayList<>();
        for (Metric m : metrics) {
            double[] v = samples.get(m.column());
            if (v == null) {
                continue;
            }
            Trend tr = Trend.of(t, v, warmup);
            String verdict = "";
            if (m.limit() != null) {
                verdict = tr.n() < 3 ? "no data"
                        : !m.limit().exceededBy(tr) ? "flat"
                        : Limit.significant(tr) ? "GROWS" : "noise";
                if (verdict.equals("GROWS")) {
                    grew.add(m.label() + " " + fmt(m.limit().relative() ? tr.percentPerMinute() : tr.slopePerMinute())
                            + (m.limit().relative() ? " %/min" : " " + m.unit() + "/min") + " > " + m.limit().describe(m.unit()));
                }
            }
            rows.add(new String[] {m.label(), m.unit(), fmt(tr.first()), fmt(tr.last()), fmt(tr.min()), fmt(tr.max()),
                    fmt(tr.mean()), signed(tr.slopePerMinute()), fmt(tr.slopeErrorPerMinute()), signed(tr.percentPerMinute()),
                    m.limit() == null ? "" : m.limit().describe(m.unit()), verdict});
        }
        table(out, head, rows);
        out.append('\n');
        exchanges(out, dir, run);
        histograms(out, dir);
        nativeMemory(out, dir);
        boolean flat = grew.isEmpty();
        out.append(flat ? "Verdict: flat (no limited slope above its limit and beyond two standard errors)\n"
                : "Verdict: GROWTH beyond the limits: " + String.join("; ", grew) + "\n");
        return new Result(out.toString(), flat);
    }

    /**
     * Adds column {@code fds_other}: the open descriptors less the connections the node counts
     * (client, backend, tunnels), i.e. its listening sockets, files, epoll and event descriptors,
     * and sockets being opened or closed at the instant. The descriptor count itself follows the
     * load (connections in use, idle pooled connections); this rest should not move at all, so a
     * leak of even one descriptor per backend restart shows in its slope.
     */
    static void addDescriptorsBesidesConnections(Map<String, double[]> samples) {
        double[] fds = samples.get("fds");
        double[] client = samples.get("client_conns");
        double[] upstream = samples.get("upstream_conns");
        double[] tunnels = samples.get("tunnels");
        if (fds == null || client == null || upstream == null || tunnels == null || samples.containsKey("fds_other")) {
            return;
        }
        double[] other = new double[fds.length];
        for (int i = 0; i < fds.length; i++) {
            other[i] = fds[i] - client[i] - upstream[i] - tunnels[i];
        }
        samples.put("fds_other", other);
    }

    /** The kinds of exchange in the order the report lists them; others follow, sorted. */
    private static final List<String> KINDS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "ws-open", "ws-message",
            "ws-close", "ws-session");

    private static void exchanges(StringBuilder out, Path dir, Map<String, String> run) throws IOException {
        Map<String, long[]> byKind = new TreeMap<>((a, b) -> {
            int ia = KINDS.indexOf(a);
            int ib = KINDS.indexOf(b);
            return ia >= 0 && ib >= 0 ? Integer.compare(ia, ib) : ia >= 0 ? -1 : ib >= 0 ? 1 : a.compareTo(b);
        });
        List<String[]> failures = new ArrayList<>();
        long http = 0;
        long failed = 0;
        long withRestart = 0;
        List<String> lines = Files.readAllLines(dir.resolve("totals.tsv"), StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            long n = Long.parseLong(f[2]);
            long[] k = byKind.computeIfAbsent(f[0], x -> new long[2]);
            if (!f[0].startsWith("ws-")) {
                http += n;
            }
            if (f[1].equals("ok")) {
                k[0] += n;
            } else {
                k[1] += n;
                failed += n;
                withRestart += Long.parseLong(f[3]);
                failures.add(new String[] {f[0], f[1], f[2], f[3]});
            }
        }
        double seconds = Double.parseDouble(run.getOrDefault("duration_s", "0"));
        out.append(String.format(Locale.ROOT, "Exchanges: %d HTTP requests (%s/s; %s slots skipped by busy workers),"
                        + " %d WebSocket sessions opened, %d messages echoed%n",
                http, fmt(seconds > 0 ? http / seconds : Double.NaN), run.getOrDefault("skipped_slots", "?"),
                byKind.getOrDefault("ws-open", new long[2])[0], byKind.getOrDefault("ws-message", new long[2])[0]));
        List<String[]> rows = new ArrayList<>();
        byKind.forEach((kind, k) -> rows.add(new String[] {kind, Long.toString(k[0]), Long.toString(k[1])}));
        table(out, new String[] {"kind", "ok", "failed"}, rows);
        out.append(String.format(Locale.ROOT, "%nFailures: %d, of which %d came with a restart of a backend of their pool"
                        + " (from %d s before to %d s after its SIGKILL or SIGTERM)%n", failed, withRestart,
                SoakRun.RESTART_WINDOW_BEFORE_MICROS / 1_000_000, SoakRun.RESTART_WINDOW_AFTER_MICROS / 1_000_000));
        if (!failures.isEmpty()) {
            failures.sort((a, b) -> Long.compare(Long.parseLong(b[2]), Long.parseLong(a[2])));
            table(out, new String[] {"kind", "cause", "count", "with a restart"}, failures);
        }
        out.append(String.format(Locale.ROOT, "%nRestarts: %s SIGKILL, %s SIGTERM, %s started again%s%n%n",
                run.getOrDefault("kills", "?"), run.getOrDefault("terms", "?"), run.getOrDefault("restarts", "?"),
                run.containsKey("restart_failure") ? "; the restart thread failed: " + run.get("restart_failure") : ""));
    }

    private static void histograms(StringBuilder out, Path dir) throws IOException {
        Path start = dir.resolve("histogram-start.txt");
        Path end = dir.resolve("histogram-end.txt");
        if (!Files.isRegularFile(start) || !Files.isRegularFile(end)) {
            return;
        }
        ClassHistogram a = ClassHistogram.parse(Files.readString(start, StandardCharsets.UTF_8));
        ClassHistogram b = ClassHistogram.parse(Files.readString(end, StandardCharsets.UTF_8));
        if (a.totalBytes() == 0 || b.totalBytes() == 0) {
            out.append("Heap histograms: unreadable (see histogram-start.txt and histogram-end.txt)\n\n");
            return;
        }
        out.append(String.format(Locale.ROOT, "Live heap (class histograms after a full GC, end of warm-up -> after the load):"
                        + " %s -> %s MiB, %d -> %d objects%n", fmt(a.totalBytes() / 1048576.0), fmt(b.totalBytes() / 1048576.0),
                a.totalInstances(), b.totalInstances()));
        List<String[]> rows = new ArrayList<>();
        for (ClassHistogram.Growth g : ClassHistogram.growth(a, b, 10)) {
            rows.add(new String[] {g.className(), signed(g.bytes() / 1024.0), signed(g.instances())});
        }
        table(out, new String[] {"largest growth", "KiB", "objects"}, rows);
        out.append('\n');
    }

    private static void nativeMemory(StringBuilder out, Path dir) throws IOException {
        Path start = dir.resolve("nmt-start.txt");
        Path end = dir.resolve("nmt-end.txt");
        if (!Files.isRegularFile(start) || !Files.isRegularFile(end)) {
            return;
        }
        NativeMemory a = NativeMemory.parse(Files.readString(start, StandardCharsets.UTF_8));
        NativeMemory b = NativeMemory.parse(Files.readString(end, StandardCharsets.UTF_8));
        if (a.totalCommittedKb() == 0 || b.totalCommittedKb() == 0) {
            out.append("Native memory: not tracked (run the node with -XX:NativeMemoryTracking=summary)\n\n");
            return;
        }
        out.append(String.format(Locale.ROOT, "Native memory committed (JVM's tracking, end of warm-up -> after the load):"
                + " %s -> %s MiB%n", fmt(a.totalCommittedKb() / 1024.0), fmt(b.totalCommittedKb() / 1024.0)));
        List<String[]> rows = new ArrayList<>();
        for (NativeMemory.Change c : NativeMemory.changes(a, b, 256)) {
            rows.add(new String[] {c.category(), signed(c.kb())});
        }
        if (rows.isEmpty()) {
            out.append("no category changed by 256 KiB or more\n");
        } else {
            table(out, new String[] {"category (change >= 256 KiB)", "KiB"}, rows);
        }
        out.append('\n');
    }

    static void table(StringBuilder out, String[] head, List<String[]> rows) {
        int[] w = new int[head.length];
        boolean[] numeric = new boolean[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
                numeric[i] |= isNumber(r[i]);
            }
        }
        appendRow(out, head, w, numeric);
        for (String[] r : rows) {
            appendRow(out, r, w, numeric);
        }
    }

    private static boolean isNumber(String s) {
        return s.matches("[-+]?[0-9][0-9.]*");
    }

    private static void appendRow(StringBuilder out, String[] cells, int[] w, boolean[] numeric) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            // Columns of numbers right-aligned, text left.
            line.append(pad(cells[i], w[i], numeric[i])).append(i < cells.length - 1 ? "  " : "");
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    static Map<String, String> keyValues(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                out.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return out;
    }

    /** A CSV of numbers with a header line, as columns; an empty cell is NaN. */
    static Map<String, double[]> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return Map.of();
        }
        String[] names = lines.get(0).split(",", -1);
        Map<String, double[]> out = new HashMap<>();
        int n = lines.size() - 1;
        for (String name : names) {
            out.put(name, new double[n]);
        }
        for (int r = 0; r < n; r++) {
            String[] cells = lines.get(r + 1).split(",", -1);
            for (int c = 0; c < names.length; c++) {
                String cell = c < cells.length ? cells[c].trim() : "";
                out.get(names[c])[r] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
            }
        }
        return out;
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e12) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) || v < 0 ? fmt(v) : "+" + fmt(v);
    }
}
