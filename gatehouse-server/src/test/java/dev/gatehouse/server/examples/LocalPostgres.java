package dev.gatehouse.server.examples;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's) of its own: a cluster made with {@code initdb} in a new
 * temporary directory, listening on 127.0.0.1 and a free port only, with trust authentication for
 * the user {@code postgres} and no fsync (nothing here must survive). {@link #close()} stops it
 * (fast shutdown) and deletes the directory.
 *
 * <p>PostgreSQL refuses to run as root; when the tests do (as CI does), the cluster belongs to the
 * {@code postgres} user the Debian package creates, and initdb and the server run as that user
 * ({@code setpriv}). That is why the directory is not the test's {@code @TempDir}: that one is
 * root's, mode 0700.
 */
final class LocalPostgres implements AutoCloseable {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path bin;
    private final Path dir;
    private final int port;
    private Process process;

    private LocalPostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** Makes the cluster, starts the server and returns once it accepts queries. */
    static LocalPostgres start() throws IOException, InterruptedException {
        Path bin = DebianTools.postgresBin();
        Path dir = Files.createTempDirectory("gatehouse-pg");
        LocalPostgres pg = new LocalPostgres(bin, dir, FreePorts.one());
        try {
            if (ROOT) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
            }
            pg.run(Duration.ofSeconds(60), bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                    "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync");
            pg.process = new ProcessBuilder(asPostgres(bin.resolve("postgres").toString(), "-D", dir.resolve("data").toString(),
                    "-h", "127.0.0.1", "-p", Integer.toString(pg.port), "-k", dir.toString(), "-F",
                    "-c", "max_connections=60"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("postgres.log").toFile()).start();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .failFast("postgres exited; see " + dir.resolve("postgres.log"), () -> !pg.process.isAlive())
                    .until(() -> pg.query("SELECT 1") == 0);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    int port() {
        return port;
    }

    /** Creates a database owned by {@code postgres}. */
    void createDatabase(String name) throws IOException, InterruptedException {
        if (query("CREATE DATABASE " + name) != 0) {
            throw new IllegalStateException("CREATE DATABASE " + name + " failed; see " + dir.resolve("psql.log"));
        }
    }

    /** Runs one statement with psql; returns its exit status. */
    private int query(String sql) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("psql.log").toFile()))
                .start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private void run(Duration limit, String... command) throws IOException, InterruptedException {
        Path log = dir.resolve(Path.of(command[0]).getFileName() + ".log");
        Process p = new ProcessBuilder(asPostgres(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " took more than " + limit + "; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(log));
        }
    }

    /** The command, run as the postgres user when the tests run as root (setpriv execs it: same pid). */
    private static List<String> asPostgres(String... command) {
        List<String> c = new ArrayList<>();
        if (ROOT) {
            c.addAll(List.of("/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        }
        c.addAll(List.of(command));
        return c;
    }

    @Override
    public void close() {
        try {
            if (process != null && process.isAlive()) {
                // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
                new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover in /tmp is no reason to fail a test that passed
        }
    }
}
