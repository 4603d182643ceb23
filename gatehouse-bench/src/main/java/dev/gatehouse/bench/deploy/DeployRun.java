package dev.gatehouse.bench.deploy;

import dev.gatehouse.bench.scenario.Args;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One round of one configuration of the deploy scenario (docs/benchmarks.md, "Deploy under
 * load"), against a proxy that is already running in front of the v1 backends (or the nodes of a
 * fleet, each of them in front of the v1 backends): checks that a request through it (each of
 * them) reaches v1, then sends the {@link VersionLoad} for {@code --duration}
 * seconds and, {@code --switch-at} seconds in, makes the switch to v2 on another thread, either
 * a Gatehouse deploy through the admin API or a script that rewrites and reloads nginx or HAProxy.
 * It writes into {@code --out}:
 * <ul>
 *   <li>{@code requests.tsv}: one row per request as the client saw it;</li>
 *   <li>{@code switch.tsv}: what the switch did and saw, with times;</li>
 *   <li>{@code run.tsv}: the settings and the time window.</li>
 * </ul>
 *
 * <p>Usage: {@code DeployRun --port N[,N...] --out DIR --config NAME --round N --id-prefix P
 * [--duration 20] [--switch-at 8] [--rate 400] [--workers 16] [--delay-ms 5-20] [--timeout 10]
 * [--seed N] [--deploy-timeout 60] (--command FILE [--command-log FILE] [--probe-admin-port N] |
 * --admin-port N --backends A,B,... --mode fast|strict [--pool web] [--version v2])}; with
 * {@code --probe-admin-port} (a command that deploys through the CLI) the node's deploy
 * endpoint is checked first, as with {@code --admin-port}. Several ports are a fleet's nodes: the
 * load's workers are spread over them ({@link VersionLoad}), and the deploy goes to the one admin
 * port given, as for one node. Everything runs on 127.0.0.1. Exits 0 when the round ran (whatever failed in it: that is the report's business),
 * 1 when it could not run, 3 when the node has no deploy API.
 */
public final class DeployRun {

    /** Exit status when the node answers the deploy endpoint with 404 or 405. */
    static final int NO_DEPLOY_API = 3;

    private DeployRun() {
    }

    /**
     * Runs one round.
     *
     * @param args see the class comment
     * @throws Exception on an unexpected failure of the harness itself
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        int[] ports = {};
        Path out = null;
        String config = null;
        int round = 1;
        String prefix = null;
        int duration = 20;
        double switchAt = 8;
        double rate = 400;
        int workers = 16;
        int[] delay = {5, 20};
        int timeout = 10;
        long seed = 1;
        Path command = null;
        Path commandLog = null;
        int adminPort = -1;
        int probePort = -1;
        List<String> backends = new ArrayList<>();
        String mode = null;
        String pool = "web";
        String version = "v2";
        int deployTimeout = 60;
        for (int i = 0; i < args.length; i += 2) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--port" -> ports = ports(a, v);
                case "--out" -> out = v == null ? null : Path.of(v);
                case "--config" -> config = v;
                case "--round" -> round = Args.intIn(a, v, 1, 1000);
                case "--id-prefix" -> prefix = v;
                case "--duration" -> duration = Args.intIn(a, v, 2, 3600);
                case "--switch-at" -> switchAt = Args.positiveDouble(a, v);
                case "--rate" -> rate = Args.positiveDouble(a, v);
                case "--workers" -> workers = Args.intIn(a, v, 1, 512);
                case "--delay-ms" -> delay = range(a, v);
                case "--timeout" -> timeout = Args.intIn(a, v, 1, 600);
                case "--seed" -> seed = Args.nonNegativeInt(a, v);
                case "--command" -> command = v == null ? null : Path.of(v);
                case "--command-log" -> commandLog = v == null ? null : Path.of(v);
                case "--admin-port" -> adminPort = Args.intIn(a, v, 1, 65535);
                case "--probe-admin-port" -> probePort = Args.intIn(a, v, 1, 65535);
                case "--backends" -> backends.addAll(List.of((v == null ? "" : v).split(",")));
                case "--mode" -> mode = v;
                case "--pool" -> pool = v;
                case "--version" -> version = v;
                case "--deploy-timeout" -> deployTimeout = Args.intIn(a, v, 1, 3600);
                default -> throw Args.fail("argument", a, "one of the options in DeployRun's class comment");
            }
        }
        if (ports.length == 0 || out == null || config == null || prefix == null || (command == null) == (adminPort < 0)) {
            throw Args.fail("arguments", String.join(" ", args),
                    "--port, --out, --config, --id-prefix, and either --command or --admin-port");
        }
        if (switchAt >= duration) {
            throw Args.fail("--switch-at", Double.toString(switchAt), "less than --duration (" + duration + ")");
        }
        if (adminPort > 0 && (backends.isEmpty() || !("fast".equals(mode) || "strict".equals(mode)))) {
            throw Args.fail("--backends/--mode", backends + "/" + mode, "the new backends and fast or strict");
        }
        Files.createDirectories(out);
        s.put("config", config);
        s.put("round", Integer.toString(round));
        s.put("id_prefix", prefix);
        s.put("port", joined(ports));
        s.put("duration_s", Integer.toString(duration));
        s.put("switch_at_s", Double.toString(switchAt));
        s.put("rate", Double.toString(rate));
        s.put("workers", Integer.toString(workers));
        s.put("delay_ms", delay[0] + "-" + delay[1]);
        s.put("timeout_s", Integer.toString(timeout));
        s.put("seed", Long.toString(seed));
        // A node without the deploy endpoint fails the round before any load: with the API, or
        // with a command (the CLI) that would talk to it.
        int probe = adminPort > 0 ? adminPort : probePort;
        if (probe > 0) {
            String missing = ApiDeploySwitch.probe(probe, pool);
            if (missing != null) {
                System.err.println("deploy: " + missing);
                System.exit(NO_DEPLOY_API);
            }
        }
        VersionSwitch change;
        if (command != null) {
            s.put("switch", "command " + command);
            change = new CommandSwitch(command, commandLog != null ? commandLog : out.resolve("switch.log"),
                    deployTimeout + 60L);
        } else {
            s.put("switch", "deploy api, admin port " + adminPort + ", pool " + pool + ", " + version + " on "
                    + String.join(",", backends) + ", mode " + mode);
            change = new ApiDeploySwitch(adminPort, pool, version, backends, mode, deployTimeout);
        }

        for (int port : ports) {
            String problem = checkProxy(port, prefix);
            if (problem != null) {
                System.err.println("deploy: " + config + (ports.length > 1 ? " on port " + port : "")
                        + " does not answer from v1: " + problem);
                System.exit(1);
            }
        }

        VersionLoad load = new VersionLoad(ports, workers, rate, delay[0], delay[1], Duration.ofSeconds(timeout), seed,
                prefix);
        long startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long startMicros = WallClock.micros() + (startNanos - System.nanoTime()) / 1000;
        long endNanos = startNanos + TimeUnit.SECONDS.toNanos(duration);
        long switchNanos = startNanos + (long) (switchAt * 1e9);
        Thread switcher = Thread.ofPlatform().name("deploy-switch").daemon(true).start(() -> {
            try {
                long wait = switchNanos - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                change.run();
            } catch (InterruptedException e) {
                change.record(VersionSwitch.COMMAND_END, "interrupted");
            } catch (RuntimeException e) {
                change.record(VersionSwitch.COMMAND_END, "failed: " + e);
            }
        });
        System.err.printf("deploy: %s round %d: %d s at %s req/s, %d connections, /delay/%d-%d; the switch at %s s%n",
                config, round, duration, s.get("rate"), workers, delay[0], delay[1], s.get("switch_at_s"));
        List<VersionLoad.Result> results = load.run(startNanos, endNanos);
        long lastMicros = WallClock.micros();
        // A deploy may still be draining or retiring when the load ends: its end is part of the record.
        switcher.join(TimeUnit.SECONDS.toMillis(deployTimeout + 130L));
        s.put("start_us", Long.toString(startMicros));
        s.put("switch_due_us", Long.toString(startMicros + (long) (switchAt * 1e6)));
        s.put("end_us", Long.toString(startMicros + TimeUnit.SECONDS.toMicros(duration)));
        s.put("last_response_us", Long.toString(lastMicros));
        s.put("skipped_slots", Long.toString(load.skippedSlots()));
        writeRequests(out.resolve("requests.tsv"), results);
        writeEvents(out.resolve("switch.tsv"), change.events());
        writeSettings(out.resolve("run.tsv"), s);
        long failed = results.stream().filter(r -> !VersionLoad.Result.OK.equals(r.outcome())).count();
        List<VersionSwitch.Event> ev = change.events();
        System.err.printf("deploy: %s round %d: %d requests, %d failed; switch: %s%n", config, round, results.size(),
                failed, ev.isEmpty() ? "never ran" : ev.getLast().event() + " " + ev.getLast().detail());
        System.exit(0);
    }

    /** One GET through the proxy, retried for up to 30 s; null when a v1 backend answered 200. */
    private static String checkProxy(int port, String prefix) throws InterruptedException {
        String last = "no answer";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; System.nanoTime() < deadline; i++) {
            try (RawHttpClient c = RawHttpClient.connect(port, Duration.ofSeconds(5))) {
                RawHttpResponse r = c.send("GET /delay/0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                        + "X-Request-Id: " + prefix + ".check-" + i + "\r\n\r\n").readResponse();
                String backend = r.header("X-Backend");
                if (r.status() == 200 && backend != null && backend.startsWith("v1-")) {
                    return null;
                }
                last = "status " + r.status() + ", X-Backend " + backend;
            } catch (UncheckedIOException e) {
                last = e.getMessage();
            }
            // A benchmark harness waiting for the node it started; not the node.
            Thread.sleep(200);
        }
        return last;
    }

    /** One port or a comma-separated list of distinct ones. */
    private static int[] ports(String name, String value) {
        String[] parts = (value == null ? "" : value).split(",", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Args.intIn(name, parts[i].trim(), 1, 65535);
        }
        if (Arrays.stream(out).distinct().count() < out.length) {
            throw Args.fail(name, value, "distinct ports");
        }
        return out;
    }

    private static String joined(int[] ports) {
        return String.join(",", Arrays.stream(ports).mapToObj(Integer::toString).toList());
    }

    private static int[] range(String name, String value) {
        String v = value == null ? "" : value.trim();
        String[] parts = v.split("-", -1);
        try {
            int lo = Integer.parseInt(parts[0]);
            int hi = parts.length > 1 ? Integer.parseInt(parts[1]) : lo;
            if (parts.length <= 2 && lo >= 0 && hi >= lo && hi <= 10_000) {
                return new int[] {lo, hi};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Args.fail(name, value, "milliseconds MIN-MAX such as 5-20, 0-10000");
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    static final String REQUESTS_HEADER =
            "id\tworker\tdelay_ms\tstart_us\tend_us\toutcome\tstatus\tcause\tx_backend\treused_connection";
    static final String EVENTS_HEADER = "time_us\tevent\tdetail";

    private static void writeRequests(Path file, List<VersionLoad.Result> results) throws IOException {
        List<String> lines = new ArrayList<>(results.size() + 1);
        lines.add(REQUESTS_HEADER);
        for (VersionLoad.Result r : results) {
            lines.add(String.join("\t", r.id(), Integer.toString(r.worker()), Integer.toString(r.delayMs()),
                    Long.toString(r.startMicros()), Long.toString(r.endMicros()), r.outcome(),
                    Integer.toString(r.status()), clean(r.cause()), clean(r.backend()),
                    Boolean.toString(r.reusedConnection())));
        }
        Files.write(file, lines);
    }

    private static void writeEvents(Path file, List<VersionSwitch.Event> events) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(EVENTS_HEADER);
        for (VersionSwitch.Event e : events) {
            lines.add(e.micros() + "\t" + clean(e.event()) + "\t" + clean(e.detail()));
        }
        Files.write(file, lines);
    }

    private static void writeSettings(Path file, Map<String, String> settings) throws IOException {
        List<String> lines = new ArrayList<>();
        settings.forEach((k, v) -> lines.add(k + "\t" + clean(v)));
        Files.write(file, lines);
    }
}
