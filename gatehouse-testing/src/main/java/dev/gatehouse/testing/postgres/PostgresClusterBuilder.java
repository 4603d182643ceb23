package dev.gatehouse.testing.postgres;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Describes a {@link PostgresCluster} to start: its connection limits, further settings, login
 * roles with their authentication methods, and databases. Every name is a plain lower-case
 * identifier; a bad or repeated argument fails at once with a message that names it.
 * <pre>{@code
 * PostgresCluster pg = PostgresCluster.builder()
 *         .maxConnections(20)
 *         .scramUser("app", "app-secret")
 *         .md5User("legacy", "legacy-secret")
 *         .database("shop", "app")
 *         .start();
 * }</pre>
 * A builder may start several clusters; each gets its own directory and port.
 */
public final class PostgresClusterBuilder {

    /** The settings the cluster owns (or has a builder method for); {@link #setting} refuses them. */
    private static final Set<String> OWN_SETTINGS = Set.of("listen_addresses", "port", "unix_socket_directories",
            "max_connections", "superuser_reserved_connections");

    private Integer maxConnections;
    private Integer superuserReservedConnections;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, ClusterRole> roles = new LinkedHashMap<>();
    private final Map<String, ClusterDatabase> databases = new LinkedHashMap<>();

    PostgresClusterBuilder() {
    }

    /**
     * Sets {@code max_connections}.
     *
     * @param max at least 1, and more than 3 unless {@link #superuserReservedConnections} is set
     *        lower than PostgreSQL's default of 3; the default is 100
     * @return this builder
     */
    public PostgresClusterBuilder maxConnections(int max) {
        if (maxConnections != null) {
            throw new IllegalStateException("maxConnections was already set to " + maxConnections);
        }
        if (max < 1) {
            throw new IllegalArgumentException("maxConnections: " + max + " (expected: > 0)");
        }
        maxConnections = max;
        return this;
    }

    /**
     * Sets {@code superuser_reserved_connections}: the connections only {@code postgres} may use.
     *
     * @param reserved at least 0 and fewer than max_connections; PostgreSQL's default is 3
     * @return this builder
     */
    public PostgresClusterBuilder superuserReservedConnections(int reserved) {
        if (superuserReservedConnections != null) {
            throw new IllegalStateException("superuserReservedConnections was already set to " + superuserReservedConnections);
        }
        if (reserved < 0) {
            throw new IllegalArgumentException("superuserReservedConnections: " + reserved + " (expected: >= 0)");
        }
        superuserReservedConnections = reserved;
        return this;
    }

    /**
     * Adds a setting to {@code postgresql.conf} ({@code work_mem}, {@code log_connections}, ...).
     * The cluster's address, port, socket directory and connection limits are not settable here.
     *
     * @param name the setting's name
     * @param value its value, written quoted (PostgreSQL accepts numbers and booleans quoted too)
     * @return this builder
     */
    public PostgresClusterBuilder setting(String name, String value) {
        SqlText.settingName(name);
        if (OWN_SETTINGS.contains(name)) {
            throw new IllegalArgumentException("setting: \"" + name + "\" (expected: none of " + OWN_SETTINGS
                    + "; the cluster sets them, use maxConnections and superuserReservedConnections)");
        }
        if (settings.containsKey(name)) {
            throw new IllegalStateException("setting " + name + " was already set to \"" + settings.get(name) + "\"");
        }
        settings.put(name, SqlText.oneLine("value of setting " + name, value));
        return this;
    }

    /**
     * Adds a login role that connects from 127.0.0.1 without a password.
     *
     * @param name the role's name
     * @return this builder
     */
    public PostgresClusterBuilder trustUser(String name) {
        return role(new ClusterRole(name, AuthMethod.TRUST, null));
    }

    /**
     * Adds a login role whose password is stored as a SCRAM-SHA-256 verifier and which must
     * authenticate with SCRAM-SHA-256 from 127.0.0.1.
     *
     * @param name the role's name
     * @param password its password, not empty
     * @return this builder
     */
    public PostgresClusterBuilder scramUser(String name, String password) {
        return role(new ClusterRole(name, AuthMethod.SCRAM_SHA_256, password));
    }

    /**
     * Adds a login role whose password is stored as an md5 hash and which must authenticate with
     * the md5 challenge from 127.0.0.1.
     *
     * @param name the role's name
     * @param password its password, not empty
     * @return this builder
     */
    public PostgresClusterBuilder md5User(String name, String password) {
        return role(new ClusterRole(name, AuthMethod.MD5, password));
    }

    /**
     * Adds a database, created after the roles.
     *
     * @param name the database's name
     * @param owner {@code postgres} or a role added to this builder (before or after this call)
     * @return this builder
     */
    public PostgresClusterBuilder database(String name, String owner) {
        ClusterDatabase database = new ClusterDatabase(name, owner);
        if (databases.putIfAbsent(name, database) != null) {
            throw new IllegalStateException("database " + name + " was already added");
        }
        return this;
    }

    /**
     * Makes the cluster, starts its server, creates the roles and databases, and returns once it
     * accepts connections. On a failure nothing is left running and the directory is deleted.
     *
     * @return the running cluster; close it
     * @throws IOException when a file or process cannot be made
     * @throws IllegalStateException when PostgreSQL is not installed, or initdb or the server fails
     *         (the message names the log and ends with its last lines)
     */
    public PostgresCluster start() throws IOException {
        return PostgresCluster.create(spec());
    }

    /** The description so far, checked whole. */
    ClusterSpec spec() {
        return new ClusterSpec(maxConnections == null ? 100 : maxConnections, superuserReservedConnections, settings,
                List.copyOf(roles.values()), new ArrayList<>(databases.values()));
    }

    private PostgresClusterBuilder role(ClusterRole role) {
        if (roles.putIfAbsent(role.name(), role) != null) {
            throw new IllegalStateException("role " + role.name() + " was already added");
        }
        return this;
    }
}
