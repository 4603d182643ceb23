package dev.gatehouse.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a chaos run left in its output directory, read back: the client's requests, the backend
 * instances and their request events, the chaos events, and the node's access log. The parsing
 * half of {@link ChaosReport}; every format is the one {@link ChaosRun}, {@code StubBackendMain
 * --log-requests} and Gatehouse's {@code AccessLog} write.
 */
final class RunRecords {

    /** A row of {@code requests.tsv}. */
    record Request(String id, String method, String path, int worker, long startMicros, long endMicros,
                   String outcome, int status, String cause, String backend) {

        boolean failed() {
            return !ChaosLoad.Result.OK.equals(outcome);
        }

        boolean idempotent() {
            return !method.equals("POST") && !method.equals("PATCH");
        }
    }

    /** A row of {@code instances.tsv}: one backend process lifetime. Times in epoch µs, -1 when none. */
    record Instance(String id, int backend, int port, long pid, long startedMicros, long readyMicros,
                    long killMicros, long endedMicros, String end, String log) {

        boolean killed() {
            return end.equals("killed");
        }
    }

    /** How a received request ended on a backend instance, by its request log. */
    enum Answer {
        /** No line after {@code recv}: the process ended (was killed) with the request in hand. */
        NONE,
        /** {@code done}: the last byte of the response was written to the socket. */
        DONE,
        /** {@code fail}: writing the end of the response failed. */
        FAIL,
        /** {@code drop}: the connection closed before the response was written. */
        DROP
    }

    /** One receipt of a request by a backend instance. */
    static final class Receipt {
        final String instance;
        final String connection;
        final long recvMillis;
        Answer answer = Answer.NONE;
        long answerMillis = -1;
        int status;

        Receipt(String instance, String connection, long recvMillis) {
            this.instance = instance;
            this.connection = connection;
            this.recvMillis = recvMillis;
        }
    }

    /** A line of the node's access log, as far as the report needs it. */
    record AccessEntry(String id, String method, int status, String backend, String error, int tries,
                       boolean triesPresent, long timeMicros, double durationMs) {
    }

    /** A row of {@code chaos.tsv}. */
    record Event(long micros, String kind, int backend, String instance, String note) {
    }

    final Map<String, String> settings;
    final List<Request> requests;
    final Map<String, Instance> instances;
    final List<Event> events;
    /** Request id to its receipts by backend instances, in log order per instance. */
    final Map<String, List<Receipt>> receipts;
    /** Request id to its access-log entries (one, normally). */
    final Map<String, List<AccessEntry>> access;
    /** Lines of the backend logs that were neither events nor the "listening on" line. */
    final int otherBackendLines;
    /** Access-log lines that could not be parsed. */
    final int badAccessLines;
    final boolean accessLogRead;

    private RunRecords(Map<String, String> settings, List<Request> requests, Map<String, Instance> instances,
                       List<Event> events, Map<String, List<Receipt>> receipts, int otherBackendLines,
                       Map<String, List<AccessEntry>> access, int badAccessLines, boolean accessLogRead) {
        this.settings = settings;
        this.requests = requests;
        this.instances = instances;
        this.events = events;
        this.receipts = receipts;
        this.otherBackendLines = otherBackendLines;
        this.access = access;
        this.badAccessLines = badAccessLines;
        this.accessLogRead = accessLogRead;
    }

    /**
     * Reads a run's directory and, when not null, the node's access log (the node's standard
     * output: JSON lines, anything else is skipped).
     */
    static RunRecords read(Path dir, Path accessLog) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("run.tsv"))) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                settings.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        List<Request> requests = new ArrayList<>();
        for (String[] f : rows(dir.resolve("requests.tsv"))) {
            requests.add(new Request(f[0], f[1], f[2], Integer.parseInt(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]), f[6], Integer.parseInt(f[7]), f[8], f[9]));
        }
        Map<String, Instance> instances = new LinkedHashMap<>();
        for (String[] f : rows(dir.resolve("instances.tsv"))) {
            instances.put(f[0], new Instance(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]), f[8],
                    f[10]));
        }
        List<Event> events = new ArrayList<>();
        for (String[] f : rows(dir.resolve("chaos.tsv"))) {
            events.add(new Event(Long.parseLong(f[0]), f[1], Integer.parseInt(f[2]), f[3], f.length > 5 ? f[5] : ""));
        }
        Map<String, List<Receipt>> receipts = new HashMap<>();
        int other = 0;
        for (Instance in : instances.values()) {
            other += readBackendLog(dir.resolve("backends").resolve(in.log()), in.id(), receipts);
        }
        Map<String, List<AccessEntry>> access = new HashMap<>();
        int bad = 0;
        boolean read = false;
        if (accessLog != null && Files.exists(accessLog)) {
            read = true;
            bad = readAccessLog(accessLog, access);
        }
        return new RunRecords(settings, requests, instances, events, receipts, other, access, bad, read);
    }

    private static List<String[]> rows(Path tsv) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            if (!lines.get(i).isEmpty()) {
                rows.add(lines.get(i).split("\t", -1));
            }
        }
        return rows;
    }

    /** Reads one instance's log into {@code receipts}; returns how many lines were something else. */
    private static int readBackendLog(Path log, String instance, Map<String, List<Receipt>> receipts)
            throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        int other = 0;
        // Unanswered receipts per connection and id: HTTP/1.1 answers in order, so the oldest first.
        Map<String, ArrayDeque<Receipt>> open = new HashMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length < 4) {
                other += line.startsWith("listening on ") || line.isBlank() ? 0 : 1;
                continue;
            }
            String id = f[3];
            String key = f[2] + " " + id;
            switch (f[0]) {
                case "recv" -> {
                    Receipt r = new Receipt(instance, f[2], parseLong(f[1]));
                    receipts.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
                    open.computeIfAbsent(key, k -> new ArrayDeque<>()).add(r);
                }
                case "done", "fail", "drop" -> {
                    ArrayDeque<Receipt> q = open.get(key);
                    Receipt r = q == null ? null : q.poll();
                    if (r == null) {
                        other++;
                        continue;
                    }
                    r.answer = switch (f[0]) {
                        case "done" -> Answer.DONE;
                        case "fail" -> Answer.FAIL;
                        default -> Answer.DROP;
                    };
                    r.answerMillis = parseLong(f[1]);
                    r.status = f.length > 4 ? (int) parseLong(f[4]) : 0;
                }
                default -> other += line.startsWith("listening on ") ? 0 : 1;
            }
        }
        return other;
    }

    /** Reads the JSON lines of the node's output into {@code access}; returns how many JSON lines were bad. */
    private static int readAccessLog(Path log, Map<String, List<AccessEntry>> access) throws IOException {
        ObjectMapper json = new ObjectMapper();
        int bad = 0;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (!line.startsWith("{")) {
                continue;
            }
            try {
                JsonNode n = json.readTree(line);
                String id = text(n, "request_id");
                if (id == null) {
                    id = text(n, "id");
                }
                if (id == null) {
                    bad++;
                    continue;
                }
                JsonNode tries = n.get("tries");
                boolean present = tries != null && tries.isNumber();
                long time = -1;
                String t = text(n, "time");
                if (t != null) {
                    Instant i = Instant.parse(t);
                    time = i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
                }
                access.computeIfAbsent(id, k -> new ArrayList<>()).add(new AccessEntry(id, text(n, "method"),
                        n.path("status").asInt(0), text(n, "backend"), text(n, "error"),
                        present ? tries.asInt(1) : 1, present, time, n.path("duration_ms").asDouble(-1)));
            } catch (IOException | RuntimeException e) {
                bad++;
            }
        }
        return bad;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The receipts of a request id, never null. */
    List<Receipt> receiptsOf(String id) {
        return receipts.getOrDefault(id, List.of());
    }

    /** The (last) access-log entry of a request id, or null. */
    AccessEntry accessOf(String id) {
        List<AccessEntry> l = access.get(id);
        return l == null || l.isEmpty() ? null : l.get(l.size() - 1);
    }

    /** The instance of {@code backend} whose lifetime covers {@code micros}, or the last one before it. */
    Instance instanceAt(int backend, long micros) {
        Instance best = null;
        for (Instance in : instances.values()) {
            if (in.backend() == backend && in.startedMicros() <= micros) {
                best = in;
            }
        }
        return best;
    }

    /** The backend index listening on {@code port}, or -1. */
    int backendOfPort(int port) {
        for (Instance in : instances.values()) {
            if (in.port() == port) {
                return in.backend();
            }
        }
        return -1;
    }
}
