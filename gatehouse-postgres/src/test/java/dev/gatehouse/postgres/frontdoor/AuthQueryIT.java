package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code databases.auth_query} against a real PostgreSQL: users the config does not list are
 * looked up on the server (through a SECURITY DEFINER function, as PgBouncer's docs advise, so the
 * auth user needs no superuser), checked against the stored SCRAM secret or md5 hash, and their
 * server connections are logged in with what the client's login left (pass-through: the front
 * door never knows their passwords).
 */
final class AuthQueryIT {

    private static final String LOOKUP = "SELECT uname, phash FROM public.user_lookup($1)";

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder()
            .maxConnections(30)
            .scramUser("app", "app-pass")
            .scramUser("pgauth", "auth-pass")
            .scramUser("alice", "alice-pass")
            .md5User("bob", "bob-pass")
            .scramUser("carol", "carol-pass")
            .scramUser("dave", "dave-pass")
            .database("appdb", "app"));

    private static FrontDoorFixture front;

    @BeforeAll
    static void start() throws Exception {
        PostgresCluster cluster = postgres.cluster();
        cluster.execute("appdb", """
                CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL);
                INSERT INTO counters SELECT g, 0 FROM generate_series(1, 10) g;
                GRANT ALL ON counters TO app, alice, bob, carol, dave;
                CREATE FUNCTION public.user_lookup(i_username text, OUT uname text, OUT phash text) RETURNS record AS
                  $$ SELECT usename::text, passwd::text FROM pg_catalog.pg_shadow WHERE usename = i_username $$
                  LANGUAGE sql SECURITY DEFINER;
                REVOKE ALL ON FUNCTION public.user_lookup(text) FROM public;
                GRANT EXECUTE ON FUNCTION public.user_lookup(text) TO pgauth;
                """);
        front = FrontDoorFixture.start(cluster, """
                listeners: [{ bind: 127.0.0.1:0 }]
                servers: { main: { address: SERVER, max_connections: 2 } }
                pools:
                  appdb: { server: main, mode: transaction, wait_timeout: 20s }
                users:
                  app: { password: app-pass }
                  pgauth: { password: auth-pass }
                auth_query: { user: pgauth, query: "%s" }
                """.formatted(LOOKUP));
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
    }

    @Test
    void aScramUserLogsInAndItsTransactionsRunOnConnectionsLoggedInByPassThrough() throws Exception {
        assertThat(postgres.cluster().queryString("SELECT rolpassword FROM pg_authid WHERE rolname = 'alice'"))
                .startsWith("SCRAM-SHA-256$");
        runsTransactions("alice", "alice-pass");
    }

    @Test
    void anMd5UserLogsInAndItsTransactionsRunOnConnectionsLoggedInByPassThrough() throws Exception {
        assertThat(postgres.cluster().queryString("SELECT rolpassword FROM pg_authid WHERE rolname = 'bob'"))
                .startsWith("md5");
        runsTransactions("bob", "bob-pass");
    }

    @Test
    void aWrongPasswordFailsAsInPostgres() {
        for (String user : List.of("alice", "bob")) {
            assertRefused(front, user, "wrong", "28P01").contains("password authentication failed for user \"" + user + "\"");
        }
    }

    @Test
    void anUnknownUserFailsExactlyLikeAWrongPassword() {
        // the lookup function answers a row of NULLs for a name that is not a role
        assertRefused(front, "nobody", "whatever", "28P01").contains("password authentication failed for user \"nobody\"");
    }

    @Test
    void aChangedPasswordCountsAtTheNextLogin() throws Exception {
        try (Connection c = front.connect("appdb", "carol", "carol-pass")) {
            assertThat(scalar(c, "SELECT current_user")).isEqualTo("carol");
        }
        postgres.cluster().execute("SET password_encryption = 'scram-sha-256'; ALTER ROLE carol PASSWORD 'carol-new'");
        assertRefused(front, "carol", "carol-pass", "28P01");
        // the new secret's keys log in new server connections (the old idle ones were logged in already)
        front.door.control().reconnect("main").get(10, TimeUnit.SECONDS);
        try (Connection c = front.connect("appdb", "carol", "carol-new")) {
            assertThat(scalar(c, "SELECT current_user")).isEqualTo("carol");
        }
    }

    @Test
    void keysOfAnOlderSecretFailTheServerLoginClearly() throws Exception {
        try (Connection c = front.connect("appdb", "dave", "dave-pass")) {
            assertThat(scalar(c, "SELECT current_user")).isEqualTo("dave");
            // a new secret (a new salt) on the server, and no connection of dave's left: the next
            // one is logged in with the keys of the old secret, which cannot work
            postgres.cluster().execute("SET password_encryption = 'scram-sha-256'; ALTER ROLE dave PASSWORD 'dave-new'");
            front.door.control().reconnect("main").get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> scalar(c, "SELECT 2")).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("28P01");
                assertThat(e.getMessage()).contains("salt and iteration count").contains("secret changed on the server");
            });
        }
        try (Connection c = front.connect("appdb", "dave", "dave-new")) {
            assertThat(scalar(c, "SELECT current_user")).isEqualTo("dave");
        }
    }

    @Test
    void theLookupCountsInTheBudgetAndWaitsForRoomLikeAClient() throws Exception {
        // the front doors other tests started and closed may leave backends that are still exiting:
        // wait until every backend of these users is one of this front door's connections
        await().atMost(Duration.ofSeconds(10)).until(() -> backends() <= open());
        BackendSampler sampler = BackendSampler.continuous(AuthQueryIT::backends);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (Connection a = front.connect("appdb", "app", "app-pass");
             Connection b = front.connect("appdb", "app", "app-pass")) {
            // both server connections of the budget (2) held by open transactions
            for (Connection c : List.of(a, b)) {
                c.setAutoCommit(false);
                scalar(c, "SELECT n FROM counters WHERE id = 1");
            }
            Future<String> login = threads.submit(() -> {
                try (Connection c = front.connect("appdb", "alice", "alice-pass")) {
                    return scalar(c, "SELECT current_user");
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> waiting() == 1);   // the lookup, queued
            assertThat(login).isNotDone();
            a.commit();
            assertThat(login.get(20, TimeUnit.SECONDS)).isEqualTo("alice");
            b.commit();
        } finally {
            threads.shutdownNow();
            sampler.close();
        }
        assertThat(sampler.most()).isBetween(1, 2);
    }

    @Test
    void aLookupWaitsThroughAPauseLikeAClient_andIsBoundedByTheLoginsTimeout() throws Exception {
        // the lookup is held while its server is paused, and goes on at the resume
        front.door.control().pause("main").get(20, TimeUnit.SECONDS);
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            Future<String> login = threads.submit(() -> {
                try (Connection c = front.connect("appdb", "bob", "bob-pass")) {
                    return scalar(c, "SELECT current_user");
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> held(front) == 1);
            front.door.control().resume("main").get(5, TimeUnit.SECONDS);
            assertThat(login.get(20, TimeUnit.SECONDS)).isEqualTo("bob");
        } finally {
            threads.shutdownNow();
        }

        // past the login's startup_timeout a held lookup fails clearly and leaves the hold
        try (FrontDoorFixture slow = door("auth-pass", LOOKUP, "limits: { startup_timeout: 1s }")) {
            slow.door.control().pause("main").get(20, TimeUnit.SECONDS);
            assertRefused(slow, "alice", "alice-pass", "28000").contains("auth_query could not look up user \"alice\"")
                    .contains("1000 ms").contains("startup_timeout");
            await().atMost(Duration.ofSeconds(10)).until(() -> held(slow) == 0);
            slow.door.control().resume("main").get(5, TimeUnit.SECONDS);
            try (Connection c = slow.connect("appdb", "alice", "alice-pass")) {
                assertThat(scalar(c, "SELECT current_user")).isEqualTo("alice");
            }
        }
    }

    @Test
    void aNameNoRoleCanHaveFailsLikeAnUnknownUserWithoutALookup() {
        String name = "x".repeat(64);
        assertRefused(front, name, "whatever", "28P01").contains("password authentication failed for user \"" + name + "\"");
    }

    @Test
    void aQueryThatFailsGivesAClearErrorAndTheNodeKeepsServing() throws Exception {
        try (FrontDoorFixture bad = door("auth-pass", "SELECT usename, passwd FROM no_such_table WHERE usename = $1", "")) {
            // the server's error is in the log only: the client has not authenticated
            assertRefused(bad, "alice", "alice-pass", "28000").contains("auth_query could not look up user \"alice\"")
                    .contains("the reason is in the front door's log").doesNotContain("no_such_table");
            try (Connection c = bad.connect("appdb", "app", "app-pass")) {
                assertThat(scalar(c, "SELECT current_user")).isEqualTo("app");
            }
            // and again: a failed lookup leaves nothing behind
            assertRefused(bad, "bob", "bob-pass", "28000");
        }
    }

    @Test
    void theAuthUsersWrongPasswordGivesAClearErrorAndTheNodeKeepsServing() throws Exception {
        try (FrontDoorFixture bad = door("not-the-password", LOOKUP, "")) {
            assertRefused(bad, "alice", "alice-pass", "28000").contains("auth_query could not look up user \"alice\"")
                    .doesNotContain("pgauth");
            try (Connection c = bad.connect("appdb", "app", "app-pass")) {
                assertThat(scalar(c, "SELECT current_user")).isEqualTo("app");
            }
        }
    }

    @Test
    void aPlaintextPasswordFromTheQueryIsRefused_likeAWrongPassword() throws Exception {
        try (FrontDoorFixture plain = door("auth-pass", "SELECT $1::text, 'hunter2'::text", "")) {
            // the operator reads why in the log; the client cannot tell the user exists
            assertRefused(plain, "alice", "hunter2", "28P01").doesNotContain("SCRAM-SHA-256 secret");
        }
    }

    @Test
    void loginsOfOneUserWhileItsLookupRunsShareIt() throws Exception {
        front.door.control().pause("main").get(20, TimeUnit.SECONDS);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> logins = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                logins.add(threads.submit(() -> {
                    try (Connection c = front.connect("appdb", "alice", "alice-pass")) {
                        return scalar(c, "SELECT current_user");
                    }
                }));
            }
            // four logins wait for one lookup, which is the one waiter the paused server holds
            await().atMost(Duration.ofSeconds(10)).until(() -> front.door.context().loop()
                    .submit(() -> front.door.authQuery().waiting("appdb", "alice")).get() == 4);
            assertThat(held(front)).isEqualTo(1);
            front.door.control().resume("main").get(5, TimeUnit.SECONDS);
            for (Future<String> f : logins) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo("alice");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void concurrentLoginsOfOneUserAllSucceed() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<String>> logins = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String user = i % 2 == 0 ? "alice" : "bob";
                logins.add(CompletableFuture.supplyAsync(() -> {
                    try (Connection c = front.connect("appdb", user, user + "-pass")) {
                        return scalar(c, "SELECT current_user");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }, threads));
            }
            for (int i = 0; i < logins.size(); i++) {
                assertThat(logins.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i % 2 == 0 ? "alice" : "bob");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static void runsTransactions(String user, String password) throws Exception {
        int clients = 4;
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            List<Future<String>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = 1 + i;
                done.add(threads.submit(() -> {
                    try (Connection c = front.connect("appdb", user, password)) {
                        c.setAutoCommit(false);
                        for (int t = 0; t < 10; t++) {
                            try (Statement s = c.createStatement()) {
                                s.executeUpdate("UPDATE counters SET n = n + 1 WHERE id = " + id);
                            }
                            c.commit();
                        }
                        String who = scalar(c, "SELECT current_user");
                        c.commit();
                        return who;
                    }
                }));
            }
            for (Future<String> f : done) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(user);
            }
        } finally {
            threads.shutdownNow();
        }
        // the server connections the front door opened for the user are logged in as the user
        assertThat(postgres.cluster().backendCount(user)).isBetween(0, 2);
    }

    /** The server's connections of every role the front doors of this test log in as. */
    private static int backends() throws SQLException {
        int n = 0;
        for (String u : List.of("app", "pgauth", "alice", "bob", "carol", "dave")) {
            n += postgres.cluster().backendCount(u);
        }
        return n;
    }

    private static int open() throws Exception {
        return front.door.control().status().get(5, TimeUnit.SECONDS).servers().get(0).open();
    }

    private static int waiting() throws Exception {
        return front.door.control().status().get(5, TimeUnit.SECONDS).servers().get(0).waiting();
    }

    private static int held(FrontDoorFixture door) throws Exception {
        return door.door.control().status().get(5, TimeUnit.SECONDS).servers().get(0).held();
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    /**
     * A front door of its own on the test's cluster: a budget of 2, users {@code app} and the auth
     * user {@code pgauth} (whose password is {@code authPassword}), {@code query} as the
     * auth_query, and the config lines {@code more}.
     */
    private static FrontDoorFixture door(String authPassword, String query, String more) throws Exception {
        return FrontDoorFixture.start(postgres.cluster(), """
                listeners: [{ bind: 127.0.0.1:0 }]
                servers: { main: { address: SERVER, max_connections: 2 } }
                pools:
                  appdb: { server: main, mode: transaction }
                users:
                  app: { password: app-pass }
                  pgauth: { password: %s }
                auth_query: { user: pgauth, query: "%s" }
                %s
                """.formatted(authPassword, query, more));
    }

    /** Logging in as {@code user} through {@code door} fails with {@code sqlState}; its message, for more checks. */
    private static AbstractStringAssert<?> assertRefused(FrontDoorFixture door, String user, String password, String sqlState) {
        SQLException e = catchThrowableOfType(SQLException.class, () -> door.connect("appdb", user, password).close());
        assertThat(e != null).as("the login as %s is refused", user).isTrue();
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(sqlState);
        return assertThat(e.getMessage());
    }
}
