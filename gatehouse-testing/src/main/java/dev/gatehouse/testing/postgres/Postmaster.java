package dev.gatehouse.testing.postgres;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One run of a cluster's server process (the postmaster), from its start to its stop.
 *
 * <p>Linux sends a parent-death signal when the <em>thread</em> that started a process ends, not
 * the JVM; so every server is started from one daemon thread that lives as long as the JVM, never
 * from the test's thread, which may end (a timeout's thread, a finished test class) while the
 * server should run on.
 */
final class Postmaster {

    /** How to stop: PostgreSQL's shutdown modes and the signal that asks for each. */
    enum Shutdown {
        /** Rolls back open transactions, disconnects the clients, checkpoints: data survives a start. */
        FAST("INT"),
        /** Stops every process at once, no checkpoint: for a cluster about to be deleted. */
        IMMEDIATE("QUIT");

        private final String signal;

        Shutdown(String signal) {
            this.signal = signal;
        }
    }

    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "postgres-cluster-launcher");
        t.setDaemon(true);
        return t;
    });

    private final Process process;

    private Postmaster(Process process) {
        this.process = process;
    }

    /** Starts {@code postgres -D data} as a user it accepts, its output appended to {@code log}. */
    static Postmaster launch(Path bin, Path data, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(PostgresUser.command(bin.resolve("postgres").toString(), "-D", data.toString()))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            return new Postmaster(LAUNCHER.submit(pb::start).get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("cannot start " + pb.command(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while starting postgres");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Its exit status; only once it has exited. */
    int exitValue() {
        return process.exitValue();
    }

    /**
     * Asks the server to stop in {@code mode} and waits up to {@code limit} for it to exit. If it
     * does not, it and every process it started are killed (SIGKILL), so none is left either way.
     *
     * @return whether it exited by itself within the limit
     */
    boolean stop(Shutdown mode, Duration limit) throws IOException {
        if (!process.isAlive()) {
            return true;
        }
        // Its children, taken before it exits: killing only the postmaster would orphan them.
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        boolean exited = false;
        try {
            signal(mode.signal);
            exited = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping postgres " + process.pid());
        } finally {
            if (!exited) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
        }
        return exited;
    }

    /** Java sends only TERM and KILL; PostgreSQL's fast and immediate shutdowns are INT and QUIT. */
    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS)) {
            kill.destroyForcibly();
        }
    }
}
