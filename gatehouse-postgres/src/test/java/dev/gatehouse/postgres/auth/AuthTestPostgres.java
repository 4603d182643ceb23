package dev.gatehouse.postgres.auth;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the authentication tests: a new cluster in a temporary directory on
 * 127.0.0.1 and a free port, the user {@code postgres} trusted, {@code pg_hba.conf} lines of the
 * test's before the default ones (written before the server starts, so no reload races a test).
 * {@link #close()} stops it and deletes the directory.
 *
 * <p>PostgreSQL refuses to run as root; when the tests do, the cluster belongs to the Debian
 * package's {@code postgres} user and initdb and the server run as it ({@code setpriv}). A private
 * helper until the module has a shared fixture.
 */
final class AuthTestPostgres implements AutoCloseable {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path bin;
    private final Path dir;
    private final int port;
    private Process server;

    private AuthTestPostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** Makes and starts the cluster with {@code hbaLines} first in pg_hba.conf; returns once it answers. */
    static AuthTestPostgres start(List<String> hbaLines) throws IOException, InterruptedException {
        AuthTestPostgres pg = new AuthTestPostgres(postgresBin(), Files.createTempDirectory("gatehouse-pgauth"), FreePorts.one());
        try {
            if (ROOT) {
                UserPrincipal postgres = pg.dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
                Files.setOwner(pg.dir, postgres);
            }
            Path data = pg.dir.resolve("data");
            pg.runToEnd(List.of(pg.bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"));
            Path hba = data.resolve("pg_hba.conf");
            List<String> lines = new ArrayList<>(hbaLines);
            lines.addAll(Files.readAllLines(hba));
            Files.write(hba, lines); // keeps the file's owner: it is rewritten in place
            pg.server = new ProcessBuilder(asPostgres(List.of(pg.bin.resolve("postgres").toString(), "-D", data.toString(),
                    "-h", "127.0.0.1", "-p", Integer.toString(pg.port), "-k", pg.dir.toString(), "-F", "-c", "max_connections=20")))
                    .redirectErrorStream(true).redirectOutput(pg.dir.resolve("postgres.log").toFile()).start();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .failFast("postgres exited; see " + pg.dir.resolve("postgres.log"), () -> !pg.server.isAlive())
                    .until(() -> pg.trySql("SELECT 1") != null);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    int port() {
        return port;
    }

    /** Runs SQL as {@code postgres} (ASCII only: psql's arguments pass through the JVM's locale); returns psql -At's output. */
    String sql(String sql) throws IOException, InterruptedException {
        String out = trySql(sql);
        if (out == null) {
            throw new IllegalStateException("psql failed on: " + sql + "; see " + dir.resolve("psql.log"));
        }
        return out;
    }

    private String trySql(String sql) throws IOException, InterruptedException {
        Path out = dir.resolve("psql.out");
        Process p = new ProcessBuilder(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-c", sql)
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("psql.log").toFile()))
                .start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8).strip() : null;
    }

    private void runToEnd(List<String> command) throws IOException, InterruptedException {
        Path log = dir.resolve(Path.of(command.get(0)).getFileName() + ".log");
        Process p = new ProcessBuilder(asPostgres(command)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " took more than 60 s; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(log));
        }
    }

    private static List<String> asPostgres(List<String> command) {
        List<String> c = new ArrayList<>();
        if (ROOT) {
            c.addAll(List.of("/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        }
        c.addAll(command);
        return c;
    }

    /** The newest /usr/lib/postgresql/N/bin with initdb; the test fails (not skips) without one. */
    private static Path postgresBin() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.isDirectory(base) ? Files.list(base) : Stream.empty()) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .orElseThrow(() -> new AssertionError("no /usr/lib/postgresql/*/bin/initdb: install Debian's postgresql"));
        }
    }

    @Override
    public void close() {
        try {
            if (server != null && server.isAlive()) {
                // SIGINT: PostgreSQL's fast shutdown, which does not wait for clients to leave
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
                // a leftover in /tmp is no reason to fail a test that passed
            }
        }
    }
}
