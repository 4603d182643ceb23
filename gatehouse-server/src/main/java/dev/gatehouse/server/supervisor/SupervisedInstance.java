package dev.gatehouse.server.supervisor;

import dev.gatehouse.core.config.AppConfig;
import dev.gatehouse.core.config.HostPort;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of one version of an app, through all its processes: spawns it, notices when it
 * exits, restarts it after the backoff on the same port, stops it (SIGTERM, then SIGKILL after the
 * grace period). The states are those of {@link InstanceState}.
 *
 * <p>Threading: confined to the supervisor's thread. Process exits and timers come back to it
 * through the executor; an event about a process that is no longer the current one is stale and
 * ignored. At most one timer is pending at a time: the settle timer while starting, the restart
 * timer while restarting, the SIGKILL timer while stopping.
 */
final class SupervisedInstance {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisedInstance.class);

    /** How long a process must be up to count as running. */
    static final Duration SETTLE = Duration.ofSeconds(1);

    private final AppConfig app;
    private final String version;
    private final int number;
    private final int port;
    private final InstanceLog log;
    private final ProcessLauncher launcher;
    private final ScheduledExecutorService executor;
    private final Consumer<SupervisedInstance> changed;
    private final RestartBackoff backoff;
    private final CompletableFuture<AppInstance> stopped = new CompletableFuture<>();

    private InstanceState state = InstanceState.STARTING;
    private Process process;
    private long startedNanos;
    private int restarts;
    private ScheduledFuture<?> timer;
    /** The process's children when it was asked to stop: killed if they outlive it. */
    private List<ProcessHandle> family = List.of();
    /** Whether SIGKILL was sent during this stop. */
    private boolean killed;

    SupervisedInstance(AppConfig app, String version, int number, int port, InstanceLog log, ProcessLauncher launcher,
                       ScheduledExecutorService executor, Consumer<SupervisedInstance> changed) {
        this.app = app;
        this.version = version;
        this.number = number;
        this.port = port;
        this.log = log;
        this.launcher = launcher;
        this.executor = executor;
        this.changed = changed;
        this.backoff = new RestartBackoff(app.restart());
    }

    int port() {
        return port;
    }

    InstanceState state() {
        return state;
    }

    /** The instance as it is now. */
    AppInstance view() {
        return new AppInstance(app.name(), version, number, new HostPort("127.0.0.1", port),
                process == null ? -1 : process.pid(), state, restarts);
    }

    private String name() {
        return app.name() + " " + version + " #" + number;
    }

    /**
     * Spawns the first process.
     *
     * @throws IOException when it cannot be spawned; the instance is failed then
     */
    void start() throws IOException {
        spawn();
    }

    private void spawn() throws IOException {
        List<String> command = app.command().render(port, version, number);
        Process p;
        try {
            p = launcher.launch(app, version, number, port, log);
        } catch (IOException e) {
            String reason = "cannot run " + ProcessLauncher.show(command) + ": " + e.getMessage();
            log.line("failed: " + reason);
            LOG.warn("{} failed: {}; not retried", name(), reason);
            state = new InstanceState.Failed(reason);
            changed.accept(this);
            throw new IOException(name() + ": " + reason, e);
        }
        process = p;
        startedNanos = System.nanoTime();
        state = InstanceState.STARTING;
        String what = restarts == 0 ? "started" : "restarted (restart " + restarts + ")";
        log.line(what + " on port " + port + ", pid " + p.pid() + ": " + ProcessLauncher.show(command));
        LOG.info("{} {} on port {}, pid {}", name(), what, port, p.pid());
        p.onExit().thenRunAsync(() -> exited(p), executor);
        timer = executor.schedule(() -> settled(p), SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        changed.accept(this);
    }

    private void settled(Process p) {
        if (p == process && state instanceof InstanceState.Starting) {
            state = InstanceState.RUNNING;
            changed.accept(this);
        }
    }

    private void exited(Process p) {
        if (p != process) {
            return;
        }
        cancelTimer();
        process = null;
        int code = p.exitValue();
        Duration uptime = Duration.ofNanos(System.nanoTime() - startedNanos);
        if (state instanceof InstanceState.Stopping) {
            finishStop(code);
            return;
        }
        Duration wait = backoff.next(uptime);
        String how = ExitCodes.describe(code) + " after " + seconds(uptime);
        log.line("exited with " + how + "; restarting in " + seconds(wait));
        LOG.warn("{} on port {} exited with {}; restarting in {}", name(), port, how, seconds(wait));
        state = new InstanceState.Restarting(Instant.now().plus(wait), code);
        timer = executor.schedule(this::restart, wait.toMillis(), TimeUnit.MILLISECONDS);
        changed.accept(this);
    }

    private void restart() {
        if (!(state instanceof InstanceState.Restarting)) {
            return;
        }
        restarts++;
        try {
            spawn();
        } catch (IOException e) {
            // Failed and logged by spawn.
        }
    }

    /**
     * Stops the instance: SIGTERM to its process, SIGKILL to it and its children after
     * {@code stop_grace}; a pending restart is cancelled.
     *
     * @return completes with the instance as it is when stopped; at once when it already was
     */
    CompletableFuture<AppInstance> stop() {
        switch (state) {
            case InstanceState.Starting s -> terminate();
            case InstanceState.Running r -> terminate();
            case InstanceState.Restarting r -> finishStop(-1);
            case InstanceState.Failed f -> finishStop(-1);
            case InstanceState.Stopping s -> { }
            case InstanceState.Stopped s -> { }
        }
        return stopped;
    }

    private void terminate() {
        cancelTimer();
        Process p = process;
        family = p.descendants().toList();
        Duration grace = app.stopGrace();
        log.line("stopping: SIGTERM to pid " + p.pid() + "; SIGKILL after " + seconds(grace));
        state = new InstanceState.Stopping(Instant.now().plus(grace));
        p.destroy();
        timer = executor.schedule(() -> kill(p), grace.toMillis(), TimeUnit.MILLISECONDS);
        changed.accept(this);
    }

    private void kill(Process p) {
        if (p != process) {
            return;
        }
        // Parents before children (descendants() lists them breadth first), so that no parent sees
        // a child die and starts another one in its place before its own end.
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        family.stream().filter(h -> !all.contains(h)).forEach(all::add);
        log.line("still running after " + seconds(app.stopGrace()) + ": SIGKILL to pid " + p.pid()
                + (all.isEmpty() ? "" : " and " + all.size() + " child processes"));
        LOG.warn("{} did not stop within {} of SIGTERM: SIGKILL", name(), seconds(app.stopGrace()));
        p.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        family = List.copyOf(all);
        killed = true;
    }

    private void finishStop(int code) {
        cancelTimer();
        // Children left behind by a process that ignored them would hold on to ports and files.
        // Those SIGKILLed a moment ago may still be on their way out: that is not news.
        List<ProcessHandle> left = family.stream().filter(ProcessHandle::isAlive).toList();
        if (!left.isEmpty() && !killed) {
            log.line("SIGKILL to " + left.size() + " child processes left behind");
        }
        left.forEach(ProcessHandle::destroyForcibly);
        family = List.of();
        killed = false;
        state = new InstanceState.Stopped(code);
        log.line(code < 0 ? "stopped" : "stopped: " + ExitCodes.describe(code));
        LOG.info("{} on port {} stopped", name(), port);
        changed.accept(this);
        stopped.complete(view());
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms < 1000 ? ms + "ms" : String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
