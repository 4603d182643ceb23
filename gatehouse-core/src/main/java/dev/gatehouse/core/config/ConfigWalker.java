package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Walks the whole tree: the top level, listeners and routes here; pools, the settings sections,
 * supervised apps and the PostgreSQL front door in {@link PoolWalker}, {@link SettingsWalker},
 * {@link AdminWalker}, {@link AppWalker} and {@link DatabasesWalker}.
 *
 * <p>Each map is read entry by entry in document order, so errors come out in file order, except that
 * a missing key is reported when its map ends. A part is built into its record only when reading it
 * added no error, so constructors only ever see values the walk already checked.
 */
final class ConfigWalker {

    private static final List<String> ROOT_KEYS =
            List.of("listeners", "pools", "timeouts", "limits", "upstream", "forwarding", "access_log", "admin", "apps", "fleet", "dns",
                    "bodies", "tracing", "databases");
    private static final List<String> LISTENER_KEYS = List.of("bind", "routes", "tls", "http2");
    private static final List<String> ROUTE_KEYS = List.of("host", "path_prefix", "pool", "redirect", "static", "cache",
            "compress", "max_request_body", "rate_limit");

    // Letters, digits and '-' in dot-separated labels; the "*." of a wildcard is checked apart.
    private static final Pattern HOST = Pattern.compile("[a-z0-9-]+(\\.[a-z0-9-]+)*");

    private final Values in;

    ConfigWalker(Values in) {
        this.in = in;
    }

    /** Reads the root; returns the config only when the whole file had no error. */
    GatehouseConfig walk(JsonNode root) {
        if (root == null) {
            in.error("", "empty document (expected: a map with listeners and pools)");
            return null;
        }
        Values.Fields fields = in.fields(root, "", ROOT_KEYS);
        if (fields == null) {
            return null;
        }
        Set<String> poolNames = declaredPools(root.get("pools"));
        PoolWalker pools = new PoolWalker(in);
        SettingsWalker settings = new SettingsWalker(in);

        List<ListenerConfig> listeners = null;
        // A node that only serves files or redirects needs no pool.
        Map<String, PoolConfig> poolConfigs = Map.of();
        TimeoutsConfig timeouts = TimeoutsConfig.DEFAULTS;
        LimitsConfig limits = LimitsConfig.DEFAULTS;
        UpstreamConfig upstream = UpstreamConfig.DEFAULTS;
        ForwardingConfig forwarding = ForwardingConfig.DEFAULTS;
        AccessLogConfig accessLog = AccessLogConfig.DEFAULTS;
        AdminConfig admin = AdminConfig.DEFAULTS;
        Map<String, AppConfig> apps = Map.of();
        FleetConfig fleet = null;
        DnsConfig dns = DnsConfig.DEFAULTS;
        BodiesConfig bodies = BodiesConfig.DEFAULTS;
        TracingConfig tracing = TracingConfig.DEFAULTS;
        DatabasesConfig databases = DatabasesConfig.NONE;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "listeners" -> listeners = listeners(f.value(), f.path(), poolNames);
                case "pools" -> poolConfigs = pools.pools(f.value(), f.path());
                case "timeouts" -> timeouts = settings.timeouts(f.value(), f.path());
                case "limits" -> limits = settings.limits(f.value(), f.path());
                case "upstream" -> upstream = settings.upstream(f.value(), f.path());
                case "forwarding" -> forwarding = settings.forwarding(f.value(), f.path());
                case "access_log" -> accessLog = settings.accessLog(f.value(), f.path());
                case "admin" -> admin = new AdminWalker(in).admin(f.value(), f.path());
                case "apps" -> apps = new AppWalker(in).apps(f.value(), f.path());
                case "fleet" -> fleet = new FleetWalker(in).fleet(f.value(), f.path());
                case "dns" -> dns = new DiscoverWalker(in).dns(f.value(), f.path());
                case "bodies" -> bodies = settings.bodies(f.value(), f.path());
                case "tracing" -> tracing = settings.tracing(f.value(), f.path());
                case "databases" -> databases = new DatabasesWalker(in).databases(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        boolean agent = fleet != null && fleet.isAgent();
        if (agent && fields.has("listeners")) {
            in.error("listeners", "given on an agent (expected: none; an agent runs apps for the fleet's balancer nodes and"
                    + " serves no clients: remove listeners, or fleet.agent to make this node a balancer)");
        } else if (agent) {
            listeners = List.of();
        } else if (!fields.has("listeners")) {
            in.missing("listeners", "a list of listeners");
        }
        if (listeners != null && admin != null) {
            adminClash(admin, listeners);
        }
        if (agent && databases != null && databases.enabled()) {
            in.error("databases", "a PostgreSQL front door on an agent (expected: none; an agent runs apps for the fleet's"
                    + " balancer nodes and serves no clients)");
        } else if (listeners != null && databases != null) {
            new DatabaseListenersWalker(in).clashes(databases, listeners, admin);
        }
        if (in.errorCount() > 0) {
            return null;
        }
        List<ListenerConfig> l = listeners;
        Map<String, PoolConfig> p = poolConfigs;
        TimeoutsConfig t = timeouts;
        LimitsConfig lim = limits;
        UpstreamConfig u = upstream;
        ForwardingConfig fw = forwarding;
        AccessLogConfig a = accessLog;
        AdminConfig adm = admin;
        Map<String, AppConfig> ap = apps;
        FleetConfig fl = fleet;
        DnsConfig d = dns;
        BodiesConfig b = bodies;
        TracingConfig tr = tracing;
        DatabasesConfig db = databases;
        return in.build("", ROOT_KEYS, () -> new GatehouseConfig(l, p, t, lim, u, fw, a, adm, ap, fl, d, b, tr, db));
    }

    /** The admin listener may not take the address of a client listener (port 0 never clashes). */
    private void adminClash(AdminConfig admin, List<ListenerConfig> listeners) {
        if (!admin.enabled() || admin.bind().port() == 0) {
            return;
        }
        HostPort bind = admin.bind();
        for (int i = 0; i < listeners.size(); i++) {
            HostPort other = listeners.get(i).bind();
            if (other.port() == bind.port() && other.host().equalsIgnoreCase(bind.host())) {
                in.error("admin.bind", Values.quote(bind.toString())
                        + " (expected: an address not already bound by listeners[" + i + "])");
                return;
            }
        }
    }

    /**
     * The pool names the file declares, valid or not, so routes are checked against what the author
     * wrote: none when {@code pools} is absent; {@code null} when it is not a map, which is reported
     * there instead.
     */
    private static Set<String> declaredPools(JsonNode pools) {
        if (pools == null || pools.isNull()) {
            return Set.of();
        }
        if (!pools.isObject()) {
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        pools.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private List<ListenerConfig> listeners(JsonNode node, String path, Set<String> poolNames) {
        ArrayNode list = in.list(node, path, "listeners");
        if (list == null) {
            return null;
        }
        if (list.isEmpty()) {
            in.error(path, "[] (expected: at least one listener)");
            return null;
        }
        int mark = in.errorCount();
        List<ListenerConfig> listeners = new ArrayList<>();
        Map<HostPort, String> binds = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            listeners.add(listener(list.get(i), Paths.index(path, i), poolNames, binds));
        }
        return in.errorCount() == mark ? listeners : null;
    }

    private ListenerConfig listener(JsonNode node, String path, Set<String> poolNames, Map<HostPort, String> binds) {
        Values.Fields fields = in.fields(node, path, LISTENER_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        HostPort bind = null;
        List<RouteConfig> routes = null;
        TlsConfig tls = null;
        Http2Config http2 = Http2Config.DEFAULTS;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "bind" -> bind = bind(f, binds, path);
                case "routes" -> routes = routes(f.value(), f.path(), poolNames);
                case "tls" -> tls = new TlsWalker(in).tls(f.value(), f.path());
                case "http2" -> http2 = new Http2Walker(in).http2(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (!fields.has("bind")) {
            in.missing(Paths.child(path, "bind"), "host:port");
        }
        if (!fields.has("routes")) {
            in.missing(Paths.child(path, "routes"), "a list of routes");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        HostPort b = bind;
        List<RouteConfig> r = routes;
        TlsConfig t = tls;
        Http2Config h2 = http2;
        return in.build(path, LISTENER_KEYS, () -> new ListenerConfig(b, r, t, h2));
    }

    private HostPort bind(Values.Field f, Map<HostPort, String> binds, String listenerPath) {
        String text = in.string(f.value(), f.path());
        HostPort bind = hostPort(in, text, f.path());
        if (bind == null) {
            return null;
        }
        HostPort key = new HostPort(bind.host().toLowerCase(Locale.ROOT), bind.port());
        // Port 0 means "any free port": two such listeners get different ports, so they never clash.
        String other = bind.port() == 0 ? null : binds.putIfAbsent(key, listenerPath);
        if (other != null) {
            in.error(f.path(), Values.quote(text) + " (expected: an address not already bound by " + other + ")");
            return null;
        }
        return bind;
    }

    /** Parses {@code host:port}, reporting a bad one; {@code null} text was already reported. */
    static HostPort hostPort(Values in, String text, String path) {
        if (text == null) {
            return null;
        }
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            in.error(path, e.getMessage());
            return null;
        }
    }

    private List<RouteConfig> routes(JsonNode node, String path, Set<String> poolNames) {
        ArrayNode list = in.list(node, path, "routes");
        if (list == null) {
            return null;
        }
        if (list.isEmpty()) {
            in.error(path, "[] (expected: at least one route)");
            return null;
        }
        int mark = in.errorCount();
        List<RouteConfig> routes = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String routePath = Paths.index(path, i);
            RouteConfig route = route(list.get(i), routePath, poolNames);
            if (route == null) {
                continue;
            }
            // Two routes with the same host and prefix: one could never be chosen.
            String key = route.host() + " " + route.pathPrefix();
            String other = seen.putIfAbsent(key, "routes[" + i + "]");
            if (other != null) {
                String host = route.host() == null ? "any host" : "host " + Values.quote(route.host());
                in.error(routePath, host + " and path_prefix " + Values.quote(route.pathPrefix())
                        + " (expected: a combination not already used by " + other + ")");
            }
            routes.add(route);
        }
        return in.errorCount() == mark ? routes : null;
    }

    private RouteConfig route(JsonNode node, String path, Set<String> poolNames) {
        Values.Fields fields = in.fields(node, path, ROUTE_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        String host = null;
        String prefix = "/";
        String pool = null;
        Long maxBody = null;
        RateLimitConfig rateLimit = null;
        RedirectConfig redirect = null;
        StaticConfig files = null;
        CacheConfig cache = null;
        CompressConfig compress = null;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "host" -> host = routeHost(in.string(f.value(), f.path()), f.path());
                case "path_prefix" -> prefix = pathPrefix(in.string(f.value(), f.path()), f.path());
                case "pool" -> pool = poolRef(in.string(f.value(), f.path()), f.path(), poolNames);
                case "redirect" -> redirect = new RedirectWalker(in).redirect(f.value(), f.path());
                case "static" -> files = new StaticWalker(in).files(f.value(), f.path());
                case "cache" -> cache = new CacheWalker(in).cache(f.value(), f.path());
                case "compress" -> compress = new CompressWalker(in).compress(f.value(), f.path());
                case "max_request_body" -> maxBody = in.size(f.value(), f.path(), 0, Long.MAX_VALUE);
                case "rate_limit" -> rateLimit = new RateLimitWalker(in).rateLimit(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (!fields.has("pool") && !fields.has("redirect") && !fields.has("static")) {
            in.missing(Paths.child(path, "pool"), "the name of a pool, a redirect or static files");
        } else if (fields.has("redirect") && (fields.has("pool") || fields.has("static"))) {
            in.error(Paths.child(path, "redirect"), "set together with " + (fields.has("pool") ? "pool" : "static")
                    + " (expected: one of them: a route sends to a pool, redirects, or serves static files)");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        String h = host;
        String pp = prefix;
        String p = pool;
        Long mb = maxBody;
        RateLimitConfig rl = rateLimit;
        RedirectConfig rd = redirect;
        StaticConfig st = files;
        CacheConfig ca = cache;
        CompressConfig co = compress;
        return in.build(path, ROUTE_KEYS, () -> new RouteConfig(h, pp, p, mb, rl, rd, st, ca, co));
    }

    private String routeHost(String text, String path) {
        if (text == null) {
            return null;
        }
        String host = text.toLowerCase(Locale.ROOT);
        String name = host.startsWith("*.") ? host.substring(2) : host;
        if (host.length() > 253 || !HOST.matcher(name).matches()) {
            in.error(path, Values.quote(text)
                    + " (expected: a host name such as api.example.com, or *.example.com; no port)");
            return null;
        }
        return host;
    }

    private String pathPrefix(String text, String path) {
        if (text == null) {
            return null;
        }
        if (!text.startsWith("/")) {
            in.error(path, Values.quote(text) + " (expected: a path starting with /)");
            return null;
        }
        // Matching is on the raw request path, which is ASCII without query or fragment:
        // a prefix with anything else could never match.
        if (!text.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '?' && c != '#')) {
            in.error(path, Values.quote(text)
                    + " (expected: visible ASCII without ?, # or spaces; percent-encode other characters)");
            return null;
        }
        return text;
    }

    private String poolRef(String name, String path, Set<String> poolNames) {
        if (name == null || poolNames == null || poolNames.contains(name)) {
            return name;
        }
        in.error(path, Values.quote(name) + (poolNames.isEmpty()
                ? " (expected: a pool declared under pools; there are none)"
                : " (expected one of: " + String.join(", ", poolNames.stream().map(Paths::key).toList()) + ")"));
        return null;
    }
}
