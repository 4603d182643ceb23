package dev.gatehouse.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code databases} section: the PostgreSQL front door. Clients connect to its listeners and
 * ask for a database (a pool) as a user; the front door checks them and lends them server
 * connections from per-(database, user) pools, within each server's connection budget.
 *
 * <p>Without the section there is no front door: {@link #NONE}, every part empty.
 *
 * @param listeners where clients connect; at least one when there are servers or pools
 * @param servers   the PostgreSQL servers, by name, in config order
 * @param pools     the databases clients can ask for, by that name, in config order; each on a
 *                  server of {@code servers}
 * @param users     the users clients can log in as, by name, in config order
 * @param authQuery how users not in {@code users} are looked up on the server, or null for never
 * @param limits    bounds for the whole front door
 */
public record DatabasesConfig(List<DatabaseListenerConfig> listeners, Map<String, DatabaseServerConfig> servers,
                              Map<String, DatabasePoolConfig> pools, Map<String, DatabaseUserConfig> users,
                              DatabaseAuthQueryConfig authQuery, DatabaseLimitsConfig limits) {

    /** No PostgreSQL front door. */
    public static final DatabasesConfig NONE = new DatabasesConfig(List.of(), Map.of(), Map.of(), Map.of(), null,
            DatabaseLimitsConfig.DEFAULTS);

    /**
     * Validates and copies: every map key is its record's name, and the relations between the parts
     * hold (see {@link DatabaseRules}); a broken one is reported with its path in the section.
     */
    public DatabasesConfig {
        listeners = List.copyOf(listeners);
        servers = ordered(servers);
        pools = ordered(pools);
        users = ordered(users);
        limits = limits == null ? DatabaseLimitsConfig.DEFAULTS : limits;
        servers.forEach((k, v) -> sameName("servers", k, v.name()));
        pools.forEach((k, v) -> sameName("pools", k, v.name()));
        users.forEach((k, v) -> sameName("users", k, v.name()));
        if (listeners.isEmpty() && (!servers.isEmpty() || !pools.isEmpty())) {
            throw new IllegalArgumentException("listeners: [] (expected: at least one listener when servers or pools are given)");
        }
        List<ConfigError> problems = DatabaseRules.problems("", listeners, servers, pools, users, authQuery);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0).toString());
        }
    }

    /** Whether there is a PostgreSQL front door: at least one listener. */
    public boolean enabled() {
        return !listeners.isEmpty();
    }

    private static <V> Map<String, V> ordered(Map<String, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map)));
    }

    private static void sameName(String part, String key, String name) {
        if (!key.equals(name)) {
            throw new IllegalArgumentException(part + ": " + Values.quote(key) + " (expected: the name of its entry, "
                    + Values.quote(name) + ")");
        }
    }
}
