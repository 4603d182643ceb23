package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads how a pool handles failing backends: {@code health_check}, {@code outlier_detection},
 * {@code slow_start} and {@code panic}. Part of {@link PoolWalker}.
 *
 * <p>A map keeps the record's default for every key it leaves out. Where such a default would
 * contradict a key that was given (a 1 s default timeout with {@code interval: 500ms}), the default
 * gives way, so that an error always names a value the author wrote.
 */
final class HealthWalker {

    static final List<String> CHECK_KEYS = List.of("type", "path", "method", "host", "expect", "body_contains",
            "timeout", "interval", "jitter", "rise", "fall");
    static final List<String> OUTLIER_KEYS = List.of("consecutive_connect_failures", "consecutive_5xx",
            "consecutive_timeouts", "base_ejection", "max_ejection", "max_ejection_percent");
    static final List<String> SLOW_START_KEYS = List.of("window", "min_percent");
    static final List<String> PANIC_KEYS = List.of("threshold_percent", "mode");

    /** Keys that mean nothing to a TCP check; given with {@code type: tcp}, they are a mistake. */
    private static final List<String> HTTP_ONLY_KEYS = List.of("path", "method", "host", "expect", "body_contains");

    private static final Pattern EXPECT = Pattern.compile("([0-9]{3})(?:-([0-9]{3}))?");
    private static final String EXPECT_EXPECTED =
            " (expected: a status such as 200, or a range such as 200-399, within 100-599)";
    // A name or an IPv4 or bracketed IPv6 literal, and an optional port: nothing that could end a header line.
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9_.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\])(:[0-9]{1,5})?");
    private static final Duration MAX_RAMP = Duration.ofHours(1);

    private final Values in;

    HealthWalker(Values in) {
        this.in = in;
    }

    /** {@code health_check: true} for the defaults, {@code false} for none, or a map. */
    HealthCheckConfig check(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue() ? HealthCheckConfig.DEFAULTS : null;
        }
        Values.Fields fields = in.fields(node, path, CHECK_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        HealthCheckConfig d = HealthCheckConfig.DEFAULTS;
        HealthCheckConfig.Type type = d.type();
        String target = d.path();
        String method = d.method();
        String host = d.host();
        int[] expect = {d.expectMin(), d.expectMax()};
        String body = d.bodyContains();
        Duration timeout = d.timeout();
        Duration interval = d.interval();
        Duration jitter = d.jitter();
        Integer rise = d.rise();
        Integer fall = d.fall();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "type" -> type = checkType(in.string(f.value(), f.path()), f.path());
                case "path" -> target = probed(in.string(f.value(), f.path()), path,
                        v -> new HealthCheckConfig(d.type(), v, d.method(), null, 200, 399, null, d.timeout(),
                                d.interval(), d.jitter(), 1, 1));
                case "method" -> method = method(in.string(f.value(), f.path()), f.path());
                case "host" -> host = host(in.string(f.value(), f.path()), f.path());
                case "expect" -> expect = expect(f.value(), f.path());
                case "body_contains" -> body = probed(in.string(f.value(), f.path()), path,
                        v -> new HealthCheckConfig(d.type(), "/", d.method(), null, 200, 399, v, d.timeout(),
                                d.interval(), d.jitter(), 1, 1));
                case "timeout" -> timeout = in.duration(f.value(), f.path());
                case "interval" -> interval = in.duration(f.value(), f.path());
                case "jitter" -> jitter = in.durationOrZero(f.value(), f.path());
                case "rise" -> rise = in.integer(f.value(), f.path(), 1, 100);
                case "fall" -> fall = in.integer(f.value(), f.path(), 1, 100);
                default -> in.unknown(f);
            }
        }
        if (type == HealthCheckConfig.Type.TCP) {
            for (String key : HTTP_ONLY_KEYS) {
                if (fields.has(key)) {
                    in.error(Paths.child(path, key), "set with type tcp (expected: only with type http)");
                }
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        Duration iv = interval;
        Duration t = fields.has("timeout") ? timeout : min(timeout, iv);
        Duration j = fields.has("jitter") ? jitter : min(jitter, iv);
        HealthCheckConfig.Type ty = type;
        String p = target;
        String m = method;
        String h = host;
        int lo = expect[0];
        int hi = expect[1];
        String b = body;
        int r = rise;
        int fa = fall;
        return in.build(path, CHECK_KEYS, () -> new HealthCheckConfig(ty, p, m, h, lo, hi, b, t, iv, j, r, fa));
    }

    private HealthCheckConfig.Type checkType(String text, String path) {
        if (text == null) {
            return null;
        }
        for (HealthCheckConfig.Type t : HealthCheckConfig.Type.values()) {
            if (t.configName().equals(text)) {
                return t;
            }
        }
        in.error(path, Values.quote(text) + " (expected one of: http, tcp)");
        return null;
    }

    private String method(String text, String path) {
        if (text != null && !text.equals("GET") && !text.equals("HEAD")) {
            // Only safe methods: a check runs every few seconds on every backend.
            in.error(path, Values.quote(text) + " (expected one of: GET, HEAD)");
            return null;
        }
        return text;
    }

    private String host(String text, String path) {
        if (text != null && !HOST.matcher(text).matches()) {
            in.error(path, Values.quote(text) + " (expected: a host name or IP, optionally with :port, such as example.internal)");
            return null;
        }
        return text;
    }

    /** One status ({@code 200}) or an inclusive range ({@code "200-299"}); {@code null} if wrong (reported). */
    private int[] expect(JsonNode node, String path) {
        if (!node.isTextual() && !node.isIntegralNumber()) {
            in.error(path, Values.describe(node) + EXPECT_EXPECTED);
            return null;
        }
        String text = in.string(node, path);
        if (text == null) {
            return null;
        }
        Matcher m = EXPECT.matcher(text.strip());
        if (m.matches()) {
            int lo = Integer.parseInt(m.group(1));
            int hi = m.group(2) == null ? lo : Integer.parseInt(m.group(2));
            if (lo >= 100 && hi <= 599 && lo <= hi) {
                return new int[] {lo, hi};
            }
        }
        in.error(path, (node.isTextual() ? Values.quote(text) : text) + EXPECT_EXPECTED);
        return null;
    }

    /**
     * Asks HealthCheckConfig about one value at once (as SettingsWalker does with {@code via}), so
     * that its rule stays in the record and its error comes with the map's other errors.
     */
    private String probed(String value, String mapPath, Function<String, HealthCheckConfig> probe) {
        if (value == null) {
            return null;
        }
        return in.build(mapPath, CHECK_KEYS, () -> probe.apply(value)) == null ? null : value;
    }

    /** {@code outlier_detection: false} for off ({@code null}), {@code true} for the defaults, or a map. */
    OutlierConfig outlier(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue() ? OutlierConfig.DEFAULTS : null;
        }
        Values.Fields fields = in.fields(node, path, OUTLIER_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        OutlierConfig d = OutlierConfig.DEFAULTS;
        Integer connect = d.consecutiveConnectFailures();
        Integer server = d.consecutive5xx();
        Integer timeouts = d.consecutiveTimeouts();
        Duration base = d.baseEjection();
        Duration max = d.maxEjection();
        Integer percent = d.maxEjectionPercent();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "consecutive_connect_failures" -> connect = in.integer(f.value(), f.path(), 0, 1000);
                case "consecutive_5xx" -> server = in.integer(f.value(), f.path(), 0, 1000);
                case "consecutive_timeouts" -> timeouts = in.integer(f.value(), f.path(), 0, 1000);
                case "base_ejection" -> base = in.duration(f.value(), f.path());
                case "max_ejection" -> max = in.duration(f.value(), f.path());
                case "max_ejection_percent" -> percent = in.integer(f.value(), f.path(), 0, 100);
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        Duration b = fields.has("base_ejection") || !fields.has("max_ejection") ? base : min(base, max);
        Duration mx = fields.has("max_ejection") ? max : max(max, b);
        int c = connect;
        int s = server;
        int t = timeouts;
        int p = percent;
        return in.build(path, OUTLIER_KEYS, () -> new OutlierConfig(c, s, t, b, mx, p));
    }

    /** {@code slow_start: 30s} (from 10 %), {@code false} or {@code 0s} for off, {@code true} for the defaults, or a map. */
    SlowStartConfig slowStart(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue() ? SlowStartConfig.DEFAULTS : SlowStartConfig.OFF;
        }
        if (node.isArray()) {
            in.error(path, Values.describe(node) + " (expected: a duration such as 10s, false, or a map with window and min_percent)");
            return null;
        }
        if (!node.isObject()) {
            Duration window = rampWindow(node, path);
            return window == null ? null : slowStart(window, SlowStartConfig.DEFAULTS.minPercent(), path);
        }
        Values.Fields fields = in.fields(node, path, SLOW_START_KEYS);
        int mark = in.errorCount();
        Duration window = SlowStartConfig.DEFAULTS.window();
        Integer minPercent = SlowStartConfig.DEFAULTS.minPercent();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "window" -> window = rampWindow(f.value(), f.path());
                case "min_percent" -> minPercent = in.integer(f.value(), f.path(), 1, 100);
                default -> in.unknown(f);
            }
        }
        return in.errorCount() != mark ? null : slowStart(window, minPercent, path);
    }

    private SlowStartConfig slowStart(Duration window, int minPercent, String path) {
        // A zero window is off whatever the start share; one value for off keeps configs comparable.
        return window.isZero() ? SlowStartConfig.OFF
                : in.build(path, SLOW_START_KEYS, () -> new SlowStartConfig(window, minPercent));
    }

    private Duration rampWindow(JsonNode node, String path) {
        Duration window = in.durationOrZero(node, path);
        if (window != null && window.compareTo(MAX_RAMP) > 0) {
            in.error(path, Values.describe(node) + " (expected: 0 for off, or a duration up to 1h)");
            return null;
        }
        return window;
    }

    /** A map of {@code threshold_percent} and {@code mode}. */
    PanicConfig panic(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, PANIC_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        Integer threshold = PanicConfig.DEFAULTS.thresholdPercent();
        PanicConfig.Mode mode = PanicConfig.DEFAULTS.mode();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "threshold_percent" -> threshold = in.integer(f.value(), f.path(), 0, 100);
                case "mode" -> mode = panicMode(in.string(f.value(), f.path()), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        int t = threshold;
        PanicConfig.Mode m = mode;
        return in.build(path, PANIC_KEYS, () -> new PanicConfig(t, m));
    }

    private PanicConfig.Mode panicMode(String text, String path) {
        if (text == null) {
            return null;
        }
        for (PanicConfig.Mode m : PanicConfig.Mode.values()) {
            if (m.configName().equals(text)) {
                return m;
            }
        }
        in.error(path, Values.quote(text) + " (expected one of: fail-open, reject)");
        return null;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
