package dev.gatehouse.testing.postgres;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link PostgresCluster} is made with, checked whole, and the configuration files that
 * follow from it. The cluster's own settings (address, port, socket directory) are not here: they
 * are the cluster's, not the test's, and {@link PostgresClusterBuilder} refuses them.
 *
 * @param maxConnections {@code max_connections}
 * @param superuserReservedConnections {@code superuser_reserved_connections}; null: PostgreSQL's default (3)
 * @param settings further settings, in the order given
 * @param roles login roles to create
 * @param databases databases to create, after the roles
 */
record ClusterSpec(int maxConnections, Integer superuserReservedConnections, Map<String, String> settings,
                   List<ClusterRole> roles, List<ClusterDatabase> databases) {

    private static final int POSTGRES_DEFAULT_RESERVED = 3;

    ClusterSpec {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: > 0)");
        }
        if (superuserReservedConnections != null
                && (superuserReservedConnections < 0 || superuserReservedConnections >= maxConnections)) {
            throw new IllegalArgumentException("superuserReservedConnections: " + superuserReservedConnections
                    + " (expected: >= 0 and < maxConnections, " + maxConnections + ")");
        }
        if (superuserReservedConnections == null && maxConnections <= POSTGRES_DEFAULT_RESERVED) {
            // PostgreSQL would refuse to start; say so before making anything.
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: > "
                    + POSTGRES_DEFAULT_RESERVED + ", PostgreSQL's default superuser_reserved_connections; or set"
                    + " superuserReservedConnections lower)");
        }
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        roles = List.copyOf(roles);
        databases = List.copyOf(databases);
        Set<String> owners = new HashSet<>(Set.of(PostgresCluster.SUPERUSER));
        roles.forEach(r -> owners.add(r.name()));
        for (ClusterDatabase d : databases) {
            if (!owners.contains(d.owner())) {
                throw new IllegalArgumentException("owner of database " + d.name() + ": \"" + d.owner()
                        + "\" (expected: postgres or a role of the cluster: " + owners + ")");
            }
        }
    }

    /**
     * The lines appended to the {@code postgresql.conf} initdb wrote (a later line wins): loopback
     * and one port only, the socket in the cluster's directory, and no fsync, since nothing in a
     * test cluster must survive a machine crash.
     */
    String postgresqlConf(int port, Path socketDirectory) {
        StringBuilder conf = new StringBuilder("\n# PostgresCluster (gatehouse-testing)\n");
        line(conf, "listen_addresses", SqlText.confValue(PostgresCluster.HOST));
        line(conf, "port", Integer.toString(port));
        line(conf, "unix_socket_directories", SqlText.confValue(socketDirectory.toString()));
        line(conf, "fsync", "off");
        line(conf, "max_connections", Integer.toString(maxConnections));
        if (superuserReservedConnections != null) {
            line(conf, "superuser_reserved_connections", superuserReservedConnections.toString());
        }
        settings.forEach((name, value) -> line(conf, name, SqlText.confValue(value)));
        return conf.toString();
    }

    /**
     * The whole {@code pg_hba.conf}: the superuser by trust on the socket and on 127.0.0.1, each
     * role by its own method on 127.0.0.1. No line matches anyone else, so PostgreSQL rejects them.
     */
    String pgHbaConf() {
        StringBuilder hba = new StringBuilder("# PostgresCluster (gatehouse-testing): TYPE DATABASE USER [ADDRESS] METHOD\n");
        hba.append("local all ").append(PostgresCluster.SUPERUSER).append(" trust\n");
        hba.append("host all ").append(PostgresCluster.SUPERUSER).append(" 127.0.0.1/32 trust\n");
        roles.forEach(r -> hba.append(r.hbaLine()).append('\n'));
        return hba.toString();
    }

    private static void line(StringBuilder conf, String name, String value) {
        conf.append(name).append(" = ").append(value).append('\n');
    }
}
