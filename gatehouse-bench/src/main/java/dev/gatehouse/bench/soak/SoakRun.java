package dev.gatehouse.bench.soak;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.gatehouse.bench.chaos.BackendFleet;
import dev.gatehouse.bench.chaos.ChaosMonkey;
import dev.gatehouse.bench.chaos.WallClock;
import dev.gatehouse.bench.scenario.Args;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.WebSocketTestClient;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Runs the soak against a Gatehouse node that is already running (docs/benchmarks.md, "Soak"):
 * starts its backends ({@code StubBackendMain} for pool {@code app}, {@code WebSocketEchoBackendMain}
 * for pool {@code ws}, one JVM each, on the ports the node's config names), checks a request and
 * a WebSocket through the node, then for {@code --duration} seconds, all at once:
 * <ul>
 *   <li>{@link SoakLoad}: HTTP requests at a fixed rate, mixed methods, bodies and connections;</li>
 *   <li>{@link SoakWebSockets}: WebSocket sessions opened, used and closed;</li>
 *   <li>a {@link ChaosMonkey}: every {@code --restart-every} seconds a random backend (of either
 *       pool) gets SIGTERM or SIGKILL and is started again {@code --down} seconds later;</li>
 *   <li>{@link NodeSampler}: the node's RSS, descriptors, threads and event-loop lag every
 *       {@code --sample-every} seconds; and, with {@code --jcmd}, a class histogram of its heap and
 *       its native memory summary {@value #SNAPSHOT_LEAD_SECONDS} s before the warm-up ends, and
 *       again after the load.</li>
 * </ul>
 * Then it writes, into {@code --out}: {@code samples.csv}, {@code totals.tsv} (per kind and cause,
 * and how many of the failures came within {@link #RESTART_WINDOW_BEFORE_MICROS} before to
 * {@link #RESTART_WINDOW_AFTER_MICROS} after a restart of a backend of their pool),
 * {@code failures.tsv}, {@code events.tsv} (the restarts), {@code run.tsv} (settings and counts),
 * {@code histogram-start.txt}, {@code histogram-end.txt}, {@code nmt-start.txt} and {@code nmt-end.txt},
 * and {@code backends/} (each backend
 * process's output). {@link SoakReport} reads them.
 *
 * <p>Usage: {@code SoakRun --node-port N --admin-port N --node-pid PID --http-ports P,P,P --ws-ports P,P
 * --java JAVA --backend-classpath CP --out DIR [--backend-jvm-opts "..."] [--duration 600] [--rate 200]
 * [--workers 32] [--max-body 262144] [--fresh-share 0.15] [--ws-sessions 16] [--ws-life 5-60]
 * [--ws-gap 0.2-2] [--restart-every 20-40] [--down 1-3] [--term-share 0.5] [--sample-every 5]
 * [--warmup 60] [--timeout 10] [--seed N] [--jcmd PATH]}. Everything runs on 127.0.0.1 and ends by
 * itself. Exits 0 when the run completed (whatever failed in it: the report tells), 1 when it
 * could not run.
 */
public final class SoakRun {

    /** A failure this long before a restart of its pool's backend counts as "with a restart". */
    static final long RESTART_WINDOW_BEFORE_MICROS = 1_000_000;
    /** ... and this long after it: the backend is down, then starting, then found healthy again. */
    static final long RESTART_WINDOW_AFTER_MICROS = 15_000_000;

    /** How long before the end of the warm-up the first heap and native memory snapshots are taken. */
    static final int SNAPSHOT_LEAD_SECONDS = 20;

    private SoakRun() {
    }

    /** The settings, parsed. */
    private static final class Settings {
        int nodePort = -1;
        int adminPort = -1;
        long nodePid = -1;
        List<Integer> httpPorts = new ArrayList<>();
        List<Integer> wsPorts = new ArrayList<>();
        String java;
        String backendCp;
        String backendOpts = "";
        Path out;
        int duration = 600;
        double rate = 200;
        int workers = 32;
        int maxBody = 256 * 1024;
        double freshShare = 0.15;
        int wsSessions = 16;
        ChaosMonkey.Range wsLife = new ChaosMonkey.Range(5, 60);
        ChaosMonkey.Range wsGap = new ChaosMonkey.Range(0.2, 2);
        ChaosMonkey.Range restartEvery = new ChaosMonkey.Range(20, 40);
        ChaosMonkey.Range down = new ChaosMonkey.Range(1, 3);
        double termShare = 0.5;
        int sampleEvery = 5;
        int warmup = 60;
        int timeout = 10;
        long seed = 1;
        String jcmd;
    }

    /**
     * Runs the soak.
     *
     * @param args see the class comment
     * @throws Exception on an unexpected failure of the harness itself
     */
    public static void main(String[] args) throws Exception {
        quietDefaultLogging();
        Settings s = parse(args);
        Files.createDirectories(s.out.resolve("backends"));
        List<String> javaCommand = new ArrayList<>();
        javaCommand.add(s.java);
        for (String o : s.backendOpts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                javaCommand.add(o);
            }
        }
        javaCommand.add("-cp");
        javaCommand.add(s.backendCp);
        List<Integer> ports = new ArrayList<>(s.httpPorts);
        ports.addAll(s.wsPorts);
        int http = s.httpPorts.size();
        BackendFleet fleet = new BackendFleet(ports, javaCommand, b -> b < http
                ? List.of("dev.gatehouse.testing.StubBackendMain", "--port", ports.get(b).toString(), "--name", "b" + b)
                : List.of("dev.gatehouse.testing.WebSocketEchoBackendMain", "--port", ports.get(b).toString(),
                        "--label", "b" + b, "--no-greeting"),
                s.out.resolve("backends"), s.out.resolve("backends.pids"));
        Thread hook = new Thread(fleet::killAllNow, "soak-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = 1;
        try {
            code = run(fleet, s);
        } finally {
            fleet.close();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        System.exit(code);
    }

    private static int run(BackendFleet fleet, Settings s) throws Exception {
        for (int b = 0; b < fleet.size(); b++) {
            fleet.start(b);
        }
        if (!fleet.awaitAllReady(60_000)) {
            System.err.println("soak: the backends did not all start within 60 s; see " + s.out.resolve("backends"));
            return 1;
        }
        String problem = checkNode(s.nodePort, s.timeout);
        if (problem != null) {
            System.err.println("soak: the node does not answer through its pools: " + problem);
            return 1;
        }
        Tally tally = new Tally();
        String prefix = "soak" + Long.toString(System.currentTimeMillis() / 1000 % 100_000_000L, 36);
        Duration timeout = Duration.ofSeconds(s.timeout);
        SoakLoad load = new SoakLoad(s.nodePort, s.workers, s.rate, s.maxBody, s.freshShare, timeout, s.seed, tally, prefix);
        SoakWebSockets ws = new SoakWebSockets(s.nodePort, s.wsSessions, s.wsLife, s.wsGap, timeout, s.seed, tally);
        NodeSampler sampler = new NodeSampler(s.nodePid, s.adminPort, tally::done, tally::failedTotal, ws::open);

        long startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        long startMicros = WallClock.micros() + (startNanos - System.nanoTime()) / 1000;
        long endNanos = startNanos + TimeUnit.SECONDS.toNanos(s.duration);
        // Only one backend down at a time: each pool always keeps one up.
        ChaosMonkey monkey = new ChaosMonkey(fleet, s.restartEvery, s.down, fleet.size() - 1, s.termShare, s.seed,
                startNanos, endNanos);
        Thread chaos = Thread.ofPlatform().name("soak-restarts").daemon(true).start(monkey);
        Thread wsThread = Thread.ofPlatform().name("soak-ws").daemon(true).start(() -> {
            try {
                ws.run(startNanos, endNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Process> histograms = new ArrayList<>();
        // 20 s before the window: the histogram's full collection, and jcmd's own start on a busy
        // machine, stall the node's loops for a moment, which the window must not see.
        double histogramAt = Math.max(0, s.warmup - SNAPSHOT_LEAD_SECONDS);
        Thread sampling = Thread.ofPlatform().name("soak-sampler").daemon(true).start(() -> {
            try (Writer w = Files.newBufferedWriter(s.out.resolve("samples.csv"), StandardCharsets.UTF_8)) {
                sampler.run(startNanos, endNanos, Duration.ofSeconds(s.sampleEvery), w, histogramAt,
                        () -> snapshots(s, "start", histograms));
            } catch (IOException e) {
                System.err.println("soak: writing samples failed: " + e);
            }
        });
        System.err.printf("soak: %d s at %s req/s (%d workers), %d WebSocket sessions, a restart every %s (down %s,"
                        + " SIGTERM share %s); samples every %d s; seed %d%n", s.duration, fmt(s.rate), s.workers,
                s.wsSessions, s.restartEvery, s.down, fmt(s.termShare), s.sampleEvery, s.seed);

        load.run(startNanos, endNanos);
        wsThread.join();
        chaos.join();
        sampling.join();
        snapshots(s, "end", histograms);
        for (Process p : histograms) {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }

        Map<String, String> run = new LinkedHashMap<>();
        run.put("start_micros", Long.toString(startMicros));
        run.put("duration_s", Integer.toString(s.duration));
        run.put("warmup_s", Integer.toString(s.warmup));
        run.put("rate", fmt(s.rate));
        run.put("workers", Integer.toString(s.workers));
        run.put("max_body", Integer.toString(s.maxBody));
        run.put("fresh_share", fmt(s.freshShare));
        run.put("ws_sessions", Integer.toString(s.wsSessions));
        run.put("ws_life", s.wsLife.toString());
        run.put("restart_every", s.restartEvery.toString());
        run.put("down", s.down.toString());
        run.put("term_share", fmt(s.termShare));
        run.put("seed", Long.toString(s.seed));
        run.put("http_backends", Integer.toString(s.httpPorts.size()));
        run.put("ws_backends", Integer.toString(s.wsPorts.size()));
        run.put("skipped_slots", Long.toString(load.skippedSlots()));
        run.put("kills", Long.toString(monkey.events().stream().filter(e -> e.kind().equals("kill")).count()));
        run.put("terms", Long.toString(monkey.events().stream().filter(e -> e.kind().equals("term")).count()));
        run.put("restarts", Long.toString(monkey.events().stream().filter(e -> e.kind().equals("restart")).count()));
        if (monkey.failure() != null) {
            run.put("restart_failure", clean(monkey.failure().toString()));
        }
        SoakOutput.write(s.out, run, tally, monkey.events(), s.httpPorts.size());
        System.err.printf("soak: %d exchanges, %d failed; %d SIGKILLs and %d SIGTERMs of backends%s%n", tally.done(),
                tally.failedTotal(), Long.parseLong(run.get("kills")), Long.parseLong(run.get("terms")),
                monkey.failure() == null ? "" : "; the restart thread failed: " + monkey.failure());
        return monkey.failure() == null ? 0 : 1;
    }

    /**
     * Starts {@code jcmd PID GC.class_histogram} into {@code histogram-<when>.txt} (it forces a full
     * collection first) and {@code jcmd PID VM.native_memory summary} into {@code nmt-<when>.txt}
     * (empty of figures when the node runs without {@code -XX:NativeMemoryTracking}).
     */
    private static void snapshots(Settings s, String when, List<Process> started) {
        if (s.jcmd == null) {
            return;
        }
        jcmd(s, "histogram-" + when + ".txt", started, "GC.class_histogram");
        jcmd(s, "nmt-" + when + ".txt", started, "VM.native_memory", "summary");
    }

    private static void jcmd(Settings s, String file, List<Process> started, String... command) {
        List<String> cmd = new ArrayList<>(List.of(s.jcmd, Long.toString(s.nodePid)));
        cmd.addAll(List.of(command));
        try {
            started.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(s.out.resolve(file).toFile()).start());
        } catch (IOException e) {
            System.err.println("soak: " + String.join(" ", cmd) + " failed: " + e);
        }
    }

    /** One GET through pool app and one WebSocket through pool ws, retried for up to 30 s; null when both work. */
    private static String checkNode(int port, int timeoutSeconds) throws InterruptedException {
        String last = "no answer";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (RawHttpClient c = RawHttpClient.connect(port, Duration.ofSeconds(timeoutSeconds))) {
                RawHttpResponse r = c.send("GET /status/200 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .readResponse();
                if (r.status() == 200) {
                    try (WebSocketTestClient ws = WebSocketTestClient.connect(port, "/ws/check")) {
                        ws.sendText("check");
                        if (ws.awaitMessage(Duration.ofSeconds(timeoutSeconds)).text().equals("check")) {
                            return null;
                        }
                        last = "the WebSocket echo differs";
                    }
                } else {
                    last = "status " + r.status();
                }
            } catch (RuntimeException | AssertionError e) {
                last = e.toString();
            }
            // A harness waiting for the node it started; not the node.
            Thread.sleep(200);
        }
        return last;
    }

    private static Settings parse(String[] args) {
        Settings s = new Settings();
        s.seed = System.nanoTime() % 1_000_000_000L;
        for (int i = 0; i < args.length; i += 2) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--node-port" -> s.nodePort = Args.intIn(a, v, 1, 65535);
                case "--admin-port" -> s.adminPort = Args.intIn(a, v, 1, 65535);
                case "--node-pid" -> s.nodePid = Args.positiveInt(a, v);
                case "--http-ports" -> s.httpPorts = ports(a, v);
                case "--ws-ports" -> s.wsPorts = ports(a, v);
                case "--java" -> s.java = v;
                case "--backend-classpath" -> s.backendCp = v;
                case "--backend-jvm-opts" -> s.backendOpts = v == null ? "" : v;
                case "--out" -> s.out = v == null ? null : Path.of(v);
                case "--duration" -> s.duration = Args.intIn(a, v, 1, 7200);
                case "--rate" -> s.rate = Args.positiveDouble(a, v);
                case "--workers" -> s.workers = Args.intIn(a, v, 1, 512);
                case "--max-body" -> s.maxBody = Args.intIn(a, v, 1, 16 << 20);
                case "--fresh-share" -> s.freshShare = Args.share(a, v);
                case "--ws-sessions" -> s.wsSessions = Args.intIn(a, v, 0, 1000);
                case "--ws-life" -> s.wsLife = ChaosMonkey.Range.parse(a, v);
                case "--ws-gap" -> s.wsGap = ChaosMonkey.Range.parse(a, v);
                case "--restart-every" -> s.restartEvery = ChaosMonkey.Range.parse(a, v);
                case "--down" -> s.down = ChaosMonkey.Range.parse(a, v);
                case "--term-share" -> s.termShare = Args.share(a, v);
                case "--sample-every" -> s.sampleEvery = Args.intIn(a, v, 1, 600);
                case "--warmup" -> s.warmup = Args.intIn(a, v, 0, 3600);
                case "--timeout" -> s.timeout = Args.intIn(a, v, 1, 600);
                case "--seed" -> {
                    try {
                        s.seed = Long.parseLong(v == null ? "" : v.trim());
                    } catch (NumberFormatException e) {
                        throw Args.fail(a, v, "an integer");
                    }
                }
                case "--jcmd" -> s.jcmd = v;
                default -> throw Args.fail("argument", a, "one of the options in SoakRun's class comment");
            }
        }
        if (s.nodePort < 0 || s.adminPort < 0 || s.nodePid < 0 || s.httpPorts.size() < 2 || s.wsPorts.size() < 2
                || s.java == null || s.backendCp == null || s.out == null) {
            throw Args.fail("arguments", String.join(" ", args), "--node-port, --admin-port, --node-pid, --http-ports"
                    + " and --ws-ports (2 or more each), --java, --backend-classpath and --out");
        }
        if (s.rate > 5000) {
            throw Args.fail("--rate", fmt(s.rate), "at most 5000 (two cores)");
        }
        return s;
    }

    private static List<Integer> ports(String name, String value) {
        List<Integer> out = new ArrayList<>();
        for (String p : (value == null ? "" : value).split(",")) {
            out.add(Args.intIn(name, p, 1, 65535));
        }
        return out;
    }


    /** Without a configuration Logback logs Netty's DEBUG lines (the WebSocket clients'); warnings are enough. */
    private static void quietDefaultLogging() {
        if (System.getProperty("logback.configurationFile") == null
                && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }

    static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
