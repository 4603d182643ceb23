package dev.gatehouse.bench.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Samples the node every {@code every} from the run's start to its end, one CSV row a sample
 * ({@link #COLUMNS}): from {@code /proc/PID} its resident memory ({@code VmRSS}), open file
 * descriptors and threads; from its {@code /metrics} the event loops' lag (the mean over the
 * probes since the last sample, from the histogram's {@code _sum} and {@code _count}, and the
 * largest recent one, {@code _max}), the heap in use and the old generation after the last
 * collection that shrank it ({@code jvm_gc_live_data_size_bytes}), connections and tunnels; the
 * client's own counters; and the machine's load average. A value that cannot be read is left empty (read as missing).
 *
 * <p>Reading {@code /proc} costs the node nothing; a scrape of {@code /metrics} is one admin
 * request every {@code every}, off the node's I/O loops.
 */
final class NodeSampler {

    /** The CSV columns, in order. */
    static final List<String> COLUMNS = List.of("t_s", "rss_mib", "fds", "threads", "lag_mean_ms", "lag_max_ms",
            "heap_used_mib", "heap_live_mib", "client_conns", "upstream_conns", "tunnels", "client_done",
            "client_failed", "ws_open", "load1");

    private static final double MIB = 1024 * 1024;

    private final long pid;
    private final URI metrics;
    private final HttpClient http;
    private final LongSupplier done;
    private final LongSupplier failed;
    private final LongSupplier wsOpen;
    private double lastLagSum = Double.NaN;
    private double lastLagCount = Double.NaN;

    NodeSampler(long pid, int adminPort, LongSupplier done, LongSupplier failed, LongSupplier wsOpen) {
        this.pid = pid;
        this.metrics = URI.create("http://127.0.0.1:" + adminPort + "/metrics");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.done = done;
        this.failed = failed;
        this.wsOpen = wsOpen;
    }

    /**
     * Samples at {@code startNanos + k * every} while that is before {@code endNanos} (the load
     * winds down at the end: a sample then would read its connections closing, not the node
     * under load), writing each row to {@code out} as it is taken; {@code atSecond} runs once, in
     * this thread, right after the sample at or past {@code hookSeconds} (when that is within the run).
     */
    void run(long startNanos, long endNanos, Duration every, Writer out, double hookSeconds, Runnable atSecond)
            throws IOException {
        out.write(String.join(",", COLUMNS) + "\n");
        out.flush();
        boolean hooked = false;
        for (long k = 0; ; k++) {
            long due = startNanos + k * every.toNanos();
            if (due >= endNanos || Thread.currentThread().isInterrupted()) {
                return;
            }
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            double t = (System.nanoTime() - startNanos) / 1e9;
            out.write(row(t) + "\n");
            out.flush();
            if (!hooked && t >= hookSeconds && atSecond != null) {
                hooked = true;
                atSecond.run();
            }
        }
    }

    private String row(double t) {
        Map<String, Double> status = procStatus();
        Map<String, double[]> m = scrape();
        double lagMean = Double.NaN;
        double[] lagSum = m.get("gatehouse_event_loop_lag_seconds_sum");
        double[] lagCount = m.get("gatehouse_event_loop_lag_seconds_count");
        if (lagSum != null && lagCount != null) {
            if (!Double.isNaN(lastLagCount) && lagCount[0] > lastLagCount) {
                lagMean = (lagSum[0] - lastLagSum) / (lagCount[0] - lastLagCount) * 1000;
            }
            lastLagSum = lagSum[0];
            lastLagCount = lagCount[0];
        }
        return String.join(",",
                fmt(t),
                fmt(status.getOrDefault("VmRSS", Double.NaN) / 1024),
                fmt(fds()),
                fmt(status.getOrDefault("Threads", Double.NaN)),
                fmt(lagMean),
                fmt(max(m, "gatehouse_event_loop_lag_seconds_max") * 1000),
                fmt(sumWhere(m, "jvm_memory_used_bytes", "area=\"heap\"") / MIB),
                fmt(sum(m, "jvm_gc_live_data_size_bytes") / MIB),
                fmt(sum(m, "gatehouse_client_connections")),
                fmt(sum(m, "gatehouse_upstream_connections")),
                fmt(sum(m, "gatehouse_backend_tunnels")),
                Long.toString(done.getAsLong()),
                Long.toString(failed.getAsLong()),
                Long.toString(wsOpen.getAsLong()),
                fmt(loadAverage()));
    }

    /** {@code VmRSS} (kB) and {@code Threads} from {@code /proc/PID/status}; empty when the process is gone. */
    private Map<String, Double> procStatus() {
        Map<String, Double> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon);
                if (key.equals("VmRSS") || key.equals("Threads")) {
                    out.put(key, Double.parseDouble(line.substring(colon + 1).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            // the node is gone or the line is not what it was: missing values
        }
        return out;
    }

    /** The machine's 1-minute load average: the neighbours' share of the CPUs, context for the lag. */
    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private double fds() {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return s.count();
        } catch (IOException | UncheckedIOException e) {
            return Double.NaN;
        }
    }

    /**
     * The metrics text as name to the values of its samples, the labels kept after the name
     * ({@code name} to {@code [sum over samples]}, plus {@code name{labels}} to each sample's value).
     */
    private Map<String, double[]> scrape() {
        Map<String, double[]> out = new HashMap<>();
        String text;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                return out;
            }
            text = r.body();
        } catch (IOException e) {
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out;
        }
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int space = line.lastIndexOf(' ');
            int brace = line.indexOf('{');
            String name = line.substring(0, brace > 0 && brace < space ? brace : space);
            double v;
            try {
                v = Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            out.merge(name, new double[] {v, v}, (a, b) -> new double[] {a[0] + b[0], Math.max(a[1], b[1])});
            out.put(line.substring(0, space), new double[] {v, v});
        }
        return out;
    }

    private static double sum(Map<String, double[]> m, String name) {
        double[] v = m.get(name);
        return v == null ? Double.NaN : v[0];
    }

    private static double max(Map<String, double[]> m, String name) {
        double[] v = m.get(name);
        return v == null ? Double.NaN : v[1];
    }

    private static double sumWhere(Map<String, double[]> m, String name, String label) {
        double total = 0;
        boolean any = false;
        for (Map.Entry<String, double[]> e : m.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(name + "{") && k.contains(label)) {
                total += e.getValue()[0];
                any = true;
            }
        }
        return any ? total : Double.NaN;
    }

    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
