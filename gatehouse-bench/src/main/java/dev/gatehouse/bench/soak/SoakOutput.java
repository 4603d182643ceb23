package dev.gatehouse.bench.soak;

import dev.gatehouse.bench.chaos.ChaosMonkey;
import dev.gatehouse.bench.chaos.WallClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes what a {@link SoakRun} counted, for {@link SoakReport}: {@code run.tsv} (key, value),
 * {@code totals.tsv} (kind, cause or {@code ok}, count, how many of them came with a restart),
 * {@code failures.tsv} (one row per failure kept) and {@code events.tsv} (the restarts).
 *
 * <p>A failure "comes with a restart" when a backend of its own pool ({@code ws} for the
 * WebSocket kinds, {@code app} for the others) got SIGKILL or SIGTERM from
 * {@link SoakRun#RESTART_WINDOW_BEFORE_MICROS} after to {@link SoakRun#RESTART_WINDOW_AFTER_MICROS}
 * before it: the node had exchanges in flight on the process, or was still finding out that it
 * was gone and then back.
 */
final class SoakOutput {

    static final String TOTALS_HEADER = "kind\tcause\tcount\twith_restart";
    static final String FAILURES_HEADER = "t_s\tkind\tcause\twith_restart\tdetail";
    static final String EVENTS_HEADER = "t_s\tevent\tbackend\tinstance\tpid\tnote";

    private SoakOutput() {
    }

    static void write(Path dir, Map<String, String> run, Tally tally, List<ChaosMonkey.Event> events, int httpBackends)
            throws IOException {
        long origin = Long.parseLong(run.get("start_micros"));
        List<String> lines = new ArrayList<>();
        run.forEach((k, v) -> lines.add(k + "\t" + v));
        Files.write(dir.resolve("run.tsv"), lines, StandardCharsets.UTF_8);

        Map<String, Long> withRestart = new HashMap<>();
        List<String> failureLines = new ArrayList<>();
        failureLines.add(FAILURES_HEADER);
        for (Tally.Failure f : tally.failures()) {
            boolean near = nearRestart(f, events, httpBackends);
            if (near) {
                withRestart.merge(f.kind() + "\t" + f.cause(), 1L, Long::sum);
            }
            failureLines.add(String.join("\t", WallClock.since(f.micros(), origin), f.kind(), f.cause(),
                    near ? "yes" : "no", SoakRun.clean(f.detail())));
        }
        Files.write(dir.resolve("failures.tsv"), failureLines, StandardCharsets.UTF_8);

        List<String> totals = new ArrayList<>();
        totals.add(TOTALS_HEADER);
        tally.okByKind().forEach((kind, n) -> totals.add(kind + "\tok\t" + n + "\t0"));
        tally.failedByKindAndCause().forEach((key, n) -> totals.add(key + "\t" + n + "\t" + withRestart.getOrDefault(key, 0L)));
        Files.write(dir.resolve("totals.tsv"), totals, StandardCharsets.UTF_8);

        List<String> eventLines = new ArrayList<>();
        eventLines.add(EVENTS_HEADER);
        for (ChaosMonkey.Event e : events) {
            eventLines.add(String.join("\t", WallClock.since(e.micros(), origin), e.kind(), Integer.toString(e.backend()),
                    e.instance(), Long.toString(e.pid()), SoakRun.clean(e.note())));
        }
        Files.write(dir.resolve("events.tsv"), eventLines, StandardCharsets.UTF_8);
    }

    /** Whether a backend of the failure's pool was killed or terminated shortly before it (or just after). */
    static boolean nearRestart(Tally.Failure f, List<ChaosMonkey.Event> events, int httpBackends) {
        boolean ws = f.kind().startsWith("ws-");
        for (ChaosMonkey.Event e : events) {
            if (!e.kind().equals("kill") && !e.kind().equals("term")) {
                continue;
            }
            if ((e.backend() >= httpBackends) != ws) {
                continue;
            }
            if (f.micros() >= e.micros() - SoakRun.RESTART_WINDOW_BEFORE_MICROS
                    && f.micros() <= e.micros() + SoakRun.RESTART_WINDOW_AFTER_MICROS) {
                return true;
            }
        }
        return false;
    }
}
