package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.FreePorts;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse run} with a {@code databases} section: the PostgreSQL front door beside the HTTP one. */
final class DatabasesProcessIT {

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder()
            .scramUser("app", "app-pass").database("appdb", "app"));

    @TempDir
    Path dir;

    @Test
    void run_startsTheFrontDoor_andStopsItWithTheNode() throws Exception {
        PostgresCluster cluster = postgres.cluster();
        int pgPort = FreePorts.one();
        try (StubBackend backend = StubBackend.start("a")) {
            Path config = dir.resolve("gatehouse.yaml");
            Files.writeString(config, """
                    listeners: [{ bind: 127.0.0.1:0, routes: [{ path_prefix: /, pool: web }] }]
                    pools: { web: { backends: [{ address: %s }] } }
                    databases:
                      listeners: [{ bind: 127.0.0.1:%d }]
                      servers: { main: { address: %s:%d, max_connections: 2 } }
                      pools: { appdb: { server: main } }
                      users: { app: { password: app-pass } }
                    """.formatted(backend.address(), pgPort, cluster.host(), cluster.port()));
            try (NodeProcess node = NodeProcess.start(dir, List.of(), "run", "--config", config.toString())) {
                node.awaitPort();
                await().atMost(Duration.ofSeconds(30)).until(() -> node.stderr().contains("PostgreSQL front door listening"));
                Properties p = new Properties();
                p.setProperty("user", "app");
                p.setProperty("password", "app-pass");
                p.setProperty("sslmode", "disable");
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/appdb", p);
                     Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT current_database() || ' as ' || current_user")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("appdb as app");
                }
                assertThat(node.terminate(Duration.ofSeconds(20))).isIn(0, 143);
            }
        }
    }
}
