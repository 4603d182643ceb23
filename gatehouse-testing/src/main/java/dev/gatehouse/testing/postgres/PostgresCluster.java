package dev.gatehouse.testing.postgres;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.FreePorts;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.postgresql.Driver;

/**
 * A real PostgreSQL server of its own (Debian's, see {@link PostgresInstallation}): a cluster made
 * with {@code initdb} in a new temporary directory, listening on 127.0.0.1 and a free port only,
 * its Unix socket in that directory, without fsync. {@code postgres} is the superuser and connects
 * by trust; the roles of the {@linkplain #builder() builder} connect from 127.0.0.1 by their own
 * methods, everyone else is refused.
 * <pre>{@code
 * try (PostgresCluster pg = PostgresCluster.builder().scramUser("app", "secret").database("shop", "app").start();
 *      Connection c = pg.connect("shop", "app", "secret")) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link #stop()} (fast shutdown) and {@link #start()} keep the port and the data,
 * which is what a test of a server restart needs; {@link #close()} stops the server at once
 * (immediate shutdown) and deletes the directory. Nothing is left behind if a test forgets to
 * close or the JVM exits early: a shutdown hook closes every cluster still open, and a server
 * whose JVM was killed stops by itself (a parent-death signal, see {@link PostgresUser}).
 *
 * <p>The server's output, with initdb's, goes to {@link #logFile()}, next to the directory. A start
 * that fails says so with the log's last lines, and the log is then kept after {@code close()}.
 *
 * <p>Lifecycle methods are synchronized; the query methods open their own connection each time and
 * may be called from any thread.
 */
public final class PostgresCluster implements AutoCloseable {

    /** The only address the server listens on. */
    static final String HOST = "127.0.0.1";
    /** The superuser initdb makes, trusted on the socket and on 127.0.0.1. */
    static final String SUPERUSER = "postgres";
    private static final String SUPERUSER_DATABASE = "postgres";
    private static final Duration INITDB_LIMIT = Duration.ofSeconds(120);
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
    private static final Driver DRIVER = new Driver();

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final Path log;
    private final int port;
    private final Thread cleanup;
    private Postmaster postmaster;
    private boolean closed;
    private boolean keepLog;

    private PostgresCluster(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.log = dir.resolveSibling(dir.getFileName() + ".log");
        this.port = port;
        this.cleanup = new Thread(this::shutDown, "postgres-cluster-cleanup-" + port);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Describes a cluster to start: by default 100 connections, no roles but {@code postgres}, no
     * databases but initdb's.
     *
     * @return a new builder
     */
    public static PostgresClusterBuilder builder() {
        return new PostgresClusterBuilder();
    }

    /** Makes, starts and fills a cluster; on any failure closes what was made and rethrows. */
    static PostgresCluster create(ClusterSpec spec) throws IOException {
        Path bin = PostgresInstallation.bin();
        PostgresCluster cluster = new PostgresCluster(bin, Files.createTempDirectory("gatehouse-pg"), FreePorts.one());
        try {
            cluster.init(spec);
            cluster.start();
            cluster.createRolesAndDatabases(spec);
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            synchronized (cluster) {
                cluster.keepLog = true;
            }
            cluster.close();
            throw e;
        }
    }

    private void init(ClusterSpec spec) throws IOException {
        PostgresUser.own(dir);
        PostgresUser.run(INITDB_LIMIT, log, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions");
        // Written by this JVM into files initdb made, so they keep their owner (postgres when root).
        Files.writeString(data.resolve("postgresql.conf"), spec.postgresqlConf(port, dir), StandardOpenOption.APPEND);
        Files.writeString(data.resolve("pg_hba.conf"), spec.pgHbaConf(), StandardOpenOption.TRUNCATE_EXISTING);
    }

    private void createRolesAndDatabases(ClusterSpec spec) {
        try (Connection c = superuser(SUPERUSER_DATABASE); Statement s = c.createStatement()) {
            for (ClusterRole role : spec.roles()) {
                if (role.method().passwordEncryption() != null) {
                    s.execute("SET password_encryption = " + SqlText.literal(role.method().passwordEncryption()));
                }
                s.execute(role.createStatement());
            }
            for (ClusterDatabase database : spec.databases()) {
                s.execute(database.createStatement());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("creating the roles and databases of postgres on port " + port + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** The address the server listens on: {@code 127.0.0.1}. */
    public String host() {
        return HOST;
    }

    /** The server's port, the same across {@link #stop()} and {@link #start()}. */
    public int port() {
        return port;
    }

    /** The cluster's data directory (with {@code postmaster.pid} while the server runs). */
    public Path dataDirectory() {
        return data;
    }

    /**
     * The directory of the server's Unix socket ({@code .s.PGSQL.PORT}), where {@code postgres}
     * connects by trust: for PostgreSQL's own tools ({@code psql -h DIR -p PORT -U postgres}).
     */
    public Path socketDirectory() {
        return dir;
    }

    /** The file initdb and the server write their output to. */
    public Path logFile() {
        return log;
    }

    /** Whether the server process runs (it may still be starting or stopping). */
    public synchronized boolean isRunning() {
        return postmaster != null && postmaster.isAlive();
    }

    /**
     * A pgjdbc URL for {@code database} on this server, without TLS.
     *
     * @param database a database's name
     * @return {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE?sslmode=disable}
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8)
                + "?sslmode=disable";
    }

    /**
     * Opens a pgjdbc connection over TCP, without TLS.
     *
     * @param database a database's name
     * @param user a role's name
     * @param password its password; null sends none
     * @return an open connection; close it
     * @throws SQLException as pgjdbc reports it: {@code 28P01} for a wrong password, {@code 28000}
     *         for a user no pg_hba.conf line lets in
     */
    public Connection connect(String database, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        return DRIVER.connect(jdbcUrl(database), props);
    }

    /**
     * Runs statements in the {@code postgres} database as the superuser.
     *
     * @param sql one or more statements
     * @throws SQLException when one fails
     */
    public void execute(String sql) throws SQLException {
        execute(SUPERUSER_DATABASE, sql);
    }

    /**
     * Runs statements in {@code database} as the superuser.
     *
     * @param database a database's name
     * @param sql one or more statements
     * @throws SQLException when one fails
     */
    public void execute(String database, String sql) throws SQLException {
        try (Connection c = superuser(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * The first column of the first row of a query run in {@code postgres} as the superuser.
     *
     * @param sql a query whose first value is a non-null integer
     * @return that value
     * @throws SQLException when the query fails, has no row or the value is null
     */
    public long queryLong(String sql) throws SQLException {
        try (Connection c = superuser(SUPERUSER_DATABASE); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            long value = r.next() ? r.getLong(1) : missing(sql);
            if (r.wasNull()) {
                throw new SQLException("no value: " + sql + " returned NULL");
            }
            return value;
        }
    }

    /**
     * The first column of the first row of a query run in {@code postgres} as the superuser.
     *
     * @param sql a query with at least one row ({@code SHOW max_connections})
     * @return that value as text, null for SQL NULL
     * @throws SQLException when the query fails or has no row
     */
    public String queryString(String sql) throws SQLException {
        try (Connection c = superuser(SUPERUSER_DATABASE); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            if (!r.next()) {
                missing(sql);
            }
            return r.getString(1);
        }
    }

    /**
     * How many client connections {@code user} has on the server now: the client backends of
     * {@code pg_stat_activity} (not background workers) logged in as that user, the one asking
     * excluded.
     *
     * @param user a role's name
     * @return the number of its connections
     * @throws SQLException when the server cannot be asked
     */
    public int backendCount(String user) throws SQLException {
        try (Connection c = superuser(SUPERUSER_DATABASE);
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE usename = ? AND backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            s.setString(1, user);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    /**
     * Starts the server again after {@link #stop()}, on the same port with the same data, and
     * returns once it accepts connections.
     *
     * @throws IllegalStateException when it runs already, the cluster is closed, or it exits or
     *         does not accept connections within a minute (the message ends with the log's last lines)
     * @throws IOException when the process cannot be started
     */
    public synchronized void start() throws IOException {
        requireOpen();
        if (isRunning()) {
            throw new IllegalStateException("postgres on port " + port + " runs already");
        }
        Postmaster started = Postmaster.launch(bin, data, log);
        postmaster = started;
        try {
            await("postgres on " + HOST + ":" + port + " accepts connections")
                    .atMost(START_LIMIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .failFast("postgres exited", () -> !started.isAlive())
                    .until(this::answersAsThisCluster);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            keepLog = true;
            String what = started.isAlive() ? "did not accept connections within " + START_LIMIT.toSeconds() + " s"
                    : "exited with status " + started.exitValue();
            throw new IllegalStateException("postgres on " + HOST + ":" + port + " (data " + data + ") " + what + "; "
                    + LogTail.of(log), e);
        }
    }

    /**
     * Whether this cluster's server answers on the port: a connection works and reports this data
     * directory. Another server that took the port meanwhile would answer with its own.
     */
    private boolean answersAsThisCluster() {
        try (Connection c = superuser(SUPERUSER_DATABASE); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SHOW data_directory")) {
            return r.next() && data.toString().equals(r.getString(1));
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Stops the server with a fast shutdown (open transactions rolled back, clients disconnected,
     * a checkpoint) and returns once it has exited; does nothing when it does not run.
     *
     * @throws IllegalStateException when it did not exit within 30 s (it was then killed)
     * @throws IOException when {@code kill} cannot be run
     */
    public synchronized void stop() throws IOException {
        requireOpen();
        if (!isRunning()) {
            return;
        }
        if (!postmaster.stop(Postmaster.Shutdown.FAST, STOP_LIMIT)) {
            throw new IllegalStateException("postgres on port " + port + " did not stop within " + STOP_LIMIT.toSeconds()
                    + " s of a fast shutdown and was killed; " + LogTail.of(log));
        }
    }

    /**
     * {@link #stop()}, then {@link #start()}: the same port and data, every connection broken.
     *
     * @throws IOException as those do
     */
    public synchronized void restart() throws IOException {
        stop();
        start();
    }

    /**
     * Stops the server at once (immediate shutdown: the data is about to go) and deletes the
     * cluster's directory, and its log unless a start failed. Does nothing the second time.
     */
    @Override
    public void close() {
        if (shutDown()) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // The JVM is exiting: the hook runs and finds the cluster closed.
            }
        }
    }

    /** close() without the hook's removal; the hook itself runs this. Returns whether it did anything. */
    private synchronized boolean shutDown() {
        if (closed) {
            return false;
        }
        closed = true;
        try {
            if (postmaster != null) {
                postmaster.stop(Postmaster.Shutdown.IMMEDIATE, STOP_LIMIT);
            }
        } catch (IOException e) {
            // Postmaster.stop killed what it could not stop politely; the files go anyway.
        } finally {
            deleteTree(dir);
            if (!keepLog) {
                deleteTree(log);
            }
        }
        return true;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the cluster on port " + port + " is closed");
        }
    }

    private Connection superuser(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("connectTimeout", "10");
        // A helper's query must not hang a test that a stuck server would otherwise fail.
        props.setProperty("socketTimeout", "60");
        return DRIVER.connect(jdbcUrl(database), props);
    }

    private static long missing(String sql) throws SQLException {
        throw new SQLException("no row: " + sql + " returned none");
    }

    /** Deletes a file or a directory tree, as far as it can: a leftover in /tmp fails no test. */
    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // see above
        }
    }

    @Override
    public String toString() {
        return "PostgresCluster[" + HOST + ":" + port + ", " + dir + "]";
    }
}
