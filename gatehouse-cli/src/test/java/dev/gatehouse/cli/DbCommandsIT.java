package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.state.StateStore;
import dev.gatehouse.postgres.admin.FrontDoorAdmin;
import dev.gatehouse.postgres.admin.FrontDoorMetrics;
import dev.gatehouse.postgres.frontdoor.PostgresFrontDoor;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.server.Transport;
import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The front door's admin API, {@code gatehouse db ...} and its metrics end to end: a node in this
 * JVM with an admin listener, its PostgreSQL front door wired as {@code gatehouse run} wires it,
 * a real PostgreSQL behind it, pgjdbc clients in front.
 */
final class DbCommandsIT {

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder()
            .scramUser("app", "app-pass").database("appdb", "app"));

    @RegisterExtension
    static final PostgresExtension other = new PostgresExtension(PostgresCluster.builder()
            .scramUser("app", "app-pass").database("appdb", "app"));

    private static GatehouseServer node;
    private static PostgresFrontDoor door;
    private static String admin;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        PostgresCluster cluster = postgres.cluster();
        GatehouseConfig config = ConfigLoader.parse("""
                listeners: [{ bind: 127.0.0.1:0, routes: [{ path_prefix: /, pool: web }] }]
                pools: { web: { backends: [{ address: 127.0.0.1:1 }] } }
                admin: { bind: 127.0.0.1:0 }
                databases:
                  listeners: [{ bind: 127.0.0.1:0 }]
                  servers: { main: { address: %s:%d, max_connections: 4 } }
                  pools: { appdb: { server: main, mode: transaction } }
                  users: { app: { password: app-pass } }
                """.formatted(cluster.host(), cluster.port()), name -> null);
        node = GatehouseServer.start(config, StateStore.NONE);
        door = PostgresFrontDoor.start(config.databases(), Transport.detect(), System::nanoTime);
        node.databasesAdmin(new FrontDoorAdmin(door.control()));
        FrontDoorMetrics.register(door, node.metrics().registry());
        admin = "http://127.0.0.1:" + node.adminPort();
    }

    @AfterAll
    static void stop() {
        if (door != null) {
            door.close();
        }
        if (node != null) {
            node.stop();
        }
    }

    @Test
    void dbCommands_pauseRepointResumeReconnectKill_andStatus() throws Exception {
        try (Connection c = connect()) {
            assertThat(port(c)).isEqualTo(postgres.cluster().port());

            InProcessCli cli = new InProcessCli();
            assertThat(cli.run("db", "status", "--admin", admin)).as(cli.printed()).isZero();
            assertThat(cli.out()).contains("main").contains("running").contains("appdb").contains("transaction");

            cli.clear();
            assertThat(cli.run("status", "--admin", admin)).as(cli.printed()).isZero();
            assertThat(cli.out()).contains("database server main: running");
            cli.clear();
            assertThat(cli.run("db", "pause", "main", "--admin", admin)).as(cli.printed()).isZero();
            assertThat(cli.out()).contains("server main: paused");
            cli.clear();
            String to = other.cluster().host() + ":" + other.cluster().port();
            assertThat(cli.run("db", "repoint", "main", to, "--admin", admin)).as(cli.printed()).isZero();
            assertThat(cli.out()).contains(to).contains("epoch 2");
            cli.clear();
            assertThat(cli.run("db", "resume", "main", "--admin", admin)).as(cli.printed()).isZero();
            assertThat(port(c)).isEqualTo(other.cluster().port());

            cli.clear();
            assertThat(cli.run("db", "reconnect", "main", "--admin", admin)).as(cli.printed()).isZero();
            assertThat(cli.out()).contains("epoch 3");

            cli.clear();
            assertThat(cli.run("db", "kill", "appdb", "--admin", admin)).as(cli.printed()).isZero();
            assertThat(cli.out()).contains("closed 1 clients of pool appdb");
            // The FATAL the front door sent is counted as its own, by SQLSTATE.
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body())
                    .contains("gatehouse_pg_errors_total{database=\"appdb\",server=\"main\",source=\"front_door\",sqlstate=\"57P01\",user=\"app\"}");
        }
        try (Connection c = connect()) {
            // Back where it was, for the other tests.
            InProcessCli cli = new InProcessCli();
            assertThat(cli.run("db", "pause", "main", "--admin", admin)).as(cli.printed()).isZero();
            String back = postgres.cluster().host() + ":" + postgres.cluster().port();
            assertThat(cli.run("db", "repoint", "main", back, "--admin", admin)).as(cli.printed()).isZero();
            assertThat(cli.run("db", "resume", "main", "--admin", admin)).as(cli.printed()).isZero();
            assertThat(port(c)).isEqualTo(postgres.cluster().port());
        }
    }

    @Test
    void badInput_getsAClearError_andTheNodeKeepsServing() throws Exception {
        HttpResponse<String> unknown = post("/api/v1/databases/servers/nope/pause", "");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no server nope");

        HttpResponse<String> running = post("/api/v1/databases/servers/main/repoint", "{\"address\": \"127.0.0.1:5999\"}");
        assertThat(running.statusCode()).isEqualTo(409);
        assertThat(running.body()).contains("paused first");

        HttpResponse<String> malformed = post("/api/v1/databases/servers/main/repoint", "{\"address\": \"no-port\"}");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("host:port");

        HttpResponse<String> unknownField = post("/api/v1/databases/servers/main/repoint", "{\"adress\": \"a:1\"}");
        assertThat(unknownField.statusCode()).isEqualTo(400);

        HttpResponse<String> notPaused = post("/api/v1/databases/servers/main/resume", "");
        assertThat(notPaused.statusCode()).isEqualTo(409);

        HttpResponse<String> noPool = post("/api/v1/databases/pools/nope/kill", "");
        assertThat(noPool.statusCode()).isEqualTo(404);

        InProcessCli cli = new InProcessCli();
        assertThat(cli.run("db", "pause", "nope", "--admin", admin)).isNotZero();
        assertThat(cli.printed()).contains("no server nope");

        try (Connection c = connect()) {
            assertThat(port(c)).isPositive();
        }
    }

    @Test
    void metrics_showTheFrontDoor_withItsLabels() throws Exception {
        try (Connection c = connect()) {
            port(c);
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1/0");
            } catch (SQLException expected) {
                // division_by_zero, counted as the server's error
            }
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(text).contains("gatehouse_pg_budget_cap{server=\"main\"} 4.0")
                    .contains("gatehouse_pg_hold{server=\"main\",state=\"running\"} 1.0")
                    .contains("gatehouse_pg_server_connections{database=\"appdb\",server=\"main\",state=\"idle\",user=\"app\"}")
                    .contains("gatehouse_pg_clients{database=\"appdb\",server=\"main\",state=\"held\",user=\"app\"}")
                    .contains("gatehouse_pg_pins{database=\"appdb\",reason=\"set\",server=\"main\",user=\"app\"}")
                    .contains("gatehouse_pg_queue_wait_seconds_count{database=\"appdb\",server=\"main\",user=\"app\"}")
                    .contains("gatehouse_pg_errors_total{database=\"appdb\",server=\"main\",source=\"server\",sqlstate=\"22012\",user=\"app\"} 1.0");
        });
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(admin + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app-pass");
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + door.addresses().get(0).getPort() + "/appdb", p);
    }

    private static int port(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT inet_server_port()")) {
            r.next();
            return r.getInt(1);
        }
    }
}
