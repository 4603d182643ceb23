package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Map.Entry;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code pools}: each pool's strategy and backends; its policies in {@link PoolPolicyWalker} and
 * its health handling and retries in {@link HealthWalker} and {@link RetryWalker}. Part of {@link ConfigWalker}.
 */
final class PoolWalker {

    private static final List<String> POOL_KEYS = List.of("strategy", "backends", "hash", "backend_concurrency",
            "adaptive", "queue", "slow_lane", "request_buffering", "sticky", "health_check", "outlier_detection", "slow_start", "panic",
            "retries", "tunnels", "tls", "discover");
    private static final List<String> BACKEND_KEYS = List.of("address", "weight", "version");

    private static final Pattern POOL_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String STRATEGIES =
            Arrays.stream(Strategy.values()).map(Strategy::configName).collect(Collectors.joining(", "));

    private final Values in;
    private final PoolPolicyWalker policies;
    private final HealthWalker health;
    private final RetryWalker retries;

    PoolWalker(Values in) {
        this.in = in;
        this.policies = new PoolPolicyWalker(in);
        this.health = new HealthWalker(in);
        this.retries = new RetryWalker(in);
    }

    /** Reads the pools map; {@code null} if anything in it was wrong. */
    Map<String, PoolConfig> pools(JsonNode node, String path) {
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: a map of pool names to pools)");
            return null;
        }
        int mark = in.errorCount();
        Map<String, PoolConfig> pools = new LinkedHashMap<>();
        for (Entry<String, JsonNode> e : node.properties()) {
            String name = e.getKey();
            String poolPath = Paths.child(path, name);
            if (!POOL_NAME.matcher(name).matches()) {
                in.error(poolPath, Values.quote(name)
                        + " (expected: a pool name of 1-63 lowercase letters, digits, _ or -, starting with a letter or digit)");
                continue;
            }
            pools.put(name, pool(name, e.getValue(), poolPath));
        }
        return in.errorCount() == mark ? pools : null;
    }

    private PoolConfig pool(String name, JsonNode node, String path) {
        if (node.isNull()) {
            // "web:" with nothing after it: a pool with every default and no backends yet.
            return in.build(path, POOL_KEYS, () -> new PoolConfig(name, Strategy.DEFAULT, List.of(), HashConfig.DEFAULTS,
                    AdmissionConfig.PROTECTED, null));
        }
        Values.Fields fields = in.fields(node, path, POOL_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        Strategy strategy = null;
        List<BackendConfig> backends = List.of();
        HashConfig hash = HashConfig.DEFAULTS;
        Integer concurrency = 0;
        AdaptiveConfig adaptive = null;
        QueueConfig queue = QueueConfig.DEFAULTS;
        SlowLaneConfig slowLane = null;
        Boolean buffering = null;
        StickyConfig sticky = null;
        HealthCheckConfig check = HealthConfig.DEFAULTS.check();
        OutlierConfig outlier = HealthConfig.DEFAULTS.outlier();
        SlowStartConfig slowStart = HealthConfig.DEFAULTS.slowStart();
        PanicConfig panic = HealthConfig.DEFAULTS.panic();
        RetryConfig retry = RetryConfig.DEFAULTS;
        TunnelsConfig tunnels = TunnelsConfig.DEFAULTS;
        BackendTlsConfig tls = BackendTlsConfig.OFF;
        List<DiscoverConfig> discover = List.of();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "strategy" -> strategy = strategy(in.string(f.value(), f.path()), f.path());
                case "backends" -> backends = backends(f.value(), f.path());
                case "hash" -> hash = policies.hash(f.value(), f.path());
                case "backend_concurrency" -> concurrency = in.integer(f.value(), f.path(), 0, 100_000);
                case "adaptive" -> adaptive = policies.adaptive(f.value(), f.path());
                case "queue" -> queue = policies.queue(f.value(), f.path());
                case "slow_lane" -> slowLane = policies.slowLane(f.value(), f.path());
                case "request_buffering" -> buffering = in.bool(f.value(), f.path());
                case "sticky" -> sticky = policies.sticky(f.value(), f.path());
                case "health_check" -> check = health.check(f.value(), f.path());
                case "outlier_detection" -> outlier = health.outlier(f.value(), f.path());
                case "slow_start" -> slowStart = health.slowStart(f.value(), f.path());
                case "panic" -> panic = health.panic(f.value(), f.path());
                case "retries" -> retry = retries.retries(f.value(), f.path());
                case "tunnels" -> tunnels = new TunnelsWalker(in).tunnels(f.value(), f.path());
                case "tls" -> tls = new BackendTlsWalker(in).tls(f.value(), f.path());
                case "discover" -> discover = new DiscoverWalker(in).discover(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        // "sticky: hash" is consistent hashing on the pool's hash key; it picks that strategy
        // unless another one was named, which is a contradiction reported by PoolConfig.
        Strategy s = strategy != null ? strategy
                : sticky != null && sticky.mode() == StickyConfig.Mode.HASH ? Strategy.CONSISTENT_HASH : Strategy.DEFAULT;
        List<BackendConfig> b = backends;
        HashConfig h = hash;
        StickyConfig st = sticky;
        // Protection by default: without a limit named, each backend's is learned; with any limit,
        // learned or fixed, slow routes are isolated unless "slow_lane: false" says otherwise.
        if (!fields.has("backend_concurrency") && !fields.has("adaptive")) {
            adaptive = AdaptiveConfig.DEFAULTS;
        }
        if (!fields.has("slow_lane") && (concurrency > 0 || adaptive != null)) {
            slowLane = SlowLaneConfig.DEFAULTS;
        }
        int c = concurrency;
        AdaptiveConfig a = adaptive;
        QueueConfig q = queue;
        SlowLaneConfig sl = slowLane;
        boolean bb = buffering != null ? buffering : c > 0 || a != null;
        AdmissionConfig admission = in.build(path, List.of("backend_concurrency", "adaptive", "slow_lane"),
                () -> new AdmissionConfig(c, a, q, sl, bb));
        if (admission == null) {
            return null;
        }
        HealthConfig hc = new HealthConfig(check, outlier, slowStart, panic);
        RetryConfig r = retry;
        TunnelsConfig t = tunnels;
        BackendTlsConfig tl = tls;
        List<DiscoverConfig> d = discover;
        return in.build(path, POOL_KEYS, () -> new PoolConfig(name, s, b, h, admission, st, hc, r, t, tl, d));
    }

    private Strategy strategy(String text, String path) {
        if (text == null) {
            return null;
        }
        return Strategy.byConfigName(text).orElseGet(() -> {
            in.error(path, Values.quote(text) + " (expected one of: " + STRATEGIES + ")");
            return null;
        });
    }

    private List<BackendConfig> backends(JsonNode node, String path) {
        ArrayNode list = in.list(node, path, "backends");
        if (list == null) {
            return null;
        }
        int mark = in.errorCount();
        List<BackendConfig> backends = new ArrayList<>();
        // Each address and the backend that used it first. A backend named twice would get twice
        // its share and be counted twice in health checks and drains.
        Map<HostPort, String> seen = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            Site site = new Site(Paths.index(path, i), "backends[" + i + "]", seen);
            backends.add(item.isObject() ? backend(item, site) : shortBackend(item, site));
        }
        return in.errorCount() == mark ? backends : null;
    }

    /** Where a backend is: its path, its name for messages, and the addresses of the pool so far. */
    private record Site(String path, String name, Map<HostPort, String> seen) {
    }

    /** The plain-string form: {@code - 127.0.0.1:8001}. */
    private BackendConfig shortBackend(JsonNode node, Site site) {
        String path = site.path();
        if (!node.isTextual()) {
            in.error(path, Values.describe(node) + " (expected: host:port, or a map with address, weight and version)");
            return null;
        }
        HostPort address = address(in.string(node, path), path, site);
        return address == null ? null
                : in.build(path, BACKEND_KEYS, () -> new BackendConfig(address, 1, BackendConfig.DEFAULT_VERSION));
    }

    private BackendConfig backend(JsonNode node, Site site) {
        String path = site.path();
        Values.Fields fields = in.fields(node, path, BACKEND_KEYS);
        int mark = in.errorCount();
        HostPort address = null;
        Integer weight = 1;
        String version = BackendConfig.DEFAULT_VERSION;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "address" -> address = address(in.string(f.value(), f.path()), f.path(), site);
                case "weight" -> weight = in.integer(f.value(), f.path(), 1, 1000);
                case "version" -> version = version(in.string(f.value(), f.path()), f.path());
                default -> in.unknown(f);
            }
        }
        if (!fields.has("address")) {
            in.missing(Paths.child(path, "address"), "host:port");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        HostPort a = address;
        int w = weight;
        String v = version;
        return in.build(path, BACKEND_KEYS, () -> new BackendConfig(a, w, v));
    }

    private HostPort address(String text, String path, Site site) {
        HostPort address = ConfigWalker.hostPort(in, text, path);
        if (address == null) {
            return null;
        }
        // Port 0 is fine for a listener (any free port) but nothing can connect to it.
        if (address.port() == 0) {
            in.error(path, Values.quote(text) + " (expected: port 1-65535)");
            return null;
        }
        // Checked here, not once the backend is whole, so a duplicate is reported with the backend's other errors.
        HostPort key = new HostPort(address.host().toLowerCase(Locale.ROOT), address.port());
        String other = site.seen().putIfAbsent(key, site.name());
        if (other != null) {
            in.error(path, Values.quote(text) + " (expected: an address not already used by " + other + ")");
            return null;
        }
        return address;
    }

    private String version(String text, String path) {
        if (text != null && !VERSION.matcher(text).matches()) {
            in.error(path, Values.quote(text) + " (expected: a version label of 1-64 letters, digits, ., _ or -)");
            return null;
        }
        return text;
    }
}
