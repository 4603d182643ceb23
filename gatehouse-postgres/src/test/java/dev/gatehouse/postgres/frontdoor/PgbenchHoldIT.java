package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's acceptance with pgbench itself: {@code pgbench -N -c 200} (simple query mode)
 * through the front door, with PostgreSQL's max_connections at 100 and a budget of 80, goes
 * through a pause, a restart of PostgreSQL and a resume with no failed transaction and no aborted
 * client, commits again after the resume, and never has more than the budget on the server.
 *
 * <p>Each {@code -N} transaction inserts one row into {@code pgbench_history}: its count, read as
 * the superuser straight from the server, shows progress before the pause, none while paused,
 * progress after the resume, and at the end that every transaction pgbench counted is there.
 * The role logs in with md5, as in {@link FrontDoorScaleIT} (200 SCRAM logins would take much of
 * pgbench's run).
 */
final class PgbenchHoldIT {

    private static final int BUDGET = 80;
    private static final int CLIENTS = 200;
    /** pgbench's -T: the hold and the restart take a few seconds of it on a busy machine. */
    private static final int SECONDS = 30;
    /** Transactions to see committed before the pause and again after the resume. */
    private static final int PROGRESS = 2000;

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder()
            .maxConnections(100)
            .md5User("bench", "bench-pass")
            .database("bench", "bench"));

    @TempDir
    Path dir;

    @BeforeAll
    static void init() throws Exception {
        Process init = Pgbench.start(postgres.cluster().port(), "bench", "bench-pass", List.of("-i", "-s", "1", "-q", "bench"), null);
        assertThat(init.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(init.exitValue()).as(new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void pgbench200Clients_pauseRestartResume_noFailedTransaction_noAbortedClient() throws Exception {
        PostgresCluster cluster = postgres.cluster();
        Path log = dir.resolve("pgbench.out");
        try (FrontDoorFixture front = FrontDoorFixture.start(cluster, """
                listeners: [{ bind: 127.0.0.1:0, max_clients: 400 }]
                servers: { main: { address: SERVER, max_connections: %d } }
                pools: { bench: { server: main, mode: transaction, wait_timeout: 60s } }
                users: { bench: { auth: md5, password: bench-pass } }
                limits: { pause_timeout: 20s }
                """.formatted(BUDGET));
             BackendSampler sampler = BackendSampler.every(Duration.ofMillis(50), cluster, "bench")) {
            DatabasesControl control = front.door.control();
            Process run = Pgbench.start(front.port, "bench", "bench-pass", List.of("-n", "-N", "-c", Integer.toString(CLIENTS),
                    "-j", "4", "-T", Integer.toString(SECONDS), "-P", "1", "bench"), log);
            try {
                await("pgbench commits through the front door").atMost(Duration.ofSeconds(SECONDS))
                        .failFast("pgbench exited", () -> !run.isAlive())
                        .until(() -> historyRows(cluster) >= PROGRESS);

                control.pause("main").get(30, TimeUnit.SECONDS);
                assertThat(control.holdState("main").get(5, TimeUnit.SECONDS)).isEqualTo("paused");
                await().atMost(Duration.ofSeconds(10)).until(() -> cluster.backendCount("bench") == 0);
                // Every client's next transaction waits in the hold: none failed, none left.
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> control.status().get(5, TimeUnit.SECONDS).servers().get(0).held() == CLIENTS);
                long paused = historyRows(cluster);

                cluster.restart();
                assertThat(historyRows(cluster)).as("nothing commits while paused").isEqualTo(paused);
                control.resume("main").get(10, TimeUnit.SECONDS);

                await("pgbench commits again after the resume").atMost(Duration.ofSeconds(SECONDS))
                        .failFast("pgbench exited", () -> !run.isAlive())
                        .until(() -> historyRows(cluster) >= paused + PROGRESS);
                assertThat(run.waitFor(SECONDS + 60, TimeUnit.SECONDS)).as("pgbench ends").isTrue();
            } finally {
                run.destroyForcibly();
            }
            String out = Files.readString(log);
            // In the test's report: the progress lines show the hold and the summary its outcome.
            System.out.println(out);
            assertThat(run.exitValue()).as(out).isZero();
            assertThat(out).contains("query mode: simple", "number of clients: " + CLIENTS,
                    "number of failed transactions: 0 (0.000%)").doesNotContain("aborted");
            Matcher processed = Pattern.compile("number of transactions actually processed: (\\d+)").matcher(out);
            assertThat(processed.find()).as(out).isTrue();
            assertThat(historyRows(cluster)).as("every transaction pgbench counted is committed, once")
                    .isEqualTo(Long.parseLong(processed.group(1)));
            assertThat(sampler.samples()).isGreaterThan(10);
            assertThat(sampler.most()).as("most server connections of the role in one sample").isBetween(1, BUDGET);
        }
    }

    /** Rows in pgbench_history, read as the superuser straight from the server. */
    private static long historyRows(PostgresCluster cluster) throws SQLException {
        try (Connection c = cluster.connect("bench", "postgres", null); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pgbench_history")) {
            r.next();
            return r.getLong(1);
        }
    }
}
