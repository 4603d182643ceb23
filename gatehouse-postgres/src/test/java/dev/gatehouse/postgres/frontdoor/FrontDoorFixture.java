package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.DatabasesConfig;
import dev.gatehouse.server.Transport;
import dev.gatehouse.testing.postgres.PostgresCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A front door in front of a test cluster, from a {@code databases} section's YAML (its server
 * address filled in), and pgjdbc connections through it.
 */
final class FrontDoorFixture implements AutoCloseable {

    final PostgresFrontDoor door;
    final int port;

    private FrontDoorFixture(PostgresFrontDoor door) {
        this.door = door;
        this.port = door.addresses().get(0).getPort();
    }

    /**
     * Starts a front door with {@code databasesYaml} (the lines under {@code databases:}, with
     * {@code SERVER} standing for the cluster's address).
     */
    static FrontDoorFixture start(PostgresCluster cluster, String databasesYaml) throws Exception {
        String yaml = """
                listeners: [{ bind: 127.0.0.1:0, routes: [{ path_prefix: /, pool: web }] }]
                pools: { web: { backends: [{ address: 127.0.0.1:1 }] } }
                databases:
                """ + databasesYaml.replace("SERVER", cluster.host() + ":" + cluster.port()).indent(2);
        DatabasesConfig config = ConfigLoader.parse(yaml, name -> null).databases();
        return new FrontDoorFixture(PostgresFrontDoor.start(config, Transport.detect(), System::nanoTime));
    }

    /** A pgjdbc connection through the front door. */
    Connection connect(String database, String user, String password) throws SQLException {
        return connect(database, user, password, new Properties());
    }

    Connection connect(String database, String user, String password, Properties extra) throws SQLException {
        Properties p = new Properties();
        p.setProperty("sslmode", "disable");
        p.putAll(extra);
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    @Override
    public void close() {
        door.close();
    }
}
