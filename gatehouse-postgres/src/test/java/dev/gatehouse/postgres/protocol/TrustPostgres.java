package dev.gatehouse.postgres.protocol;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL 15 cluster for this package's integration test: initdb in a new
 * temporary directory, trust authentication for {@code postgres}, 127.0.0.1 and a free port,
 * no fsync. The shared fixture for the module is being built elsewhere; this is the least the
 * protocol test needs, in the way the project's LocalPostgres runs a cluster.
 *
 * <p>PostgreSQL refuses to run as root; when the tests do, the directory is handed to the
 * {@code postgres} user of Debian's package and initdb and the server run as that user
 * ({@code setpriv}, which execs: the server keeps the pid we started).
 */
final class TrustPostgres implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path dir;
    private final int port;
    private Process server;

    private TrustPostgres(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Creates the cluster and returns once the server answers psql. */
    static TrustPostgres start() throws IOException, InterruptedException {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new AssertionError(BIN + "/initdb is missing: install Debian's postgresql-15");
        }
        TrustPostgres pg = new TrustPostgres(Files.createTempDirectory("gatehouse-pgproto"), FreePorts.one());
        try {
            if (ROOT) {
                Files.setOwner(pg.dir, pg.dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
            }
            String data = pg.dir.resolve("data").toString();
            pg.runToEnd("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync");
            pg.server = new ProcessBuilder(asPostgres(BIN.resolve("postgres").toString(), "-D", data, "-h", "127.0.0.1",
                    "-p", Integer.toString(pg.port), "-k", pg.dir.toString(), "-F"))
                    .redirectErrorStream(true).redirectOutput(pg.dir.resolve("postgres.log").toFile()).start();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .failFast("postgres exited; see " + pg.dir.resolve("postgres.log"), () -> !pg.server.isAlive())
                    .until(pg::answers);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    int port() {
        return port;
    }

    private boolean answers() throws IOException, InterruptedException {
        Process psql = new ProcessBuilder(BIN.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-U", "postgres", "-d", "postgres", "-q", "-c", "SELECT 1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!psql.waitFor(10, TimeUnit.SECONDS)) {
            psql.destroyForcibly();
            return false;
        }
        return psql.exitValue() == 0;
    }

    private void runToEnd(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BIN.resolve(program).toString()));
        command.addAll(List.of(args));
        Path log = dir.resolve(program + ".log");
        Process p = new ProcessBuilder(asPostgres(command.toArray(String[]::new))).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(program + " took more than 60 s; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(program + " failed: " + Files.readString(log));
        }
    }

    private static List<String> asPostgres(String... command) {
        List<String> c = new ArrayList<>();
        if (ROOT) {
            c.addAll(List.of("/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        }
        c.addAll(List.of(command));
        return c;
    }

    /** Stops the server (SIGINT: fast shutdown, it does not wait for clients) and deletes the directory. */
    @Override
    public void close() {
        try {
            if (server != null && server.isAlive()) {
                new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).start().waitFor(10, TimeUnit.SECONDS);
                if (!server.waitFor(20, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            server.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.destroyForcibly();
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temporary directory is no reason to fail a test that passed
            }
        }
    }
}
