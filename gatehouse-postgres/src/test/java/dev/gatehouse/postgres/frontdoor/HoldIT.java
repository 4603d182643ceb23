package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hold wired into the front door's I/O, against real PostgreSQL servers: a pause and a
 * restart under load with no failed transaction, a repoint to another server, a pause that
 * cancels what is still in flight at its deadline, and the live check of the budget against the
 * server's own {@code max_connections}.
 */
final class HoldIT {

    private static final int CLIENTS = 50;

    @RegisterExtension
    static final PostgresExtension first = new PostgresExtension(PostgresCluster.builder()
            .maxConnections(20)
            .scramUser("app", "app-pass")
            .database("appdb", "app"));

    @RegisterExtension
    static final PostgresExtension second = new PostgresExtension(PostgresCluster.builder()
            .maxConnections(20)
            .scramUser("app", "app-pass")
            .database("appdb", "app"));

    @BeforeAll
    static void tables() throws SQLException {
        for (PostgresCluster c : List.of(first.cluster(), second.cluster())) {
            c.execute("appdb", "CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)");
            c.execute("appdb", "INSERT INTO counters SELECT g, 0 FROM generate_series(1, " + CLIENTS + ") g");
            c.execute("appdb", "GRANT ALL ON counters TO app");
        }
    }

    private static FrontDoorFixture door(int budget, String pauseTimeout) throws Exception {
        return FrontDoorFixture.start(first.cluster(), """
                listeners: [{ bind: 127.0.0.1:0 }]
                servers: { main: { address: SERVER, max_connections: %d } }
                pools:
                  appdb: { server: main, mode: transaction, wait_timeout: 60s }
                  appsession: { server: main, database: appdb, mode: session, max_connections: 2 }
                users:
                  app: { password: app-pass }
                limits: { pause_timeout: %s }
                """.formatted(budget, pauseTimeout));
    }

    @Test
    void pauseRestartResume_underLoad_failsNoTransaction() throws Exception {
        try (FrontDoorFixture front = door(8, "20s")) {
            DatabasesControl control = front.door.control();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicBoolean resumed = new AtomicBoolean();
            AtomicLong[] afterResume = new AtomicLong[CLIENTS];
            AtomicInteger total = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int id = i + 1;
                AtomicLong mine = afterResume[i] = new AtomicLong();
                clients.add(Thread.ofPlatform().start(() -> {
                    try (Connection c = front.connect("appdb", "app", "app-pass")) {
                        c.setAutoCommit(false);
                        try (PreparedStatement ps = c.prepareStatement("UPDATE counters SET n = n + 1 WHERE id = ?")) {
                            while (running.get()) {
                                boolean afterTheResume = resumed.get();
                                ps.setInt(1, id);
                                ps.executeUpdate();
                                c.commit();
                                total.incrementAndGet();
                                if (afterTheResume) {
                                    mine.incrementAndGet();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> total.get() >= CLIENTS * 5);

            control.pause("main").get(30, TimeUnit.SECONDS);
            assertThat(control.holdState("main").get()).isEqualTo("paused");
            // Every connection of ours is closed; the server's backends exit a moment later.
            await().atMost(Duration.ofSeconds(10)).until(() -> first.cluster().backendCount("app") == 0);
            // Every client's next transaction is held, its first message kept.
            await().atMost(Duration.ofSeconds(10)).until(() -> control.status().get().servers().get(0).held() == CLIENTS);
            first.cluster().restart();
            resumed.set(true);
            control.resume("main").get(10, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
                for (AtomicLong n : afterResume) {
                    assertThat(n.get()).isGreaterThanOrEqualTo(3);
                }
            });
            running.set(false);
            for (Thread t : clients) {
                t.join(Duration.ofSeconds(30));
            }
            assertThat(failures).as("failed transactions or aborted clients").isEmpty();
            assertThat(query(first.cluster(), "SELECT sum(n) FROM counters")).as("every committed transaction is there")
                    .isEqualTo(total.get());
        }
        resetCounters(first.cluster());
    }

    @Test
    void repointWhilePaused_newTransactionsLandOnTheOtherServer() throws Exception {
        try (FrontDoorFixture front = door(4, "20s");
             Connection c = front.connect("appdb", "app", "app-pass")) {
            DatabasesControl control = front.door.control();
            assertThat(serverPort(c)).isEqualTo(first.cluster().port());
            HostPort other = new HostPort(second.cluster().host(), second.cluster().port());

            CompletableFuture<Void> refused = control.repoint("main", other);
            assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("paused first");

            control.pause("main").get(30, TimeUnit.SECONDS);
            control.repoint("main", other).get(5, TimeUnit.SECONDS);
            control.resume("main").get(5, TimeUnit.SECONDS);

            assertThat(serverPort(c)).isEqualTo(second.cluster().port());
            DatabasesStatus.Server status = control.status().get(5, TimeUnit.SECONDS).servers().get(0);
            assertThat(status.address()).isEqualTo(other.toString());
            assertThat(status.epoch()).isEqualTo(2);
            assertThat(status.hold()).isEqualTo("running");
            await().atMost(Duration.ofSeconds(10)).until(() -> first.cluster().backendCount("app") == 0);
        }
    }

    @Test
    void pauseWithATransactionOpenPastTheTimeout_cancelsIt_andCompletes() throws Exception {
        try (FrontDoorFixture front = door(4, "1s");
             Connection c = front.connect("appdb", "app", "app-pass")) {
            DatabasesControl control = front.door.control();
            long before = query(first.cluster(), "SELECT n FROM counters WHERE id = 1");
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE counters SET n = n + 1 WHERE id = 1");
            }
            long started = System.nanoTime();
            control.pause("main").get(20, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            await().atMost(Duration.ofSeconds(10)).until(() -> first.cluster().backendCount("app") == 0);
            assertThatThrownBy(c::commit).isInstanceOf(SQLException.class);
            assertThat(query(first.cluster(), "SELECT n FROM counters WHERE id = 1")).as("rolled back").isEqualTo(before);
            control.resume("main").get(5, TimeUnit.SECONDS);
            try (Connection again = front.connect("appdb", "app", "app-pass")) {
                assertThat(serverPort(again)).isEqualTo(first.cluster().port());
            }
        }
    }

    @Test
    void pauseWithASessionModeClient_closesItAtTheDeadline_withTheReason() throws Exception {
        try (FrontDoorFixture front = door(4, "1s");
             Connection c = front.connect("appsession", "app", "app-pass")) {
            assertThat(serverPort(c)).isEqualTo(first.cluster().port());
            front.door.control().pause("main").get(20, TimeUnit.SECONDS);
            assertThatThrownBy(() -> serverPort(c)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("57P01", "08006", "08003"));
            front.door.control().resume("main").get(5, TimeUnit.SECONDS);
            try (Connection again = front.connect("appsession", "app", "app-pass")) {
                assertThat(serverPort(again)).isEqualTo(first.cluster().port());
            }
        }
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> first.cluster().backendCount("app") == 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(first.cluster().queryString("SELECT string_agg(pid || ' ' || state || ' ' || query || ' '"
                    + " || backend_start, '; ') FROM pg_stat_activity WHERE usename = 'app'"), e);
        }
    }

    @Test
    void budgetAboveTheServersLimit_isLoweredToWhatFits_andNeverExceeded() throws Exception {
        // max_connections 20, 3 reserved for superusers: 17 left for the budget of 50. The
        // sampler goes through the front door too: any other connection to the server would take
        // one of those 17 (a superuser's uses the reserved ones only when no other is free).
        await().atMost(Duration.ofSeconds(10)).until(() -> first.cluster().backendCount("app") == 0);
        try (FrontDoorFixture front = door(50, "20s")) {
            DatabasesControl control = front.door.control();
            AtomicBoolean sampling = new AtomicBoolean(true);
            AtomicInteger most = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            Thread sampler = Thread.ofPlatform().start(() -> {
                try (Connection c = front.connect("appdb", "app", "app-pass"); Statement s = c.createStatement()) {
                    while (sampling.get()) {
                        try (ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = 'app'")) {
                            r.next();
                            most.accumulateAndGet(r.getInt(1), Math::max);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                clients.add(Thread.ofPlatform().start(() -> {
                    try (Connection c = front.connect("appdb", "app", "app-pass"); Statement s = c.createStatement()) {
                        for (int t = 0; t < 20; t++) {
                            s.execute("SELECT pg_sleep(0.005)");
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : clients) {
                t.join(Duration.ofSeconds(60));
            }
            sampling.set(false);
            sampler.join();
            assertThat(failures).isEmpty();
            assertThat(most.get()).isBetween(1, 17);
            DatabasesStatus.Server status = control.status().get(5, TimeUnit.SECONDS).servers().get(0);
            assertThat(status.configuredCap()).isEqualTo(50);
            assertThat(status.cap()).isEqualTo(17);
            assertThat(status.limits().maxConnections()).isEqualTo(20);
            assertThat(status.limits().superuserReserved()).isEqualTo(3);
            assertThat(status.limits().fits()).isFalse();
            assertThat(status.limitsProblem()).contains("databases.servers.main.max_connections is 50")
                    .contains("max_connections 20").contains("lowered to 17");
        }
    }

    @Test
    void reconnect_closesIdleConnections_andTheNextTransactionGetsANewOne() throws Exception {
        try (FrontDoorFixture front = door(4, "20s");
             Connection c = front.connect("appdb", "app", "app-pass")) {
            int before = backendPid(c);
            assertThat(backendPid(c)).as("transaction mode reuses the idle connection").isEqualTo(before);
            front.door.control().reconnect("main").get(5, TimeUnit.SECONDS);
            assertThat(backendPid(c)).isNotEqualTo(before);
            assertThat(front.door.control().status().get().servers().get(0).epoch()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> !backendAlive(before));
        }
    }

    @Test
    void killPool_closesItsClientsWith57P01_andNewClientsComeIn() throws Exception {
        try (FrontDoorFixture front = door(4, "20s");
             Connection c = front.connect("appdb", "app", "app-pass")) {
            backendPid(c);
            assertThat(front.door.control().killPool("appdb").get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThatThrownBy(() -> backendPid(c)).isInstanceOf(SQLException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> first.cluster().backendCount("app") == 0);
            try (Connection again = front.connect("appdb", "app", "app-pass")) {
                assertThat(backendPid(again)).isPositive();
            }
            assertThatThrownBy(() -> front.door.control().killPool("nope").get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(NoSuchElementException.class).hasMessageContaining("no pool nope");
        }
    }

    @Test
    void unknownServer_isNamed() throws Exception {
        try (FrontDoorFixture front = door(4, "20s")) {
            assertThatThrownBy(() -> front.door.control().pause("nope").get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(NoSuchElementException.class).hasMessageContaining("no server nope");
            assertThatThrownBy(() -> front.door.control().resume("main").get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("not paused");
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static boolean backendAlive(int pid) throws SQLException {
        return first.cluster().queryLong("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) > 0;
    }

    private static int serverPort(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT inet_server_port()")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static long query(PostgresCluster cluster, String sql) throws SQLException {
        try (Connection c = cluster.connect("appdb", "app", "app-pass"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void resetCounters(PostgresCluster cluster) throws SQLException {
        cluster.execute("appdb", "UPDATE counters SET n = 0");
    }
}
