package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

final class FrontDoorIT {

    private static final int BUDGET = 4;

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder()
            .maxConnections(30)
            .scramUser("app", "app-pass")
            .md5User("legacy", "legacy-pass")
            .database("appdb", "app"));

    private static FrontDoorFixture front;

    @BeforeAll
    static void start() throws Exception {
        PostgresCluster cluster = postgres.cluster();
        cluster.execute("appdb", "CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)");
        cluster.execute("appdb", "INSERT INTO counters SELECT g, 0 FROM generate_series(1, 10) g");
        cluster.execute("appdb", "GRANT ALL ON counters TO app, legacy");
        front = FrontDoorFixture.start(cluster, """
                listeners: [{ bind: 127.0.0.1:0 }]
                servers: { main: { address: SERVER, max_connections: %d } }
                pools:
                  appdb: { server: main, mode: transaction, wait_timeout: 20s }
                  appsession: { server: main, database: appdb, mode: session, max_connections: 2 }
                users:
                  app: { password: app-pass }
                  legacy: { auth: md5, password: legacy-pass }
                """.formatted(BUDGET));
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
    }

    @Test
    void sessionMode_runsQueriesAndPreparedStatements() throws Exception {
        try (Connection c = front.connect("appsession", "app", "app-pass");
             PreparedStatement ps = c.prepareStatement("SELECT n + ? FROM counters WHERE id = ?")) {
            for (int i = 0; i < 10; i++) {
                ps.setInt(1, i);
                ps.setInt(2, 1 + i % 10);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(i);
                }
            }
            assertThat(scalar(c, "SELECT current_user")).isEqualTo("app");
        }
    }

    @Test
    void transactionMode_manyClientsShareTheBudget_andItNeverGoesOver() throws Exception {
        BackendSampler sampler = BackendSampler.continuous(postgres.cluster(), "app");
        int clients = 20;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = 1 + i % 10;
                done.add(pool.submit(() -> {
                    try (Connection c = front.connect("appdb", "app", "app-pass")) {
                        c.setAutoCommit(false);
                        for (int t = 0; t < 25; t++) {
                            try (PreparedStatement ps = c.prepareStatement("UPDATE counters SET n = n + 1 WHERE id = ?")) {
                                ps.setInt(1, id);
                                ps.executeUpdate();
                            }
                            c.commit();
                        }
                        return 25;
                    }
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get();
            }
            assertThat(total).isEqualTo(clients * 25);
        } finally {
            pool.shutdownNow();
            sampler.close();
        }
        assertThat(sampler.most()).isBetween(1, BUDGET);
        try (Connection c = front.connect("appdb", "app", "app-pass")) {
            assertThat(Long.parseLong(scalar(c, "SELECT sum(n) FROM counters"))).isGreaterThanOrEqualTo(500L);
        }
    }

    @Test
    void transactionMode_namedPreparedStatementsMoveBetweenServerConnections() throws Exception {
        Properties prepareAtOnce = new Properties();
        prepareAtOnce.setProperty("prepareThreshold", "1");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> sums = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int k = i;
                sums.add(pool.submit(() -> {
                    long sum = 0;
                    try (Connection c = front.connect("appdb", "app", "app-pass", prepareAtOnce);
                         PreparedStatement a = c.prepareStatement("SELECT ?::int * 2");
                         PreparedStatement b = c.prepareStatement("SELECT ?::int + " + k)) {
                        for (int j = 0; j < 40; j++) {
                            a.setInt(1, j);
                            b.setInt(1, j);
                            sum += first(a) + first(b);
                        }
                    }
                    return sum;
                }));
            }
            for (int i = 0; i < 8; i++) {
                long expected = 0;
                for (int j = 0; j < 40; j++) {
                    expected += 2L * j + j + i;
                }
                assertThat(sums.get(i).get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void transactionMode_sessionStatePinsTheClient() throws Exception {
        try (Connection pinned = front.connect("appdb", "app", "app-pass");
             Connection other = front.connect("appdb", "app", "app-pass")) {
            execute(pinned, "SET search_path TO pg_catalog");
            for (int i = 0; i < 5; i++) {
                assertThat(scalar(pinned, "SHOW search_path")).isEqualTo("pg_catalog");
                assertThat(scalar(other, "SHOW search_path")).isNotEqualTo("pg_catalog");
            }
            execute(pinned, "RESET search_path");
            assertThat(scalar(pinned, "SHOW search_path")).isNotEqualTo("pg_catalog");
        }
    }

    @Test
    void md5User_logsIn_andTrackedSettingsFollowTheClient() throws Exception {
        try (Connection a = front.connect("appdb", "legacy", "legacy-pass");
             Connection b = front.connect("appdb", "legacy", "legacy-pass")) {
            execute(a, "SET TimeZone TO 'Asia/Tokyo'");
            execute(b, "SET TimeZone TO 'America/Lima'");
            for (int i = 0; i < 5; i++) {
                assertThat(scalar(a, "SHOW TimeZone")).isEqualTo("Asia/Tokyo");
                assertThat(scalar(b, "SHOW TimeZone")).isEqualTo("America/Lima");
            }
        }
    }

    @Test
    void killedClient_leavesNoAdvisoryLockBehind() throws Exception {
        Connection c = front.connect("appdb", "app", "app-pass");
        c.setAutoCommit(false);
        execute(c, "SELECT pg_advisory_lock(4242)");
        execute(c, "UPDATE counters SET n = n WHERE id = 1");
        assertThat(postgres.cluster().queryLong("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).isEqualTo(1);

        c.abort(Runnable::run);   // the socket closes: no Terminate, no rollback

        await().atMost(Duration.ofSeconds(10)).until(() ->
                postgres.cluster().queryLong("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == 0);
        try (Connection again = front.connect("appdb", "app", "app-pass")) {
            assertThat(scalar(again, "SELECT pg_try_advisory_lock(4242)::text")).isEqualTo("true");
            execute(again, "SELECT pg_advisory_unlock_all()");
        }
    }

    @Test
    void cancel_reachesTheServerConnectionTheClientHolds() throws Exception {
        try (Connection c = front.connect("appdb", "app", "app-pass"); Statement s = c.createStatement()) {
            ExecutorService one = Executors.newSingleThreadExecutor();
            try {
                Future<?> sleeping = one.submit((Callable<Void>) () -> {
                    s.execute("SELECT pg_sleep(30)");
                    return null;
                });
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        postgres.cluster().queryLong("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"
                                + " AND state = 'active'") == 1);
                s.cancel();
                assertThatThrownBy(() -> sleeping.get()).hasCauseInstanceOf(SQLException.class)
                        .cause().extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("57014");
            } finally {
                one.shutdownNow();
            }
        }
    }

    @Test
    void badLogins_getAClearError_andTheFrontDoorKeepsServing() throws Exception {
        assertThatThrownBy(() -> front.connect("appdb", "app", "wrong"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        assertThatThrownBy(() -> front.connect("appdb", "nobody", "x"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        assertThatThrownBy(() -> front.connect("nodb", "app", "app-pass"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("3D000"));

        assertThat(rawAnswer(new byte[] {0, 0, 0, 3, 0, 0, 0, 0})).contains("08P01");
        byte[] huge = ByteBuffer.allocate(8).putInt(100_000).putInt(196608).array();
        assertThat(rawAnswer(huge)).contains("54000", "startup packet is 100000 bytes long");

        try (Connection c = front.connect("appdb", "app", "app-pass")) {
            assertThat(scalar(c, "SELECT 'still here'")).isEqualTo("still here");
        }
    }

    @Test
    void overSizedMessage_isRefusedAndTheConnectionClosed() throws Exception {
        try (Connection c = front.connect("appdb", "app", "app-pass"); Statement s = c.createStatement()) {
            String big = "SELECT '" + "x".repeat(2 << 20) + "'";
            assertThatThrownBy(() -> s.execute(big)).isInstanceOf(SQLException.class);
        }
        try (Connection c = front.connect("appdb", "app", "app-pass")) {
            assertThat(scalar(c, "SELECT 1")).isEqualTo("1");
        }
    }

    /** What the front door answers a raw first packet with, as text (an ErrorResponse's fields). */
    private static String rawAnswer(byte[] packet) throws Exception {
        try (Socket s = new Socket("127.0.0.1", front.port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(packet);
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static long first(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
