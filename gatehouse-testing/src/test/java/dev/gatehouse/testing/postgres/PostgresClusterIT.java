package dev.gatehouse.testing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A real PostgreSQL through the fixture: its settings, each authentication method, restarts, and nothing left after close. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class PostgresClusterIT {

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder()
            .maxConnections(42).superuserReservedConnections(2).setting("work_mem", "8MB")
            .trustUser("tina").scramUser("sam", "sam's secret").md5User("mia", "mia-secret")
            .database("shop", "sam"));

    @Test
    void theCluster_listensOnLoopbackOnly_withTheSettingsAsked(PostgresCluster pg) throws SQLException {
        assertThat(pg.host()).isEqualTo("127.0.0.1");
        assertThat(pg.isRunning()).isTrue();
        assertThat(pg.queryString("SHOW listen_addresses")).isEqualTo("127.0.0.1");
        assertThat(pg.queryLong("SHOW port")).isEqualTo(pg.port());
        assertThat(pg.queryString("SHOW unix_socket_directories")).isEqualTo(pg.dataDirectory().getParent().toString());
        assertThat(pg.queryString("SHOW max_connections")).isEqualTo("42");
        assertThat(pg.queryString("SHOW superuser_reserved_connections")).isEqualTo("2");
        assertThat(pg.queryString("SHOW work_mem")).isEqualTo("8MB");
        assertThat(pg.queryString("SHOW fsync")).isEqualTo("off");
        assertThat(pg.queryString("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'shop'")).isEqualTo("sam");
        assertThat(pg.jdbcUrl("shop")).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/shop?sslmode=disable");
    }

    @ParameterizedTest(name = "{0} by {3}")
    @CsvSource(quoteCharacter = '"', value = {
            "sam, sam's secret, SCRAM-SHA-256$, scram-sha-256",
            "mia, mia-secret, md5, md5"})
    void aPasswordRole_getsInWithItsPassword_byItsMethodOnly(String user, String password, String stored, String method)
            throws SQLException {
        PostgresCluster pg = postgres.cluster();
        try (Connection c = pg.connect("shop", user, password)) {
            assertThat(value(c, "SELECT current_user")).isEqualTo(user);
        }
        // The password is stored for the method (an md5 line with a SCRAM verifier would quietly use SCRAM).
        assertThat(pg.queryString("SELECT rolpassword FROM pg_authid WHERE rolname = '" + user + "'")).startsWith(stored);
        assertThat(pg.queryString("SELECT string_agg(auth_method, ',') FROM pg_hba_file_rules WHERE '" + user + "' = ANY(user_name)"))
                .isEqualTo(method);

        assertThatThrownBy(() -> pg.connect("shop", user, password + "x").close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as("%s", e).isEqualTo("28P01"));
        assertThatThrownBy(() -> pg.connect("shop", user, null).close()).isInstanceOf(SQLException.class);
    }

    @Test
    void aTrustRole_getsInWithoutAPassword() throws SQLException {
        try (Connection c = postgres.cluster().connect("shop", "tina", null)) {
            assertThat(value(c, "SELECT current_user")).isEqualTo("tina");
        }
    }

    @Test
    void theSuperuser_getsInByTrust_andAnyoneElse_isRefused() throws SQLException {
        PostgresCluster pg = postgres.cluster();
        try (Connection c = pg.connect("postgres", "postgres", null)) {
            assertThat(value(c, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).isEqualTo("t");
        }
        pg.execute("CREATE ROLE ghost LOGIN PASSWORD 'ghost-secret'");
        try {
            // A role no pg_hba.conf line names: invalid_authorization_specification, whatever the password.
            assertThatThrownBy(() -> pg.connect("shop", "ghost", "ghost-secret").close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as("%s", e).isEqualTo("28000"));
        } finally {
            pg.execute("DROP ROLE ghost");
        }
    }

    @Test
    void theSuperuser_getsInOnTheUnixSocket_withPsql(PostgresCluster pg) throws Exception {
        Process psql = new ProcessBuilder(PostgresInstallation.bin().resolve("psql").toString(),
                "-h", pg.socketDirectory().toString(), "-p", Integer.toString(pg.port()), "-U", "postgres", "-d", "shop",
                "-X", "-A", "-t", "-c", "SELECT current_user || ' on ' || coalesce(inet_server_addr()::text, 'the socket')")
                .redirectErrorStream(true).start();
        assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                .isEqualTo("postgres on the socket");
        assertThat(psql.exitValue()).isZero();
        assertThat(pg.socketDirectory().resolve(".s.PGSQL." + pg.port())).exists();
    }

    @Test
    void backendCount_countsTheUsersClientConnections_notTheOneAsking() throws SQLException {
        PostgresCluster pg = postgres.cluster();
        assertThat(pg.backendCount("postgres")).isZero();
        List<Connection> open = new ArrayList<>();
        try {
            open.add(pg.connect("shop", "sam", "sam's secret"));
            open.add(pg.connect("postgres", "sam", "sam's secret"));
            open.add(pg.connect("shop", "mia", "mia-secret"));
            assertThat(pg.backendCount("sam")).isEqualTo(2);
            assertThat(pg.backendCount("mia")).isEqualTo(1);
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
        // A backend ends a moment after its client said Terminate.
        await().atMost(Duration.ofSeconds(10)).until(() -> pg.backendCount("sam") + pg.backendCount("mia") == 0);
    }

    @Test
    void maxConnections_isEnforced_withTheReservedSlotsLeftToTheSuperuser() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().maxConnections(4).superuserReservedConnections(1)
                .trustUser("tina").start()) {
            List<Connection> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    open.add(pg.connect("postgres", "tina", null));
                }
                assertThatThrownBy(() -> pg.connect("postgres", "tina", null).close())
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as("%s", e).isEqualTo("53300"));
                // The reserved slot: the fixture's own queries still work when the others are taken.
                assertThat(pg.backendCount("tina")).isEqualTo(3);
            } finally {
                for (Connection c : open) {
                    c.close();
                }
            }
        }
    }

    @Test
    void stopAndStart_keepThePortAndTheData_andBreakOpenConnections() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().scramUser("sam", "pw").database("shop", "sam").start()) {
            int port = pg.port();
            Connection before = pg.connect("shop", "sam", "pw");
            try (Statement s = before.createStatement()) {
                s.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before the stop')");
            }
            long firstPid = postmasterPid(pg);

            pg.stop();
            assertThat(pg.isRunning()).isFalse();
            assertThat(Path.of("/proc/" + firstPid)).doesNotExist();
            assertThatThrownBy(() -> pg.connect("shop", "sam", "pw").close()).isInstanceOf(SQLException.class);
            pg.stop(); // stopped already: nothing to do

            pg.start();
            assertThat(pg.port()).isEqualTo(port);
            assertThat(pg.queryLong("SHOW port")).isEqualTo(port);
            assertThat(postmasterPid(pg)).isNotEqualTo(firstPid);
            try (Connection c = pg.connect("shop", "sam", "pw")) {
                assertThat(value(c, "SELECT v FROM kept")).isEqualTo("before the stop");
            }
            assertThatThrownBy(() -> value(before, "SELECT 1")).isInstanceOf(SQLException.class);
            before.close();
            assertThatThrownBy(pg::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("runs already");

            long secondPid = postmasterPid(pg);
            pg.restart();
            assertThat(postmasterPid(pg)).isNotEqualTo(secondPid);
            assertThat(pg.queryLong("SHOW port")).isEqualTo(port);
            try (Connection c = pg.connect("shop", "sam", "pw")) {
                assertThat(value(c, "SELECT v FROM kept")).isEqualTo("before the stop");
            }
        }
    }

    @Test
    void close_stopsEveryProcessOfTheServer_evenWithAClientConnected_andDeletesItsFiles() throws Exception {
        PostgresCluster pg = PostgresCluster.builder().trustUser("tina").start();
        Path dir = pg.dataDirectory().getParent();
        assertThat(pg.logFile()).isRegularFile();
        Connection client = pg.connect("postgres", "tina", null);
        List<ProcessHandle> processes = serverProcesses(postmasterPid(pg));
        // postmaster, checkpointer, background writer, walwriter, autovacuum launcher, the client's backend...
        assertThat(processes).hasSizeGreaterThanOrEqualTo(5);

        pg.close();

        assertThat(processes).noneMatch(PostgresClusterIT::running);
        assertThat(dir).doesNotExist();
        assertThat(pg.logFile()).doesNotExist();
        assertThat(pg.isRunning()).isFalse();
        client.close();
        pg.close(); // closed already: nothing to do
        assertThatThrownBy(pg::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }

    @Test
    void aStartThatFails_namesTheLogAndShowsItsEnd_keepsTheLog_andLeavesNoDirectory() throws IOException {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
                () -> PostgresCluster.builder().setting("shared_buffers", "plenty").start());

        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with status")
                .hasMessageContaining("invalid value for parameter \"shared_buffers\": \"plenty\"");
        Matcher log = Pattern.compile("its log, (\\S+), ends with:").matcher(failure.getMessage());
        assertThat(log.find()).as(failure.getMessage()).isTrue();
        Path logFile = Path.of(log.group(1));
        try {
            assertThat(logFile).isRegularFile();
            assertThat(Path.of(logFile.toString().replaceFirst("\\.log$", ""))).doesNotExist();
        } finally {
            Files.deleteIfExists(logFile);
        }
    }

    @Test
    void aJvmThatExitsWithoutClosing_stopsItsServer_andDeletesItsFiles() throws Exception {
        Process jvm = clusterInAnotherJvm();
        Path dir = null;
        try {
            String[] started = startedLine(jvm);
            dir = Path.of(started[2]);
            List<ProcessHandle> processes = serverProcesses(Long.parseLong(started[1]));

            exit(jvm);

            assertThat(jvm.exitValue()).isEqualTo(3);
            // The shutdown hook stopped the server (the JVM waits for hooks) and deleted the directory.
            assertThat(processes).noneMatch(PostgresClusterIT::running);
            assertThat(dir).doesNotExist();
            assertThat(Path.of(dir + ".log")).doesNotExist();
        } finally {
            cleanUp(jvm, dir);
        }
    }

    @Test
    void aJvmThatIsKilled_stillLeavesNoServerRunning() throws Exception {
        Process jvm = clusterInAnotherJvm();
        Path dir = null;
        try {
            String[] started = startedLine(jvm);
            dir = Path.of(started[2]);
            List<ProcessHandle> processes = serverProcesses(Long.parseLong(started[1]));

            jvm.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no hook runs

            // The parent-death signal asks for an immediate shutdown; nobody is left to delete the files.
            await().atMost(Duration.ofSeconds(30)).until(() -> processes.stream().noneMatch(PostgresClusterIT::running));
        } finally {
            cleanUp(jvm, dir);
        }
    }

    /** Tells the other JVM to exit, and waits for it: its shutdown hooks run. */
    private static void exit(Process jvm) throws IOException, InterruptedException {
        jvm.getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
        jvm.getOutputStream().flush();
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the other JVM exits").isTrue();
    }

    /** Whatever a failed crash test left: the other JVM (asked to exit, so its cluster goes too), then the files. */
    private static void cleanUp(Process jvm, Path dir) throws IOException, InterruptedException {
        if (jvm.isAlive()) {
            try {
                exit(jvm);
            } finally {
                jvm.destroyForcibly();
            }
        }
        if (dir != null) {
            deleteTree(dir);
            Files.deleteIfExists(Path.of(dir + ".log"));
        }
    }

    private static Process clusterInAnotherJvm() throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), ClusterInAnotherJvm.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The child's "started PID DIR" line (after any log lines), read within a minute. */
    private static String[] startedLine(Process jvm) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        String line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (l.startsWith("started ")) {
                        return l;
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(line).as("the other JVM's \"started\" line").isNotNull();
        return line.split(" ");
    }

    private static long postmasterPid(PostgresCluster pg) throws IOException {
        return Long.parseLong(Files.readAllLines(pg.dataDirectory().resolve("postmaster.pid")).get(0).trim());
    }

    /**
     * The running postmaster and the processes it started that run now (a backend or worker that
     * is ending may be seen by descendants() and be gone a moment later: it does not count).
     */
    private static List<ProcessHandle> serverProcesses(long postmasterPid) {
        ProcessHandle postmaster = ProcessHandle.of(postmasterPid).orElseThrow();
        assertThat(running(postmaster)).as("postmaster %s runs", postmasterPid).isTrue();
        return Stream.concat(Stream.of(postmaster), postmaster.descendants()).filter(PostgresClusterIT::running).toList();
    }

    /** Alive and not a zombie waiting for a parent (pid 1 here) to collect it: a zombie runs nothing. */
    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            assertThat(r.next()).as(sql).isTrue();
            return r.getString(1);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
