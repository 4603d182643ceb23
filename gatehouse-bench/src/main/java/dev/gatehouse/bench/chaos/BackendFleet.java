package dev.gatehouse.bench.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The backend processes of the chaos scenario: one {@code StubBackendMain --log-requests} JVM per
 * backend, each on a port fixed up front so that a restarted backend comes back where the node
 * expects it. Other scenarios (the soak) run other mains through
 * {@link #BackendFleet(List, List, IntFunction, Path, Path)}: any main that prints
 * {@code listening on} once it accepts connections.
 *
 * <p>An {@link Instance} is one process lifetime of a backend (backend 2's third process is
 * {@code b2.3}); its standard output and error go to a file of its own,
 * {@code backends/b2.3.log}, which is where its request events are read from afterwards. Every
 * pid is appended to a pid file as the process starts, so that the script's cleanup can stop a
 * process this JVM could not (when it is killed itself).
 *
 * <p>Design notes. All state is guarded by {@code this}. A kill is {@link Process#destroyForcibly()}
 * (SIGKILL on Linux: no shutdown hook, no flush, the kernel closes the sockets), followed by a
 * wait for the process to be gone, so that the kill's time is known to lie between the two
 * recorded instants. Readiness is the {@code listening on} line in the instance's log, polled by
 * {@link #pollReady()}.
 */
public final class BackendFleet implements AutoCloseable {

    /** How an instance ended: killed ({@link #kill(int)}: SIGKILL), terminated ({@link #terminate(int)}: SIGTERM). */
    enum End { RUNNING, KILLED, TERMINATED, STOPPED, EXITED }

    /** One process lifetime of one backend. Fields are guarded by the fleet. */
    public static final class Instance {
        final String id;
        final int backend;
        final int port;
        final Path log;
        final Process process;
        final long startedMicros;
        long readyMicros = -1;
        long killMicros = -1;
        long endedMicros = -1;
        End end = End.RUNNING;
        int exitCode = Integer.MIN_VALUE;

        Instance(String id, int backend, int port, Path log, Process process, long startedMicros) {
            this.id = id;
            this.backend = backend;
            this.port = port;
            this.log = log;
            this.process = process;
            this.startedMicros = startedMicros;
        }

        /** The instance's name, {@code b2.3} for backend 2's third process. */
        public String id() {
            return id;
        }

        /** The backend's index in the fleet. */
        public int backend() {
            return backend;
        }
    }

    private final List<Integer> ports;
    private final List<String> javaCommand;
    private final IntFunction<List<String>> mainAndArgs;
    private final Path logDir;
    private final Path pidFile;
    private final List<Instance> all = new ArrayList<>();
    private final Instance[] current;
    private final int[] lives;
    private boolean closing;

    /**
     * A fleet of {@code StubBackendMain --log-requests} backends named {@code b0}, {@code b1}, ...
     *
     * @param ports       one port per backend, on 127.0.0.1
     * @param javaCommand the java binary and its options up to (not including) the main class
     * @param logDir      where the instances' logs go
     * @param pidFile     where every started pid is appended ({@code pid port instance})
     */
    BackendFleet(List<Integer> ports, List<String> javaCommand, Path logDir, Path pidFile) {
        this(ports, javaCommand, b -> List.of("dev.gatehouse.testing.StubBackendMain", "--port",
                Integer.toString(ports.get(b)), "--name", "b" + b, "--log-requests"), logDir, pidFile);
    }

    /**
     * A fleet of backends of any kind.
     *
     * @param ports       one port per backend, on 127.0.0.1
     * @param javaCommand the java binary and its options up to (not including) the main class
     * @param mainAndArgs backend index to the main class and its arguments (its port among them);
     *                    the main prints {@code listening on} once it accepts connections
     * @param logDir      where the instances' logs go
     * @param pidFile     where every started pid is appended ({@code pid port instance})
     */
    public BackendFleet(List<Integer> ports, List<String> javaCommand, IntFunction<List<String>> mainAndArgs,
                        Path logDir, Path pidFile) {
        this.ports = List.copyOf(ports);
        this.javaCommand = List.copyOf(javaCommand);
        this.mainAndArgs = mainAndArgs;
        this.logDir = logDir;
        this.pidFile = pidFile;
        this.current = new Instance[ports.size()];
        this.lives = new int[ports.size()];
    }

    /** How many backends. */
    public int size() {
        return ports.size();
    }

    /** Starts a new process for {@code backend}, which must not have a live one. */
    public synchronized Instance start(int backend) {
        if (closing) {
            throw new IllegalStateException("fleet is closing");
        }
        Instance previous = current[backend];
        if (previous != null && previous.end == End.RUNNING) {
            throw new IllegalStateException("backend " + backend + " is running as " + previous.id);
        }
        String id = "b" + backend + "." + (++lives[backend]);
        Path log = logDir.resolve(id + ".log");
        List<String> cmd = new ArrayList<>(javaCommand);
        cmd.addAll(mainAndArgs.apply(backend));
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            Files.writeString(pidFile, p.pid() + " " + ports.get(backend) + " " + id + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("starting backend " + id, e);
        }
        Instance in = new Instance(id, backend, ports.get(backend), log, p, WallClock.micros());
        all.add(in);
        current[backend] = in;
        p.onExit().thenRun(() -> exited(in));
        return in;
    }

    private synchronized void exited(Instance in) {
        if (in.end == End.RUNNING) {
            in.end = End.EXITED;
            in.endedMicros = WallClock.micros();
        }
        in.exitCode = in.process.exitValue();
    }

    /** Marks instances whose log says {@code listening on} as ready; cheap enough to call every few ms. */
    public synchronized void pollReady() {
        for (Instance in : all) {
            if (in.readyMicros < 0 && in.end == End.RUNNING && logSaysListening(in.log)) {
                in.readyMicros = WallClock.micros();
            }
        }
    }

    private static boolean logSaysListening(Path log) {
        try {
            if (Files.size(log) == 0) {
                return false;
            }
            // The line comes first unless a request raced it; the head of the file is enough.
            try (var in = Files.newInputStream(log)) {
                String head = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                return head.startsWith("listening on ") || head.contains("\nlistening on ");
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code backend}'s current process is up: ready and neither killed nor exited. */
    public synchronized boolean isUp(int backend) {
        Instance in = current[backend];
        return in != null && in.end == End.RUNNING && in.readyMicros >= 0 && in.process.isAlive();
    }

    /** Whether {@code backend} has no process at all (killed or exited, not restarted yet). */
    public synchronized boolean isDown(int backend) {
        Instance in = current[backend];
        return in == null || in.end != End.RUNNING;
    }

    public synchronized int upCount() {
        int n = 0;
        for (int b = 0; b < current.length; b++) {
            if (isUp(b)) {
                n++;
            }
        }
        return n;
    }

    public synchronized Instance current(int backend) {
        return current[backend];
    }

    /**
     * SIGKILLs {@code backend}'s current process and waits until it is gone.
     *
     * @return the killed instance
     */
    public Instance kill(int backend) throws InterruptedException {
        return end(backend, false);
    }

    /**
     * SIGTERMs {@code backend}'s current process (its shutdown hook closes its sockets) and waits
     * until it is gone; SIGKILLs it when it is still there after 10 s.
     *
     * @return the terminated instance
     */
    public Instance terminate(int backend) throws InterruptedException {
        return end(backend, true);
    }

    private Instance end(int backend, boolean graceful) throws InterruptedException {
        Instance in;
        synchronized (this) {
            in = current[backend];
            if (in == null || in.end != End.RUNNING) {
                throw new IllegalStateException("backend " + backend + " is not running");
            }
            in.end = graceful ? End.TERMINATED : End.KILLED;
            in.killMicros = WallClock.micros();
            if (graceful) {
                in.process.destroy();
            } else {
                in.process.destroyForcibly();
            }
        }
        boolean gone = in.process.waitFor(10, TimeUnit.SECONDS);
        if (!gone && graceful) {
            in.process.destroyForcibly();
            gone = in.process.waitFor(10, TimeUnit.SECONDS);
        }
        synchronized (this) {
            in.endedMicros = WallClock.micros();
            if (!gone) {
                throw new IllegalStateException(in.id + " (pid " + in.process.pid() + ") still alive 10 s after SIGKILL");
            }
        }
        return in;
    }

    /** Waits until every backend's current process is ready; false when one is not within the timeout. */
    public boolean awaitAllReady(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            pollReady();
            boolean all = true;
            for (int b = 0; b < size(); b++) {
                all &= isUp(b);
            }
            if (all) {
                return true;
            }
            // A benchmark harness polling a process it started; not the node.
            Thread.sleep(20);
        }
        return false;
    }

    /** A copy of every instance so far, in start order. */
    public synchronized List<Instance> instances() {
        return List.copyOf(all);
    }

    /**
     * Stops every running process: SIGTERM (the stub closes its sockets in a shutdown hook), up to
     * 10 s, then SIGKILL. Instances stopped here end {@link End#STOPPED}, not killed.
     */
    @Override
    public void close() {
        List<Instance> running = new ArrayList<>();
        synchronized (this) {
            closing = true;
            for (Instance in : all) {
                if (in.end == End.RUNNING) {
                    in.end = End.STOPPED;
                    running.add(in);
                    in.process.destroy();
                }
            }
        }
        for (Instance in : running) {
            try {
                if (!in.process.waitFor(10, TimeUnit.SECONDS)) {
                    in.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                in.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                in.endedMicros = WallClock.micros();
            }
        }
    }

    /** For a shutdown hook: SIGKILL whatever is still alive, without waiting. */
    public void killAllNow() {
        List<Instance> copy;
        synchronized (this) {
            closing = true;
            copy = List.copyOf(all);
        }
        for (Instance in : copy) {
            in.process.destroyForcibly();
        }
    }
}
