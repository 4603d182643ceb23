package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/**
 * Reads a pool's policies: {@code hash}, {@code backend_concurrency}, {@code adaptive},
 * {@code queue}, {@code slow_lane} and {@code sticky}. Part of {@link PoolWalker}.
 */
final class PoolPolicyWalker {

    static final List<String> QUEUE_KEYS = List.of("max", "timeout");
    static final List<String> ADAPTIVE_KEYS = List.of("initial", "min", "max");
    static final List<String> SLOW_LANE_KEYS = List.of("share", "threshold", "max_routes");
    static final List<String> HASH_KEYS = List.of("key", "bounded_load");
    static final List<String> STICKY_KEYS = List.of("mode", "cookie", "ttl", "secret", "version_affinity");

    private final Values in;

    PoolPolicyWalker(Values in) {
        this.in = in;
    }

    QueueConfig queue(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, QUEUE_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        QueueConfig d = QueueConfig.DEFAULTS;
        Integer max = d.max();
        Duration timeout = d.timeout();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "max" -> max = in.integer(f.value(), f.path(), 0, 1_000_000);
                case "timeout" -> timeout = in.duration(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        int m = max;
        Duration t = timeout;
        return in.build(path, QUEUE_KEYS, () -> new QueueConfig(m, t));
    }

    /** {@code adaptive: true}, or a map of bounds. */
    AdaptiveConfig adaptive(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue() ? AdaptiveConfig.DEFAULTS : null;
        }
        Values.Fields fields = in.fields(node, path, ADAPTIVE_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        AdaptiveConfig d = AdaptiveConfig.DEFAULTS;
        Integer initial = d.initial();
        Integer min = d.min();
        Integer max = d.max();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "initial" -> initial = in.integer(f.value(), f.path(), 1, 100_000);
                case "min" -> min = in.integer(f.value(), f.path(), 1, 100_000);
                case "max" -> max = in.integer(f.value(), f.path(), 1, 100_000);
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        int lo = min;
        int hi = max;
        int start = fields.has("initial") ? initial : Math.max(lo, Math.min(hi, initial));
        return in.build(path, ADAPTIVE_KEYS, () -> new AdaptiveConfig(start, lo, hi));
    }

    /** {@code slow_lane: true}, or a map. */
    SlowLaneConfig slowLane(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue() ? SlowLaneConfig.DEFAULTS : null;
        }
        Values.Fields fields = in.fields(node, path, SLOW_LANE_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        SlowLaneConfig d = SlowLaneConfig.DEFAULTS;
        Double share = d.share();
        Duration threshold = d.threshold();
        Integer maxRoutes = d.maxRoutes();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "share" -> share = fraction(f.value(), f.path(), 0, 1, "a fraction above 0 and below 1, such as 0.5");
                case "threshold" -> threshold = in.duration(f.value(), f.path());
                case "max_routes" -> maxRoutes = in.integer(f.value(), f.path(), 1, 1_000_000);
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        double s = share;
        Duration t = threshold;
        int m = maxRoutes;
        return in.build(path, SLOW_LANE_KEYS, () -> new SlowLaneConfig(s, t, m));
    }

    HashConfig hash(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, HASH_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        HashConfig key = HashConfig.DEFAULTS;
        Double bound = 0.0;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "key" -> key = hashKey(in.string(f.value(), f.path()), f.path());
                case "bounded_load" -> bound = fraction(f.value(), f.path(), 1, 100,
                        "a factor above 1, such as 1.25 (leave it out for no bound)");
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        HashConfig k = key;
        double b = bound;
        return in.build(path, HASH_KEYS, () -> new HashConfig(k.source(), k.name(), b));
    }

    private HashConfig hashKey(String text, String path) {
        if (text == null) {
            return null;
        }
        String expected = " (expected: client_ip, path, header:NAME or cookie:NAME)";
        if (text.equals("client_ip")) {
            return HashConfig.DEFAULTS;
        }
        if (text.equals("path")) {
            return new HashConfig(HashConfig.Source.PATH, null, 0);
        }
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon);
        String name = colon < 0 ? "" : text.substring(colon + 1).trim();
        if ((kind.equals("header") || kind.equals("cookie")) && !name.isEmpty()
                && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            return new HashConfig(kind.equals("header") ? HashConfig.Source.HEADER : HashConfig.Source.COOKIE, name, 0);
        }
        in.error(path, Values.quote(text) + expected);
        return null;
    }

    /** {@code sticky: cookie}, {@code sticky: hash}, or a map with {@code mode: cookie} and its settings. */
    StickyConfig sticky(JsonNode node, String path) {
        if (node.isTextual()) {
            StickyConfig.Mode mode = stickyMode(in.string(node, path), path);
            return mode == null ? null : new StickyConfig(mode, StickyConfig.DEFAULT_COOKIE, StickyConfig.DEFAULT_TTL, null);
        }
        Values.Fields fields = in.fields(node, path, STICKY_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        StickyConfig.Mode mode = StickyConfig.Mode.COOKIE;
        String cookie = StickyConfig.DEFAULT_COOKIE;
        Duration ttl = StickyConfig.DEFAULT_TTL;
        String secret = null;
        Duration affinity = Duration.ZERO;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "version_affinity" -> affinity = in.durationOrZero(f.value(), f.path());
                case "mode" -> mode = stickyMode(in.string(f.value(), f.path()), f.path());
                case "cookie" -> cookie = in.string(f.value(), f.path());
                case "ttl" -> ttl = in.duration(f.value(), f.path());
                case "secret" -> secret = in.string(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        StickyConfig.Mode m = mode;
        String c = cookie;
        Duration t = ttl;
        String s = secret;
        Duration a = affinity;
        return in.build(path, STICKY_KEYS, () -> new StickyConfig(m, c, t, s, a));
    }

    private StickyConfig.Mode stickyMode(String text, String path) {
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "cookie" -> StickyConfig.Mode.COOKIE;
            case "hash" -> StickyConfig.Mode.HASH;
            default -> {
                in.error(path, Values.quote(text) + " (expected one of: cookie, hash)");
                yield null;
            }
        };
    }

    /** A decimal strictly between {@code low} and {@code high} ({@code high} itself allowed above 1). */
    private Double fraction(JsonNode node, String path, double low, double high, String expected) {
        String text = node.isNumber() ? node.asText() : in.string(node, path);
        if (text == null) {
            return null;
        }
        try {
            double v = Double.parseDouble(text.trim());
            boolean ok = v > low && (high > 1 ? v <= high : v < high);
            if (ok && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        in.error(path, Values.quote(text) + " (expected: " + expected + ")");
        return null;
    }
}
