package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the optional sections: {@code timeouts}, {@code limits}, {@code upstream}, {@code forwarding},
 * {@code access_log}, {@code bodies} and {@code tracing}. A key left out keeps its default from the record's {@code DEFAULTS}; a
 * section with an error reads as {@code null} (the error is already recorded). Part of {@link ConfigWalker}.
 */
final class SettingsWalker {

    private static final List<String> TIMEOUT_KEYS = List.of("client_header", "client_idle", "client_body", "client_send",
            "backend_connect", "backend_response_header", "backend_idle", "shutdown_drain");
    private static final List<String> LIMIT_KEYS = List.of("max_request_line", "max_header_size", "max_request_body",
            "max_headers", "max_connections_per_client");
    private static final List<String> UPSTREAM_KEYS = List.of("max_idle_per_loop", "idle_timeout");
    private static final List<String> FORWARDING_KEYS = List.of("trusted_proxies", "forwarded", "via",
            "underscores_in_headers", "body_on_get_head");
    private static final List<String> ACCESS_LOG_KEYS = List.of("enabled", "path");
    private static final List<String> TRACING_KEYS = List.of("enabled", "sampled", "otlp");
    private static final List<String> OTLP_KEYS = List.of("endpoint", "service_name", "sample_percent", "timeout", "max_queue");
    private static final List<String> BODIES_KEYS = List.of("buffer_request", "buffer_requests_total", "buffer_response",
            "min_request_rate", "request_deadline", "buffer_request_file", "buffer_files_total", "temp_dir");

    private static final int MIB = 1024 * 1024;

    private final Values in;

    SettingsWalker(Values in) {
        this.in = in;
    }

    TimeoutsConfig timeouts(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, TIMEOUT_KEYS);
        if (fields == null) {
            return null;
        }
        TimeoutsConfig d = TimeoutsConfig.DEFAULTS;
        // Same order as TIMEOUT_KEYS and the record's components.
        Duration[] t = {d.clientHeader(), d.clientIdle(), d.clientBody(), d.clientSend(), d.backendConnect(),
                d.backendResponseHeader(), d.backendIdle(), d.shutdownDrain()};
        int mark = in.errorCount();
        for (Values.Field f : fields) {
            int i = TIMEOUT_KEYS.indexOf(f.key());
            if (i < 0) {
                in.unknown(f);
            } else {
                t[i] = in.duration(f.value(), f.path());
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        return in.build(path, TIMEOUT_KEYS, () -> new TimeoutsConfig(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]));
    }

    LimitsConfig limits(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, LIMIT_KEYS);
        if (fields == null) {
            return null;
        }
        LimitsConfig d = LimitsConfig.DEFAULTS;
        long line = d.maxRequestLine();
        long header = d.maxHeaderSize();
        long body = d.maxRequestBody();
        Integer headers = d.maxHeaders();
        Integer perClient = d.maxConnectionsPerClient();
        int mark = in.errorCount();
        for (Values.Field f : fields) {
            // The ranges repeat LimitsConfig's so the message can show the value as written ("100k").
            switch (f.key()) {
                case "max_request_line" -> line = orZero(in.size(f.value(), f.path(), 256, MIB));
                case "max_header_size" -> header = orZero(in.size(f.value(), f.path(), 1024, MIB));
                case "max_request_body" -> body = orZero(in.size(f.value(), f.path(), 0, Long.MAX_VALUE));
                case "max_headers" -> headers = in.integer(f.value(), f.path(), 1, LimitsConfig.MAX_HEADERS);
                case "max_connections_per_client" -> perClient = in.integer(f.value(), f.path(), 0,
                        LimitsConfig.MAX_CONNECTIONS_PER_CLIENT);
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        int l = (int) line;
        int h = (int) header;
        long b = body;
        int n = headers;
        int c = perClient;
        return in.build(path, LIMIT_KEYS, () -> new LimitsConfig(l, h, b, n, c));
    }

    UpstreamConfig upstream(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, UPSTREAM_KEYS);
        if (fields == null) {
            return null;
        }
        Integer maxIdle = UpstreamConfig.DEFAULTS.maxIdlePerLoop();
        Duration idleTimeout = UpstreamConfig.DEFAULTS.idleTimeout();
        int mark = in.errorCount();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "max_idle_per_loop" -> maxIdle = in.integer(f.value(), f.path(), 0, 10_000);
                case "idle_timeout" -> idleTimeout = in.duration(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        int m = maxIdle;
        Duration t = idleTimeout;
        return in.build(path, UPSTREAM_KEYS, () -> new UpstreamConfig(m, t));
    }

    ForwardingConfig forwarding(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, FORWARDING_KEYS);
        if (fields == null) {
            return null;
        }
        ForwardingConfig d = ForwardingConfig.DEFAULTS;
        List<Cidr> trusted = d.trustedProxies();
        Boolean forwarded = d.forwarded();
        String via = d.via();
        String underscores = d.keepUnderscoreHeaders() ? "keep" : "drop";
        String bodyOnGetHead = d.forwardBodyOnGetHead() ? "forward" : "reject";
        int mark = in.errorCount();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "trusted_proxies" -> trusted = cidrs(f.value(), f.path());
                case "forwarded" -> forwarded = in.bool(f.value(), f.path());
                case "via" -> via = via(f.value(), f.path(), path);
                case "underscores_in_headers" -> {
                    underscores = in.string(f.value(), f.path());
                    if (underscores != null && !underscores.equals("drop") && !underscores.equals("keep")) {
                        in.error(f.path(), Values.quote(underscores) + " (expected one of: drop, keep)");
                    }
                }
                case "body_on_get_head" -> {
                    bodyOnGetHead = in.string(f.value(), f.path());
                    if (bodyOnGetHead != null && !bodyOnGetHead.equals("reject") && !bodyOnGetHead.equals("forward")) {
                        in.error(f.path(), Values.quote(bodyOnGetHead) + " (expected one of: reject, forward)");
                    }
                }
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        List<Cidr> t = trusted;
        boolean fw = forwarded;
        String v = via;
        boolean keep = "keep".equals(underscores);
        boolean getBodies = "forward".equals(bodyOnGetHead);
        return in.build(path, FORWARDING_KEYS, () -> new ForwardingConfig(t, fw, v, keep, getBodies));
    }

    /**
     * Reads {@code via}. ForwardingConfig owns the rule (an HTTP token); asking it right here, rather
     * than when the section is built, reports a bad via along with the section's other errors.
     */
    private String via(JsonNode node, String path, String sectionPath) {
        String via = in.string(node, path);
        if (via == null) {
            return null;
        }
        return in.build(sectionPath, FORWARDING_KEYS, () -> new ForwardingConfig(List.of(), false, via)) == null ? null : via;
    }

    private List<Cidr> cidrs(JsonNode node, String path) {
        ArrayNode list = in.list(node, path, "IP networks");
        if (list == null) {
            return null;
        }
        List<Cidr> cidrs = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String itemPath = Paths.index(path, i);
            String text = in.string(list.get(i), itemPath);
            if (text == null) {
                continue;
            }
            try {
                cidrs.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                // Cidr's messages mostly quote the input already; its prefix-range one ("prefix: /40") does not.
                in.error(itemPath, e.getMessage().startsWith("\"") ? e.getMessage() : Values.quote(text)
                        + " (expected: an IP network such as 10.0.0.0/8 or ::1, prefix at most /32 for IPv4, /128 for IPv6)");
            }
        }
        return cidrs;
    }

    AccessLogConfig accessLog(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, ACCESS_LOG_KEYS);
        if (fields == null) {
            return null;
        }
        Boolean enabled = AccessLogConfig.DEFAULTS.enabled();
        String file = AccessLogConfig.DEFAULTS.path();
        int mark = in.errorCount();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "enabled" -> enabled = in.bool(f.value(), f.path());
                case "path" -> file = logPath(f.value(), f.path(), path);
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        boolean e = enabled;
        String p = file;
        return in.build(path, ACCESS_LOG_KEYS, () -> new AccessLogConfig(e, p));
    }

    TracingConfig tracing(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, TRACING_KEYS);
        if (fields == null) {
            return null;
        }
        Boolean enabled = TracingConfig.DEFAULTS.enabled();
        Boolean sampled = TracingConfig.DEFAULTS.sampled();
        OtlpConfig otlp = null;
        int mark = in.errorCount();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "enabled" -> enabled = in.bool(f.value(), f.path());
                case "sampled" -> sampled = in.bool(f.value(), f.path());
                case "otlp" -> otlp = otlp(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        boolean e = enabled;
        boolean s = sampled;
        OtlpConfig o = otlp;
        return in.build(path, TRACING_KEYS, () -> new TracingConfig(e, s, o));
    }

    /** {@code tracing.otlp}: the collector's endpoint (required) and the export's bounds. */
    private OtlpConfig otlp(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, OTLP_KEYS);
        if (fields == null) {
            return null;
        }
        String endpoint = null;
        String service = OtlpConfig.DEFAULT_SERVICE;
        Integer percent = OtlpConfig.DEFAULT_PERCENT;
        java.time.Duration timeout = OtlpConfig.DEFAULT_TIMEOUT;
        Integer queue = OtlpConfig.DEFAULT_QUEUE;
        int mark = in.errorCount();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "endpoint" -> endpoint = in.string(f.value(), f.path());
                case "service_name" -> service = in.string(f.value(), f.path());
                case "sample_percent" -> percent = in.integer(f.value(), f.path(), 0, 100);
                case "timeout" -> timeout = in.duration(f.value(), f.path());
                case "max_queue" -> queue = in.integer(f.value(), f.path(), 1, 1_000_000);
                default -> in.unknown(f);
            }
        }
        if (endpoint == null && in.errorCount() == mark) {
            in.error(path + ".endpoint", "missing (expected: the collector's traces URL, e.g. http://127.0.0.1:4318/v1/traces)");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(endpoint);
        } catch (java.net.URISyntaxException ex) {
            in.error(path + ".endpoint", "\"" + endpoint + "\" is no URL (expected: e.g. http://127.0.0.1:4318/v1/traces)");
            return null;
        }
        String svc = service;
        int p = percent;
        java.time.Duration t = timeout;
        int q = queue;
        return in.build(path, OTLP_KEYS, () -> new OtlpConfig(uri, svc, p, t, q));
    }

    /** Reads the log path, checked by AccessLogConfig itself for the same reason as {@link #via}. */
    private String logPath(JsonNode node, String path, String sectionPath) {
        String file = in.string(node, path);
        if (file == null) {
            return null;
        }
        return in.build(sectionPath, ACCESS_LOG_KEYS, () -> new AccessLogConfig(true, file)) == null ? null : file;
    }

    /** A failed size read is already reported; any number will do until the walk gives up. */
    BodiesConfig bodies(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, BODIES_KEYS);
        if (fields == null) {
            return null;
        }
        BodiesConfig d = BodiesConfig.DEFAULTS;
        long request = d.bufferRequest();
        Long total = null;
        long response = d.bufferResponse();
        long rate = d.minRequestRate();
        Duration deadline = d.requestDeadline();
        Long file = null;
        Long files = null;
        String dir = d.tempDir();
        int mark = in.errorCount();
        for (Values.Field f : fields) {
            // The ranges repeat BodiesConfig's so the message can show the value as written ("64MiB").
            switch (f.key()) {
                case "buffer_request" -> request = orZero(in.size(f.value(), f.path(), 0, 1024L * MIB));
                case "buffer_requests_total" -> total = in.size(f.value(), f.path(), 0, 64L * 1024 * MIB);
                case "buffer_response" -> response = orZero(in.size(f.value(), f.path(), 64 * 1024, 1024L * MIB));
                case "min_request_rate" -> rate = orZero(in.size(f.value(), f.path(), 0, 1024L * MIB));
                case "request_deadline" -> deadline = in.duration(f.value(), f.path());
                case "buffer_request_file" -> file = in.size(f.value(), f.path(), 0, 64L * 1024 * MIB);
                case "buffer_files_total" -> files = in.size(f.value(), f.path(), 0, 1024L * 1024 * MIB);
                case "temp_dir" -> dir = tempDir(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        // A per-request buffer above the default total raises the total with it, unless it is set.
        long q = request;
        long t = total != null ? total : Math.max(d.bufferRequestsTotal(), request);
        long r = response;
        long m = rate;
        Duration dl = deadline;
        // A memory buffer above the default file bound raises the file bound with it, unless it is set.
        long fq = file != null ? file : Math.max(d.bufferRequestFile(), request);
        long ft = files != null ? files : Math.max(d.bufferFilesTotal(), fq);
        String td = dir;
        return in.build(path, BODIES_KEYS, () -> new BodiesConfig(q, t, r, m, dl, fq, ft, td));
    }

    /** An absolute directory path, or null (reported). */
    private String tempDir(JsonNode node, String path) {
        String s = in.string(node, path);
        if (s != null && (s.isEmpty() || !s.startsWith("/"))) {
            in.error(path, "\"" + s + "\" (expected: an absolute directory path)");
            return "";
        }
        return s == null ? "" : s;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
