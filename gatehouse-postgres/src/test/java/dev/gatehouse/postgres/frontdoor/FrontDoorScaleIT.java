package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgbench through the front door, as the acceptance reads: with PostgreSQL's
 * max_connections at 100 and a budget of 80, 1,000 clients queue instead of failing and the
 * budget holds in every sample; {@code -M prepared} (named statements) works in transaction
 * mode.
 *
 * <p>The role logs in with md5, not SCRAM: pgbench counts its connection phase in {@code -T}, and
 * a thousand SCRAM logins (a PBKDF2 each on pgbench's side) would take most of a short run.
 */
final class FrontDoorScaleIT {

    private static final int BUDGET = 80;

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder()
            .maxConnections(100)
            .md5User("bench", "bench-pass")
            .database("bench", "bench"));

    private static FrontDoorFixture front;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        PostgresCluster cluster = postgres.cluster();
        Process init = Pgbench.start(cluster.port(), "bench", "bench-pass", List.of("-i", "-s", "1", "-q", "bench"), null);
        assertThat(init.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(init.exitValue()).as(new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        front = FrontDoorFixture.start(cluster, """
                listeners: [{ bind: 127.0.0.1:0, max_clients: 2000 }]
                servers: { main: { address: SERVER, max_connections: %d } }
                pools: { bench: { server: main, mode: transaction, wait_timeout: 60s } }
                users: { bench: { auth: md5, password: bench-pass } }
                """.formatted(BUDGET));
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
    }

    @Test
    void thousandClients_queueUnderTheBudget_andNoneFails() throws Exception {
        String out = runSampled(List.of("-N", "-c", "1000", "-j", "8", "-T", "8", "bench"));

        assertThat(out).contains("number of failed transactions: 0").doesNotContain("aborted");
    }

    @Test
    void preparedStatements_runInTransactionMode() throws Exception {
        String out = runSampled(List.of("-M", "prepared", "-S", "-c", "200", "-j", "4", "-T", "5", "bench"));

        assertThat(out).contains("query mode: prepared", "number of failed transactions: 0").doesNotContain("aborted");
    }

    @Test
    void preparedWriteTransactions_queueToo() throws Exception {
        // One pgbench thread per client: pgbench prepares with a blocking call, so a thread of
        // many clients that waits for one of them to get a connection stops the others, which
        // hold the connections in open transactions (docs/postgres.md, "pgbench and -M prepared").
        String out = runSampled(List.of("-M", "prepared", "-N", "-c", "200", "-j", "200", "-T", "5", "bench"));

        assertThat(out).contains("query mode: prepared", "number of failed transactions: 0").doesNotContain("aborted");
    }

    /** Runs pgbench through the front door while sampling the server's connections; returns its output. */
    private String runSampled(List<String> args) throws Exception {
        BackendSampler sampler = BackendSampler.continuous(postgres.cluster(), "bench");
        Path log = dir.resolve("pgbench.out");
        Process run = Pgbench.start(front.port, "bench", "bench-pass", args, log);
        try {
            assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
        } finally {
            run.destroyForcibly();
            sampler.close();
        }
        String out = Files.readString(log);
        assertThat(run.exitValue()).as(out).isZero();
        Matcher processed = Pattern.compile("number of transactions actually processed: (\\d+)").matcher(out);
        assertThat(processed.find()).as(out).isTrue();
        assertThat(Long.parseLong(processed.group(1))).as(out).isGreaterThan(100);
        assertThat(sampler.samples()).isGreaterThan(10);
        assertThat(sampler.most()).as("most server connections in one sample").isBetween(1, BUDGET);
        return out;
    }
}
