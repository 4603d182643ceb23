package dev.gatehouse.testing.postgres;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL's programs as a user they accept. PostgreSQL refuses to run as root; when the
 * tests do (as CI does), the cluster's directory belongs to the {@code postgres} user Debian's
 * package creates and the programs run as that user through {@code setpriv}, which execs them: the
 * process Java starts is the program itself, so its pid is the server's.
 *
 * <p>Every program also gets a parent-death signal (SIGQUIT, PostgreSQL's immediate shutdown): if
 * the thread that started it dies, the JVM being killed included, the server stops instead of
 * living on without anyone to stop it.
 */
final class PostgresUser {

    /** Whether the JVM runs as root, so the programs must run as {@code postgres}. */
    static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final String NAME = "postgres";

    private PostgresUser() {
    }

    /** Gives {@code dir} to the {@code postgres} user when running as root. */
    static void own(Path dir) throws IOException {
        if (ROOT) {
            Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NAME));
        }
    }

    /** The command line that runs {@code command} as a user PostgreSQL accepts, with the parent-death signal. */
    static List<String> command(String... command) {
        List<String> line = new ArrayList<>(List.of("/usr/bin/setpriv"));
        if (ROOT) {
            line.addAll(List.of("--reuid=" + NAME, "--regid=" + NAME, "--init-groups"));
        }
        line.addAll(List.of("--pdeathsig", "QUIT", "--"));
        line.addAll(List.of(command));
        return line;
    }

    /**
     * Runs {@code command} to its end, its output appended to {@code log}.
     *
     * @throws IllegalStateException when it fails or outlasts {@code limit} (then it is killed)
     */
    static void run(Duration limit, Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(command(command)).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        String program = Path.of(command[0]).getFileName().toString();
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(program + " took more than " + limit.toSeconds() + " s; " + LogTail.of(log));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + program + " ran");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(program + " failed with status " + p.exitValue() + "; " + LogTail.of(log));
        }
    }
}
