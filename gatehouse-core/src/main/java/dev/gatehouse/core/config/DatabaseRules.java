package dev.gatehouse.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The relations between the parts of the {@code databases} section, each broken one as a
 * {@link ConfigError} with its path: the walker reports them all, {@link DatabasesConfig} refuses
 * the first. One place for the rules, so the two can never disagree.
 */
final class DatabaseRules {

    private DatabaseRules() {
    }

    /**
     * Every broken relation, in the order of the parts.
     *
     * @param path the section's path ({@code databases} in a file, empty for a record built in code)
     */
    static List<ConfigError> problems(String path, List<DatabaseListenerConfig> listeners,
                                      Map<String, DatabaseServerConfig> servers, Map<String, DatabasePoolConfig> pools,
                                      Map<String, DatabaseUserConfig> users, DatabaseAuthQueryConfig authQuery) {
        List<ConfigError> out = new ArrayList<>();
        String poolsPath = Paths.child(path, "pools");
        for (DatabasePoolConfig pool : pools.values()) {
            String poolPath = Paths.child(poolsPath, pool.name());
            DatabaseServerConfig server = servers.get(pool.server());
            if (server == null) {
                out.add(new ConfigError(Paths.child(poolPath, "server"), serverRef(pool.server(), servers.keySet(), path)));
            } else if (pool.maxConnections() > server.maxConnections()) {
                out.add(new ConfigError(Paths.child(poolPath, "max_connections"), pool.maxConnections() + " (expected: at most "
                        + server.maxConnections() + ", the max_connections of server " + server.name() + ")"));
            }
        }
        for (DatabaseServerConfig server : servers.values()) {
            minimaWithinBudget(path, server, pools.values(), out);
        }
        trustOnLoopback(path, listeners, users, out);
        if (authQuery != null) {
            authQueryUser(path, authQuery, users, out);
        }
        return out;
    }

    /**
     * The message for a pool's {@code server} that names no server, in the grammar of a route's
     * unknown pool.
     */
    static String serverRef(String name, Set<String> servers, String path) {
        return Values.quote(name) + (servers.isEmpty()
                ? " (expected: a server declared under " + Paths.child(path, "servers") + "; there are none)"
                : " (expected one of: " + servers.stream().map(Paths::key).collect(Collectors.joining(", ")) + ")");
    }

    /** The connections a server's pools keep open at the least must fit in its budget. */
    private static void minimaWithinBudget(String path, DatabaseServerConfig server, Iterable<DatabasePoolConfig> pools,
                                           List<ConfigError> out) {
        long sum = 0;
        List<String> parts = new ArrayList<>();
        for (DatabasePoolConfig pool : pools) {
            if (pool.server().equals(server.name()) && pool.minConnections() > 0) {
                sum += pool.minConnections();
                parts.add(Paths.key(pool.name()) + " " + pool.minConnections());
            }
        }
        if (sum > server.maxConnections()) {
            String at = Paths.child(Paths.child(Paths.child(path, "servers"), server.name()), "max_connections");
            out.add(new ConfigError(at, server.maxConnections() + " (expected: at least " + sum
                    + ", the sum of min_connections of the pools on server " + server.name() + ": " + String.join(", ", parts) + ")"));
        }
    }

    /**
     * Trust lets in anyone who reaches a listener, as any trust user, without a password: only when
     * every listener is on a loopback address, where only this machine's own processes reach it.
     */
    private static void trustOnLoopback(String path, List<DatabaseListenerConfig> listeners,
                                        Map<String, DatabaseUserConfig> users, List<ConfigError> out) {
        int open = -1;
        for (int i = 0; i < listeners.size() && open < 0; i++) {
            if (!AdminConfig.isLoopback(listeners.get(i).bind().host())) {
                open = i;
            }
        }
        if (open < 0) {
            return;
        }
        String listener = Paths.index(Paths.child(path, "listeners"), open);
        for (DatabaseUserConfig user : users.values()) {
            if (user.auth() == DatabaseUserConfig.Auth.TRUST) {
                String at = Paths.child(Paths.child(Paths.child(path, "users"), user.name()), "auth");
                out.add(new ConfigError(at, "\"trust\" (expected: scram-sha-256 or md5, since " + listener + " binds "
                        + listeners.get(open).bind() + ", which is not a loopback address: trust would let anyone who reaches it"
                        + " in as " + user.name() + " without a password)"));
            }
        }
    }

    /** The auth query runs on a listed user's server connection, so that user needs a server password. */
    private static void authQueryUser(String path, DatabaseAuthQueryConfig authQuery, Map<String, DatabaseUserConfig> users,
                                      List<ConfigError> out) {
        String at = Paths.child(Paths.child(path, "auth_query"), "user");
        DatabaseUserConfig user = users.get(authQuery.user());
        if (user == null) {
            out.add(new ConfigError(at, Values.quote(authQuery.user()) + (users.isEmpty()
                    ? " (expected: a user listed under " + Paths.child(path, "users") + "; there are none)"
                    : " (expected one of: " + users.keySet().stream().map(Paths::key).collect(Collectors.joining(", ")) + ")")));
        } else if (!user.hasServerPassword()) {
            out.add(new ConfigError(at, Values.quote(authQuery.user()) + " (expected: a user with a server password, a plaintext"
                    + " password or server_password: its server connection runs the query)"));
        }
    }
}
