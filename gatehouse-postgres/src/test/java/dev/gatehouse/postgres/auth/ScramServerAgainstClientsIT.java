package dev.gatehouse.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our server side against real clients: pgjdbc (its own SCRAM implementation) and libpq's psql
 * (PostgreSQL's, SASLprep included) log in to {@link AuthOnlyServer}, which checks them with
 * {@link ScramServer} and {@link Md5Password}; a wrong password, or an unknown user, gets 28P01.
 */
class ScramServerAgainstClientsIT {

    private static final List<String> PASSWORDS = ScramAgainstPostgresIT.PASSWORDS;
    private static final Path PSQL = Path.of("/usr/lib/postgresql/15/bin/psql");

    private static AuthOnlyServer server;

    @TempDir
    Path temp;

    @BeforeAll
    static void startServer() throws IOException {
        SecureRandom random = new SecureRandom();
        Map<String, String> stored = new HashMap<>();
        stored.put("alice", ScramSecret.fromPassword("wonder land", random).format());
        stored.put("bob", Md5Password.hash("builder", "bob"));
        for (int i = 0; i < PASSWORDS.size(); i++) {
            stored.put("carol" + i, ScramSecret.fromPassword(PASSWORDS.get(i), random).format());
        }
        server = AuthOnlyServer.start(stored);
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pgjdbcLogsInWithScram() throws SQLException {
        try (Connection c = pgjdbc("alice", "wonder land")) {
            assertThat(c.isClosed()).isFalse();
        }
        try (Connection c = pgjdbc("carol1", PASSWORDS.get(1))) { // SASLprep'd by pgjdbc: NFKC
            assertThat(c.isClosed()).isFalse();
        }
    }

    @Test
    void pgjdbcWithAWrongPasswordGets28P01() {
        assertThatThrownBy(() -> pgjdbc("alice", "wonder lands").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"))
                .hasMessageContaining("password authentication failed for user \"alice\"");
        assertThat(server.failures()).anyMatch(f -> f.startsWith("alice: ") && f.contains("wrong password"));
    }

    @Test
    void anUnknownUserGetsTheSameAnswerAfterAWholeExchange() {
        assertThatThrownBy(() -> pgjdbc("nobody", "guess").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        assertThat(server.failures()).contains("nobody: user \"nobody\" has no SCRAM secret");
    }

    @Test
    void pgjdbcLogsInWithMd5() throws SQLException {
        try (Connection c = pgjdbc("bob", "builder")) {
            assertThat(c.isClosed()).isFalse();
        }
        assertThatThrownBy(() -> pgjdbc("bob", "Builder").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    static IntStream passwordIndexes() {
        return IntStream.range(0, PASSWORDS.size());
    }

    @ParameterizedTest(name = "password {0}")
    @MethodSource("passwordIndexes")
    void psqlLogsInWithScram(int i) throws Exception {
        assertThat(psql("carol" + i, PASSWORDS.get(i))).isEqualTo("ok");
    }

    @Test
    void psqlWithAWrongPasswordIsRefused() throws Exception {
        assertThat(psql("alice", "wonder lands")).contains("password authentication failed for user \"alice\"");
        assertThat(psql("alice", "wonder land")).isEqualTo("ok");
    }

    private static Connection pgjdbc(String user, String password) throws SQLException {
        DriverManager.setLoginTimeout(20);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port()
                + "/postgres?sslmode=disable&gssEncMode=disable", user, password);
    }

    /** Runs psql's SELECT 1 as {@code user}; "ok" when it exits 0, else its output. */
    private String psql(String user, String password) throws IOException, InterruptedException {
        // The password goes in a passfile written as UTF-8: an argument or the environment would
        // pass through the JVM's locale, which may not be UTF-8.
        Path passfile = Files.createTempFile(temp, "pgpass", "");
        Files.write(passfile, ("127.0.0.1:" + server.port() + ":*:" + user + ":" + password + "\n").getBytes(StandardCharsets.UTF_8));
        Path output = temp.resolve("psql.out");
        ProcessBuilder builder = new ProcessBuilder(PSQL.toString(), "-h", "127.0.0.1", "-p", Integer.toString(server.port()),
                "-U", user, "-d", "postgres", "-w", "-X", "-c", "SELECT 1")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("PGPASSFILE", passfile.toString());
        builder.environment().put("PGSSLMODE", "disable");
        builder.environment().put("PGGSSENCMODE", "disable");
        Process p = builder.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? "ok" : Files.readString(output);
    }
}
