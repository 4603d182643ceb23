package dev.gatehouse.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code gatehouse.jar} run as a real process, for tests that need signals, a small
 * heap or the exact command a user types. Its standard output and error go to files.
 */
final class NodeProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("(?<!admin API )listening on /?127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern ADMIN_LISTENING = Pattern.compile("admin API listening on /?127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private NodeProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code java [jvmArgs] -jar gatehouse.jar [args]}. */
    static NodeProcess start(Path dir, List<String> jvmArgs, String... args) throws IOException {
        Path jar = Path.of("target", "gatehouse.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after package");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "node", ".out");
        Path err = Files.createTempFile(dir, "node", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        // As bin/gatehouse does: the JVM suspends threads with another signal, so SIGUSR2 restarts.
        pb.environment().put(Node.SUSPEND_SIGNAL_ENV, "40");
        Process p = pb.start();
        return new NodeProcess(p, out, err);
    }

    /** Waits for the "admin API listening on" log line and returns its port (for {@code admin.bind: 127.0.0.1:0}). */
    int awaitAdminPort() {
        return awaitListening(ADMIN_LISTENING);
    }

    /** Waits for the "listening on" log line and returns its port. */
    int awaitPort() {
        return awaitListening(LISTENING);
    }

    private int awaitListening(Pattern listening) {
        int[] port = {-1};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("node exited with " + process.exitValue() + ": " + stderr());
            }
            Matcher m = listening.matcher(stderr());
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
        return port[0];
    }

    String stdout() throws IOException {
        return Files.readString(stdout);
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    /** Sends SIGTERM (what a service manager does) and waits for the exit code. */
    int terminate(Duration within) throws Exception {
        process.destroy();
        if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("node did not stop within " + within);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
