package dev.gatehouse.bench.chaos;

import dev.gatehouse.bench.scenario.Args;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs the chaos scenario against a Gatehouse node that is already running (docs/benchmarks.md,
 * "Chaos: killed backends"): starts the backends the node's pool points to, checks one request
 * through the node, then for {@code --duration} seconds sends the {@link ChaosLoad} while a
 * {@link ChaosMonkey} kills and restarts backends; then stops the backends and writes what
 * happened into the output directory, for {@link ChaosReport}:
 * <ul>
 *   <li>{@code requests.tsv}: one row per request as the client saw it;</li>
 *   <li>{@code instances.tsv}: one row per backend process lifetime (start, ready, kill, end);</li>
 *   <li>{@code chaos.tsv}: the kills, restarts and skipped kills in order;</li>
 *   <li>{@code run.tsv}: the settings and the time window;</li>
 *   <li>{@code backends/bN.M.log}: each backend instance's output, with its request events;</li>
 *   <li>{@code backends.pids}: every backend pid started, for the script's cleanup.</li>
 * </ul>
 *
 * <p>Usage: {@code ChaosRun --node-port N --backend-ports P1,P2,... --java JAVA --backend-classpath CP
 * --out DIR [--backend-jvm-opts "..."] [--duration 60] [--rate 400] [--workers 16] [--post-share 0.5]
 * [--delay-ms 20] [--body-bytes 1024] [--download-bytes 4096] [--timeout 10] [--kill-every 2-5]
 * [--down 1-4] [--min-up 1] [--seed N]}. Everything runs on 127.0.0.1. Exits 0 when the run
 * completed (whatever failed in it: that is the report's business), 1 when it could not run.
 */
public final class ChaosRun {

    private ChaosRun() {
    }

    /**
     * Runs the scenario.
     *
     * @param args see the class comment
     * @throws Exception on an unexpected failure of the harness itself
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        int nodePort = -1;
        List<Integer> ports = new ArrayList<>();
        String java = null;
        String backendCp = null;
        String backendOpts = "";
        Path out = null;
        int duration = 60;
        double rate = 400;
        int workers = 16;
        double postShare = 0.5;
        int delayMs = 20;
        int bodyBytes = 1024;
        int downloadBytes = 4096;
        int timeout = 10;
        ChaosMonkey.Range killEvery = new ChaosMonkey.Range(2, 5);
        ChaosMonkey.Range down = new ChaosMonkey.Range(1, 4);
        int minUp = 1;
        long seed = ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--node-port" -> nodePort = Args.intIn(a, v, 1, 65535);
                case "--backend-ports" -> {
                    for (String p : (v == null ? "" : v).split(",")) {
                        ports.add(Args.intIn(a, p, 1, 65535));
                    }
                }
                case "--java" -> java = v;
                case "--backend-classpath" -> backendCp = v;
                case "--backend-jvm-opts" -> backendOpts = v == null ? "" : v;
                case "--out" -> out = v == null ? null : Path.of(v);
                case "--duration" -> duration = Args.intIn(a, v, 1, 3600);
                case "--rate" -> rate = Args.positiveDouble(a, v);
                case "--workers" -> workers = Args.intIn(a, v, 1, 512);
                case "--post-share" -> postShare = Args.share(a, v);
                case "--delay-ms" -> delayMs = Args.intIn(a, v, 0, 10_000);
                case "--body-bytes" -> bodyBytes = Args.intIn(a, v, 1, 1 << 20);
                case "--download-bytes" -> downloadBytes = Args.intIn(a, v, 0, 1 << 24);
                case "--timeout" -> timeout = Args.intIn(a, v, 1, 600);
                case "--kill-every" -> killEvery = ChaosMonkey.Range.parse(a, v);
                case "--down" -> down = ChaosMonkey.Range.parse(a, v);
                case "--min-up" -> minUp = Args.nonNegativeInt(a, v);
                case "--seed" -> {
                    try {
                        seed = Long.parseLong(v == null ? "" : v.trim());
                    } catch (NumberFormatException e) {
                        throw Args.fail(a, v, "an integer");
                    }
                }
                default -> throw Args.fail("argument", a, "one of the options in ChaosRun's class comment");
            }
            i++;
        }
        if (nodePort < 0 || ports.size() < 2 || java == null || backendCp == null || out == null) {
            throw Args.fail("arguments", String.join(" ", args),
                    "--node-port, --backend-ports (2 or more), --java, --backend-classpath and --out");
        }
        if (minUp >= ports.size()) {
            throw Args.fail("--min-up", Integer.toString(minUp), "fewer than the " + ports.size() + " backends");
        }
        if (rate > 5000) {
            throw Args.fail("--rate", Double.toString(rate), "at most 5000 (two cores)");
        }
        settings.put("node_port", Integer.toString(nodePort));
        settings.put("backend_ports", ports.toString().replaceAll("[\\[\\] ]", ""));
        settings.put("duration_s", Integer.toString(duration));
        settings.put("rate", Double.toString(rate));
        settings.put("workers", Integer.toString(workers));
        settings.put("post_share", Double.toString(postShare));
        settings.put("delay_ms", Integer.toString(delayMs));
        settings.put("body_bytes", Integer.toString(bodyBytes));
        settings.put("download_bytes", Integer.toString(downloadBytes));
        settings.put("timeout_s", Integer.toString(timeout));
        settings.put("kill_every", killEvery.toString());
        settings.put("down", down.toString());
        settings.put("min_up", Integer.toString(minUp));
        settings.put("seed", Long.toString(seed));

        Files.createDirectories(out.resolve("backends"));
        List<String> javaCommand = new ArrayList<>();
        javaCommand.add(java);
        for (String o : backendOpts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                javaCommand.add(o);
            }
        }
        javaCommand.add("-cp");
        javaCommand.add(backendCp);
        BackendFleet fleet = new BackendFleet(ports, javaCommand, out.resolve("backends"), out.resolve("backends.pids"));
        Thread hook = new Thread(fleet::killAllNow, "chaos-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = 1;
        try {
            code = run(fleet, out, settings, nodePort, duration, rate, workers, postShare, delayMs, bodyBytes,
                    downloadBytes, timeout, killEvery, down, minUp, seed);
        } finally {
            fleet.close();
            writeInstances(out.resolve("instances.tsv"), fleet.instances());
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        System.exit(code);
    }

    private static int run(BackendFleet fleet, Path out, Map<String, String> settings, int nodePort, int duration,
                           double rate, int workers, double postShare, int delayMs, int bodyBytes, int downloadBytes,
                           int timeout, ChaosMonkey.Range killEvery, ChaosMonkey.Range down, int minUp, long seed)
            throws Exception {
        for (int b = 0; b < fleet.size(); b++) {
            fleet.start(b);
        }
        if (!fleet.awaitAllReady(60_000)) {
            System.err.println("chaos: the backends did not all start within 60 s; see " + out.resolve("backends"));
            return 1;
        }
        String prefix = "ch" + Long.toString(System.currentTimeMillis() / 1000 % 100_000_000L, 36);
        String problem = checkNode(nodePort, prefix);
        if (problem != null) {
            System.err.println("chaos: the node does not answer through its pool: " + problem);
            return 1;
        }
        ChaosLoad load = new ChaosLoad(nodePort, workers, rate, postShare, delayMs, bodyBytes, downloadBytes,
                Duration.ofSeconds(timeout), seed, prefix);
        long startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long startMicros = WallClock.micros() + (startNanos - System.nanoTime()) / 1000;
        long endNanos = startNanos + TimeUnit.SECONDS.toNanos(duration);
        ChaosMonkey monkey = new ChaosMonkey(fleet, killEvery, down, minUp, seed, startNanos, endNanos);
        Thread chaos = Thread.ofPlatform().name("chaos-monkey").daemon(true).start(monkey);
        System.err.printf("chaos: %d s of load at %s req/s, %d workers; a kill every %s, down %s; seed %d%n",
                duration, settings.get("rate"), workers, killEvery, down, seed);

        List<ChaosLoad.Result> results = load.run(startNanos, endNanos);
        long lastMicros = WallClock.micros();
        chaos.join();
        settings.put("start_micros", Long.toString(startMicros));
        settings.put("end_micros", Long.toString(startMicros + TimeUnit.SECONDS.toMicros(duration)));
        settings.put("last_response_micros", Long.toString(lastMicros));
        settings.put("skipped_slots", Long.toString(load.skippedSlots()));
        settings.put("id_prefix", prefix);
        if (monkey.failure() != null) {
            settings.put("chaos_failure", monkey.failure().toString().replace('\t', ' ').replace('\n', ' '));
        }
        writeRequests(out.resolve("requests.tsv"), results);
        writeEvents(out.resolve("chaos.tsv"), monkey.events());
        writeSettings(out.resolve("run.tsv"), settings);
        long failed = results.stream().filter(ChaosLoad.Result::failed).count();
        long kills = monkey.events().stream().filter(e -> e.kind().equals("kill")).count();
        System.err.printf("chaos: %d requests, %d failed at the client, %d kills%s%n", results.size(), failed, kills,
                monkey.failure() == null ? "" : "; the chaos thread failed: " + monkey.failure());
        return monkey.failure() == null ? 0 : 1;
    }

    /** One GET through the node to a backend, retried for up to 30 s; null when it answered 200. */
    private static String checkNode(int port, String prefix) throws InterruptedException {
        String last = "no answer";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; System.nanoTime() < deadline; i++) {
            try (RawHttpClient c = RawHttpClient.connect(port, Duration.ofSeconds(5))) {
                RawHttpResponse r = c.send("GET /status/200 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                        + "X-Request-Id: " + prefix + "-check-" + i + "\r\n\r\n").readResponse();
                if (r.status() == 200) {
                    return null;
                }
                last = "status " + r.status();
            } catch (UncheckedIOException e) {
                last = e.getMessage();
            }
            // A benchmark harness waiting for the node it started; not the node.
            Thread.sleep(200);
        }
        return last;
    }


    private static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    static final String REQUESTS_HEADER =
            "id\tmethod\tpath\tworker\tstart_us\tend_us\toutcome\tstatus\tcause\tx_backend\treused_connection";
    static final String INSTANCES_HEADER =
            "instance\tbackend\tport\tpid\tstarted_us\tready_us\tkill_us\tended_us\tend\texit_code\tlog";
    static final String EVENTS_HEADER = "time_us\tevent\tbackend\tinstance\tpid\tnote";

    private static void writeRequests(Path file, List<ChaosLoad.Result> results) throws IOException {
        List<String> lines = new ArrayList<>(results.size() + 1);
        lines.add(REQUESTS_HEADER);
        for (ChaosLoad.Result r : results) {
            lines.add(String.join("\t", r.id(), r.method(), clean(r.path()), Integer.toString(r.worker()),
                    Long.toString(r.startMicros()), Long.toString(r.endMicros()), r.outcome(),
                    Integer.toString(r.status()), clean(r.cause()), clean(r.backend()),
                    Boolean.toString(r.reusedConnection())));
        }
        Files.write(file, lines);
    }

    private static void writeInstances(Path file, List<BackendFleet.Instance> instances) {
        List<String> lines = new ArrayList<>();
        lines.add(INSTANCES_HEADER);
        for (BackendFleet.Instance in : instances) {
            lines.add(String.join("\t", in.id, Integer.toString(in.backend), Integer.toString(in.port),
                    Long.toString(in.process.pid()), Long.toString(in.startedMicros), Long.toString(in.readyMicros),
                    Long.toString(in.killMicros), Long.toString(in.endedMicros), in.end.name().toLowerCase(),
                    in.exitCode == Integer.MIN_VALUE ? "" : Integer.toString(in.exitCode),
                    in.log.getFileName().toString()));
        }
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            System.err.println("chaos: could not write " + file + ": " + e);
        }
    }

    private static void writeEvents(Path file, List<ChaosMonkey.Event> events) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(EVENTS_HEADER);
        for (ChaosMonkey.Event e : events) {
            lines.add(String.join("\t", Long.toString(e.micros()), e.kind(), Integer.toString(e.backend()),
                    e.instance(), Long.toString(e.pid()), clean(e.note())));
        }
        Files.write(file, lines);
    }

    private static void writeSettings(Path file, Map<String, String> settings) throws IOException {
        List<String> lines = new ArrayList<>();
        settings.forEach((k, v) -> lines.add(k + "\t" + clean(v)));
        Files.write(file, lines);
    }
}
