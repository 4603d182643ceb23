package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the {@code databases} section (the PostgreSQL front door) into a {@link DatabasesConfig}.
 * Part of {@link ConfigWalker}.
 *
 * <p>The section is read in document order, so a pool may come before the server it names. A
 * pool's {@code max_connections} defaults to its server's, so pools are built once the servers
 * are read; the relations between the parts ({@link DatabaseRules}) are checked once every part
 * read cleanly, since a broken part would only add errors that follow from it.
 */
final class DatabasesWalker {

    static final List<String> KEYS = List.of("listeners", "servers", "pools", "users", "auth_query", "limits");
    static final List<String> SERVER_KEYS = List.of("address", "max_connections", "connect_timeout");
    static final List<String> POOL_KEYS = List.of("server", "database", "mode", "min_connections", "max_connections",
            "wait_timeout", "session_state");
    static final List<String> USER_KEYS = List.of("auth", "password", "server_password");
    static final List<String> AUTH_QUERY_KEYS = List.of("query", "user");
    static final List<String> LIMITS_KEYS = List.of("max_message_size", "startup_timeout", "pause_timeout");

    private static final String LISTENERS_EXPECTED = "at least one listener when servers or pools are given";

    /** A pool as written: its {@code max_connections} (null for the server's) is resolved once the servers are read. */
    private record PoolDraft(String name, String server, String database, DatabasePoolConfig.Mode mode, int min, Integer max,
                             Duration waitTimeout, DatabasePoolConfig.SessionState sessionState) {
    }

    private final Values in;

    DatabasesWalker(Values in) {
        this.in = in;
    }

    /** Reads the section; {@code null} when it has an error (already reported). */
    DatabasesConfig databases(JsonNode node, String path) {
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: a map with listeners, servers, pools and users)");
            return null;
        }
        Values.Fields fields = in.fields(node, path, KEYS);
        int mark = in.errorCount();
        Set<String> serverNames = declared(node.get("servers"));
        Set<String> poolNames = declared(node.get("pools"));
        List<DatabaseListenerConfig> listeners = List.of();
        Map<String, DatabaseServerConfig> servers = Map.of();
        Map<String, PoolDraft> pools = Map.of();
        Map<String, DatabaseUserConfig> users = Map.of();
        DatabaseAuthQueryConfig authQuery = null;
        DatabaseLimitsConfig limits = DatabaseLimitsConfig.DEFAULTS;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "listeners" -> listeners = new DatabaseListenersWalker(in).listeners(f.value(), f.path());
                case "servers" -> servers = named(f.value(), f.path(), "server", DatabaseServerConfig.NAME,
                        DatabaseServerConfig.NAME_EXPECTED, this::server);
                case "pools" -> pools = named(f.value(), f.path(), "database", DatabasePoolConfig.PG_NAME,
                        "a database name of " + DatabasePoolConfig.PG_NAME_EXPECTED, (name, p) -> pool(name, p, serverNames, path));
                case "users" -> users = named(f.value(), f.path(), "user", DatabasePoolConfig.PG_NAME,
                        "a user name of " + DatabasePoolConfig.PG_NAME_EXPECTED, this::user);
                case "auth_query" -> authQuery = authQuery(f.value(), f.path());
                case "limits" -> limits = limits(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        boolean needsListeners = serverNames != null && !serverNames.isEmpty() || poolNames != null && !poolNames.isEmpty();
        if (needsListeners && !fields.has("listeners")) {
            in.missing(Paths.child(path, "listeners"), LISTENERS_EXPECTED);
        } else if (needsListeners && listeners != null && listeners.isEmpty()) {
            in.error(Paths.child(path, "listeners"), "[] (expected: " + LISTENERS_EXPECTED + ")");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        Map<String, DatabasePoolConfig> built = resolve(pools, servers, path);
        if (built == null) {
            return null;
        }
        List<ConfigError> problems = DatabaseRules.problems(path, listeners, servers, built, users, authQuery);
        if (!problems.isEmpty()) {
            problems.forEach(p -> in.error(p.path(), p.message()));
            return null;
        }
        List<DatabaseListenerConfig> l = listeners;
        Map<String, DatabaseServerConfig> s = servers;
        Map<String, DatabaseUserConfig> u = users;
        DatabaseAuthQueryConfig a = authQuery;
        DatabaseLimitsConfig lim = limits;
        return in.build(path, KEYS, () -> new DatabasesConfig(l, s, built, u, a, lim));
    }

    /** The names a map declares, valid or not; none when absent; {@code null} when it is not a map (reported there). */
    private static Set<String> declared(JsonNode map) {
        if (map == null || map.isNull()) {
            return Set.of();
        }
        if (!map.isObject()) {
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        map.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * Reads a map of names to entries, each name checked against {@code name}; an entry with no
     * value ({@code main:}) is read as an empty map. {@code null} when anything in it was wrong.
     */
    private <T> Map<String, T> named(JsonNode node, String path, String what, Pattern name, String nameExpected,
                                     BiFunction<String, String, Reader<T>> entry) {
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: a map of " + what + " names to " + what + "s)");
            return null;
        }
        int mark = in.errorCount();
        Map<String, T> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String entryPath = Paths.child(path, e.getKey());
            if (!name.matcher(e.getKey()).matches()) {
                in.error(entryPath, Values.quote(e.getKey()) + " (expected: " + nameExpected + ")");
                continue;
            }
            JsonNode value = e.getValue().isNull() ? JsonNodeFactory.instance.objectNode() : e.getValue();
            out.put(e.getKey(), entry.apply(e.getKey(), entryPath).read(value));
        }
        return in.errorCount() == mark ? out : null;
    }

    /** Reads one entry of a named map. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(JsonNode node);
    }

    private Reader<DatabaseServerConfig> server(String name, String path) {
        return node -> {
            Values.Fields fields = in.fields(node, path, SERVER_KEYS);
            if (fields == null) {
                return null;
            }
            int mark = in.errorCount();
            HostPort address = null;
            Integer max = null;
            Duration connectTimeout = DatabaseServerConfig.DEFAULT_CONNECT_TIMEOUT;
            for (Values.Field f : fields) {
                switch (f.key()) {
                    case "address" -> address = ConfigWalker.hostPort(in, in.string(f.value(), f.path()), f.path());
                    case "max_connections" -> max = in.integer(f.value(), f.path(), 1, DatabaseServerConfig.MAX_CONNECTIONS);
                    case "connect_timeout" -> connectTimeout = in.duration(f.value(), f.path());
                    default -> in.unknown(f);
                }
            }
            if (!fields.has("address")) {
                in.missing(Paths.child(path, "address"), "the server's host:port, such as 127.0.0.1:5432");
            }
            if (!fields.has("max_connections")) {
                in.missing(Paths.child(path, "max_connections"), "the most connections to open to this server, over all its pools, "
                        + "1-" + DatabaseServerConfig.MAX_CONNECTIONS);
            }
            if (in.errorCount() != mark) {
                return null;
            }
            HostPort a = address;
            int m = max;
            Duration t = connectTimeout;
            return in.build(path, SERVER_KEYS, () -> new DatabaseServerConfig(name, a, m, t));
        };
    }

    private Reader<PoolDraft> pool(String name, String path, Set<String> serverNames, String sectionPath) {
        return node -> {
            Values.Fields fields = in.fields(node, path, POOL_KEYS);
            if (fields == null) {
                return null;
            }
            int mark = in.errorCount();
            String server = null;
            String database = name;
            DatabasePoolConfig.Mode mode = DatabasePoolConfig.DEFAULT_MODE;
            Integer min = 0;
            Integer max = null;
            Duration wait = DatabasePoolConfig.DEFAULT_WAIT_TIMEOUT;
            DatabasePoolConfig.SessionState state = DatabasePoolConfig.DEFAULT_SESSION_STATE;
            for (Values.Field f : fields) {
                switch (f.key()) {
                    case "server" -> server = serverRef(in.string(f.value(), f.path()), f.path(), serverNames, sectionPath);
                    case "database" -> database = pgName(in.string(f.value(), f.path()), f.path(), "database");
                    case "mode" -> mode = choice(in.string(f.value(), f.path()), f.path(), DatabasePoolConfig.Mode.values(),
                            DatabasePoolConfig.Mode::configName);
                    case "min_connections" -> min = in.integer(f.value(), f.path(), 0, DatabaseServerConfig.MAX_CONNECTIONS);
                    case "max_connections" -> max = in.integer(f.value(), f.path(), 1, DatabaseServerConfig.MAX_CONNECTIONS);
                    case "wait_timeout" -> wait = in.duration(f.value(), f.path());
                    case "session_state" -> state = choice(in.string(f.value(), f.path()), f.path(),
                            DatabasePoolConfig.SessionState.values(), DatabasePoolConfig.SessionState::configName);
                    default -> in.unknown(f);
                }
            }
            if (!fields.has("server")) {
                in.missing(Paths.child(path, "server"), "the name of a server under " + Paths.child(sectionPath, "servers"));
            }
            if (mode == DatabasePoolConfig.Mode.SESSION && fields.has("session_state")) {
                // A session-mode client keeps its server connection to the end anyway: the key would do nothing.
                in.error(Paths.child(path, "session_state"), "set with mode session (expected: only with mode transaction)");
            }
            return in.errorCount() != mark ? null : new PoolDraft(name, server, database, mode, min, max, wait, state);
        };
    }

    /** Builds the pools, a missing {@code max_connections} taken from the pool's server; {@code null} on an error. */
    private Map<String, DatabasePoolConfig> resolve(Map<String, PoolDraft> drafts, Map<String, DatabaseServerConfig> servers,
                                                    String path) {
        int mark = in.errorCount();
        Map<String, DatabasePoolConfig> out = new LinkedHashMap<>();
        for (PoolDraft d : drafts.values()) {
            int max = d.max() != null ? d.max() : servers.get(d.server()).maxConnections();
            String poolPath = Paths.child(Paths.child(path, "pools"), d.name());
            out.put(d.name(), in.build(poolPath, POOL_KEYS, () -> new DatabasePoolConfig(d.name(), d.server(), d.database(), d.mode(),
                    d.min(), max, d.waitTimeout(), d.sessionState())));
        }
        return in.errorCount() == mark ? out : null;
    }

    private String serverRef(String name, String path, Set<String> serverNames, String sectionPath) {
        if (name == null || serverNames == null || serverNames.contains(name)) {
            return name;
        }
        in.error(path, DatabaseRules.serverRef(name, serverNames, sectionPath));
        return null;
    }

    private Reader<DatabaseUserConfig> user(String name, String path) {
        return node -> {
            Values.Fields fields = in.fields(node, path, USER_KEYS);
            if (fields == null) {
                return null;
            }
            int mark = in.errorCount();
            DatabaseUserConfig.Auth auth = DatabaseUserConfig.DEFAULT_AUTH;
            String password = null;
            String serverPassword = null;
            for (Values.Field f : fields) {
                switch (f.key()) {
                    case "auth" -> auth = choice(in.string(f.value(), f.path()), f.path(), DatabaseUserConfig.Auth.values(),
                            DatabaseUserConfig.Auth::configName);
                    case "password" -> password = in.string(f.value(), f.path());
                    case "server_password" -> serverPassword = in.string(f.value(), f.path());
                    default -> in.unknown(f);
                }
            }
            if (in.errorCount() != mark) {
                return null;
            }
            // The record checks the passwords' forms and which combinations make sense, at their keys' paths.
            DatabaseUserConfig.Auth a = auth;
            String p = password;
            String sp = serverPassword;
            return in.build(path, USER_KEYS, () -> new DatabaseUserConfig(name, a, p, sp));
        };
    }

    private DatabaseAuthQueryConfig authQuery(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, AUTH_QUERY_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        String query = DatabaseAuthQueryConfig.DEFAULT_QUERY;
        String user = null;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "query" -> query = in.string(f.value(), f.path());
                case "user" -> user = pgName(in.string(f.value(), f.path()), f.path(), "user");
                default -> in.unknown(f);
            }
        }
        if (!fields.has("user")) {
            in.missing(Paths.child(path, "user"), "a user listed under users, with a server password, whose connection runs the query");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        String q = query;
        String u = user;
        return in.build(path, AUTH_QUERY_KEYS, () -> new DatabaseAuthQueryConfig(q, u));
    }

    private DatabaseLimitsConfig limits(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, LIMITS_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        DatabaseLimitsConfig d = DatabaseLimitsConfig.DEFAULTS;
        Long maxMessage = (long) d.maxMessageSize();
        Duration startup = d.startupTimeout();
        Duration pause = d.pauseTimeout();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "max_message_size" -> maxMessage = in.size(f.value(), f.path(), DatabaseLimitsConfig.MIN_MESSAGE_SIZE,
                        DatabaseLimitsConfig.MAX_MESSAGE_SIZE);
                case "startup_timeout" -> startup = in.duration(f.value(), f.path());
                case "pause_timeout" -> pause = in.duration(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        int m = maxMessage.intValue();
        Duration s = startup;
        Duration p = pause;
        return in.build(path, LIMITS_KEYS, () -> new DatabaseLimitsConfig(m, s, p));
    }

    private String pgName(String text, String path, String what) {
        if (text != null && !DatabasePoolConfig.PG_NAME.matcher(text).matches()) {
            in.error(path, Values.quote(text) + " (expected: a " + what + " name of " + DatabasePoolConfig.PG_NAME_EXPECTED + ")");
            return null;
        }
        return text;
    }

    /** One of an enum's values by its config name. */
    private <E extends Enum<E>> E choice(String text, String path, E[] values, Function<E, String> configName) {
        if (text == null) {
            return null;
        }
        for (E e : values) {
            if (configName.apply(e).equals(text)) {
                return e;
            }
        }
        in.error(path, Values.quote(text) + " (expected one of: "
                + String.join(", ", Arrays.stream(values).map(configName).toList()) + ")");
        return null;
    }
}
