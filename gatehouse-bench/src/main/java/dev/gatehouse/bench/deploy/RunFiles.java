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
 * Reads the files one deploy-benchmark run left behind: the settings, the client's request log,
 * the switch's events, the backends' request logs and the nodes' access logs.
 */
final class RunFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunFiles() {
    }

    static Map<String, String> readSettings(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return m;
        }
        for (String line : Files.readAllLines(file)) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                m.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return m;
    }

    static List<RoundMetrics.Request> readRequests(Path file) throws IOException {
        List<RoundMetrics.Request> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            // id worker delay_ms start_us end_us outcome status cause x_backend reused_connection
            out.add(new RoundMetrics.Request(f[0], Long.parseLong(f[3]), Long.parseLong(f[4]),
                    VersionLoad.Result.OK.equals(f[5]), f[7], f[8], Boolean.parseBoolean(f[9])));
        }
        return out;
    }

    static List<VersionSwitch.Event> readEvents(Path file) throws IOException {
        List<VersionSwitch.Event> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.split("\t", 3);
            out.add(new VersionSwitch.Event(Long.parseLong(f[0]), f[1], f.length > 2 ? f[2] : ""));
        }
        return out;
    }

    /**
     * Every request id in the backends' logs (one file per process, named after it: {@code v1-0.log}),
     * with the process that received it and when it received and answered it. Lines:
     * {@code recv TIME CONN ID METHOD URI}, {@code done TIME CONN ID STATUS}; health checks (no id,
     * {@code -}) are left out.
     */
    static Map<String, RoundMetrics.BackendRequest> readBackendLogs(Path dir) throws IOException {
        Map<String, RoundMetrics.BackendRequest> out = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> logs;
        try (Stream<Path> s = Files.list(dir)) {
            logs = s.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        for (Path log : logs) {
            String name = log.getFileName().toString().replaceAll("\\.log$", "");
            try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    String[] f = line.split(" ", 5);
                    if (f.length < 4 || f[3].equals("-")) {
                        continue;
                    }
                    long t;
                    try {
                        t = Long.parseLong(f[1]);
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    switch (f[0]) {
                        case "recv" -> out.put(f[3], new RoundMetrics.BackendRequest(name, t, -1));
                        case "done" -> out.computeIfPresent(f[3], (id, b) -> new RoundMetrics.BackendRequest(b.backend(), b.recvMs(), t));
                        default -> {
                            // fail and drop: the request stays without an answer
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The access logs of a round's directory by node: {@code access.log} (one node, named
     * {@code node}) or a fleet's {@code access-NODE.log}, in order of name; empty for nginx and
     * HAProxy.
     */
    static Map<String, List<RoundMetrics.AccessLine>> readAccessLogs(Path roundDir) throws IOException {
        Map<String, List<RoundMetrics.AccessLine>> out = new TreeMap<>();
        List<Path> logs;
        try (Stream<Path> s = Files.list(roundDir)) {
            logs = s.filter(p -> p.getFileName().toString().matches("access(-.+)?\\.log")).sorted().toList();
        }
        for (Path log : logs) {
            String name = log.getFileName().toString().replaceAll("^access-?|\\.log$", "");
            out.put(name.isEmpty() ? "node" : name, readAccessLog(log));
        }
        return out;
    }

    /** The JSON lines of a node's access log (other lines are skipped). */
    static List<RoundMetrics.AccessLine> readAccessLog(Path file) throws IOException {
        List<RoundMetrics.AccessLine> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    continue;
                }
                if (!n.path("request_id").isTextual() || !n.path("time").isTextual()) {
                    continue;
                }
                JsonNode up = n.path("upstream_ms");
                out.add(new RoundMetrics.AccessLine(n.path("request_id").asText(),
                        Instant.parse(n.path("time").asText()).toEpochMilli(),
                        n.path("version").isTextual() ? n.path("version").asText() : null,
                        n.path("epoch").isNumber() ? n.path("epoch").asLong() : -1,
                        n.path("duration_ms").asDouble(), up.isNumber() ? up.asDouble() : Double.NaN));
            }
        }
        return out;
    }
}
