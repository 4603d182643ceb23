package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A budget equal to every connection the server lets non-superusers open, shared by two pools
 * that keep taking room from each other: each room made closes an idle connection of the other
 * pool and opens one. The new one must never find the old backend still counted by the server
 * ("sorry, too many clients already"), so the front door opens it only once the server has
 * closed the old one, which PostgreSQL does after its backend has exited.
 */
final class BudgetAtTheServersLimitIT {

    /**
     * max_connections 8 less the 3 superuser-reserved connections and the test's one watching
     * connection (a superuser's connection takes an ordinary slot while there is one).
     */
    private static final int BUDGET = 4;

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder()
            .maxConnections(BUDGET + 3 + 1)
            .superuserReservedConnections(3)
            .scramUser("ann", "ann-pass")
            .scramUser("ben", "ben-pass")
            .database("appdb", "ann"));

    private static FrontDoorFixture front;

    @BeforeAll
    static void start() throws Exception {
        PostgresCluster cluster = postgres.cluster();
        cluster.execute("appdb", "CREATE TABLE hits (who text NOT NULL)");
        cluster.execute("appdb", "GRANT ALL ON hits TO ann, ben");
        front = FrontDoorFixture.start(cluster, """
                listeners: [{ bind: 127.0.0.1:0 }]
                servers: { main: { address: SERVER, max_connections: %d } }
                pools:
                  appdb: { server: main, mode: transaction, wait_timeout: 30s }
                users:
                  ann: { password: ann-pass }
                  ben: { password: ben-pass }
                """.formatted(BUDGET));
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
    }

    @Test
    void roomMadeForAnotherPoolNeverMeetsTheConnectionItReplaces() throws Exception {
        // One superuser connection for every sample: connections that come and go would take the
        // server's slots themselves while their backends exit.
        Connection watcher = postgres.cluster().connect("postgres", "postgres", null);
        PreparedStatement count = watcher.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                + " WHERE usename IN ('ann', 'ben') AND backend_type = 'client backend'");
        BackendSampler sampler = BackendSampler.continuous(() -> {
            try (ResultSet r = count.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        });
        int perUser = BUDGET;
        int transactions = 200;   // each handover between the pools is a chance to meet an exiting backend
        ExecutorService clients = Executors.newFixedThreadPool(2 * perUser);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < perUser; i++) {
                for (String[] user : List.of(new String[] {"ann", "ann-pass"}, new String[] {"ben", "ben-pass"})) {
                    done.add(clients.submit(() -> {
                        try (Connection c = front.connect("appdb", user[0], user[1]);
                             PreparedStatement insert = c.prepareStatement("INSERT INTO hits VALUES (current_user)")) {
                            for (int t = 0; t < transactions; t++) {
                                insert.executeUpdate();   // a transaction of its own: the connection goes back after it
                            }
                            return transactions;
                        }
                    }));
                }
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get(120, TimeUnit.SECONDS);   // a refused connection fails its client here
            }
            assertThat(total).isEqualTo(2 * perUser * transactions);
        } finally {
            clients.shutdownNow();
            sampler.close();
            watcher.close();
        }
        assertThat(sampler.most()).isBetween(1, BUDGET);
        try (Connection c = front.connect("appdb", "ann", "ann-pass");
             ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM hits")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(1)).isEqualTo(2L * perUser * transactions);
        }
    }
}
