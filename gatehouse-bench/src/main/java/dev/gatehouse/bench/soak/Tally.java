package dev.gatehouse.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's outcome counts, shared by the HTTP workers and the WebSocket sessions: per kind of
 * exchange ({@code GET}, {@code POST}, ..., {@code ws-open}, {@code ws-message}, {@code ws-close})
 * how many went well, and per kind and cause how many failed; plus the failures themselves with
 * their times (the first {@link #MAX_FAILURES_KEPT}), so that the run can tell those that came
 * with a backend restart from the others. Thread-safe.
 */
final class Tally {

    /** Failures kept with their details; the counts go on past it. */
    static final int MAX_FAILURES_KEPT = 20_000;

    /** One failed exchange: when (epoch microseconds), of what kind, why, and details for the log. */
    record Failure(long micros, String kind, String cause, String detail) {
    }

    private final Map<String, LongAdder> ok = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
    private final List<Failure> failures = new ArrayList<>();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failedTotal = new AtomicLong();

    /** Counts one exchange of {@code kind} that went well. */
    void ok(String kind) {
        ok.computeIfAbsent(kind, k -> new LongAdder()).increment();
        done.incrementAndGet();
    }

    /** Counts one failed exchange. */
    void fail(long micros, String kind, String cause, String detail) {
        failed.computeIfAbsent(kind + "\t" + cause, k -> new LongAdder()).increment();
        done.incrementAndGet();
        failedTotal.incrementAndGet();
        synchronized (failures) {
            if (failures.size() < MAX_FAILURES_KEPT) {
                failures.add(new Failure(micros, kind, cause, detail == null ? "" : detail));
            }
        }
    }

    /** Exchanges counted so far, good or failed. */
    long done() {
        return done.get();
    }

    /** Failed exchanges counted so far. */
    long failedTotal() {
        return failedTotal.get();
    }

    /** Good exchanges per kind, sorted by kind. */
    Map<String, Long> okByKind() {
        Map<String, Long> out = new TreeMap<>();
        ok.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Failed exchanges per {@code kind \t cause}, sorted. */
    Map<String, Long> failedByKindAndCause() {
        Map<String, Long> out = new TreeMap<>();
        failed.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** A copy of the failures kept, in the order they were counted. */
    List<Failure> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }
}
