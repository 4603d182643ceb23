package dev.gatehouse.server.supervisor;

import dev.gatehouse.core.config.AppConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the processes of a node's supervised apps ({@code apps} in the config): per app and version,
 * {@code instances} processes of the app's command, each on its own port, restarted when they exit
 * on their own, stopped gracefully on request and when the node stops. See
 * {@code docs/operations.md#supervised-apps}.
 *
 * <p>Nothing starts by itself: a deploy (or a test) calls {@link #start} with the version to run and
 * {@link #stop} with the version to retire. Readiness is not judged here; health checks do that.
 *
 * <p>Threading: every change runs on the supervisor's own thread ({@code gatehouse-supervisor}), so
 * no event loop ever waits for a process. {@link #start} waits for that thread (spawning takes
 * milliseconds); {@link #stop} returns a future at once; {@link #instances} reads an immutable view
 * swapped after each change. Listeners run on that thread, after the swap.
 */
public final class Supervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    /** The versions a backend may carry; they end up in file names, so nothing else. */
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** How much longer than the longest stop grace a node's shutdown waits for SIGKILLed processes. */
    private static final Duration KILL_MARGIN = Duration.ofSeconds(5);

    private final Map<String, AppConfig> apps;
    private final ScheduledExecutorService executor;
    private final ProcessLauncher launcher;
    private final PortAllocator ports;
    private final List<InstanceListener> listeners = new CopyOnWriteArrayList<>();
    /** App, then version in start order, then instances; on the supervisor's thread only. */
    private final Map<String, Map<String, List<SupervisedInstance>>> runs = new LinkedHashMap<>();
    private volatile Map<String, List<AppInstance>> views;
    private volatile boolean closed;
    private volatile Thread thread;

    private Supervisor(Map<String, AppConfig> apps, ProcessLauncher launcher, PortAllocator ports) {
        this.apps = Collections.unmodifiableMap(new LinkedHashMap<>(apps));
        this.launcher = launcher;
        this.ports = ports;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-supervisor");
            t.setDaemon(true);
            thread = t;
            return t;
        });
        Map<String, List<AppInstance>> empty = new LinkedHashMap<>();
        apps.keySet().forEach(name -> empty.put(name, List.of()));
        this.views = Collections.unmodifiableMap(empty);
    }

    /**
     * A supervisor of these apps; it runs nothing until {@link #start} is called.
     *
     * @param apps the config's {@code apps}, by name
     */
    public static Supervisor create(Map<String, AppConfig> apps) {
        return new Supervisor(Objects.requireNonNull(apps, "apps"), new ProcessLauncher(), new PortAllocator());
    }

    /** The names of the apps it can run. */
    public List<String> apps() {
        return List.copyOf(views.keySet());
    }

    /**
     * Starts the app's {@code instances} processes of a version, each on the lowest free port of
     * the app's range, with its output appended to {@code <logs>/<app>-<version>-<instance>.log}.
     * Returns once they are spawned, not once they answer: health checks tell that. Instances of
     * the app's versions that are stopped are forgotten now.
     *
     * <p>Must not be called from an {@link InstanceListener}.
     *
     * @param app     an app of the config
     * @param version the version label: letters, digits, {@code .}, {@code _} or {@code -}
     * @return the instances, starting
     * @throws IllegalArgumentException when the app is unknown or the version label is not valid
     * @throws IllegalStateException    when that version of the app is already running (stop it
     *                                  first), or the supervisor is closed
     * @throws IOException              when the range has too few free ports, the log directory cannot
     *                                  be created, or a process cannot be spawned; the instances
     *                                  already spawned are stopped then
     */
    public List<AppInstance> start(String app, String version) throws IOException {
        AppConfig config = apps.get(app);
        if (config == null) {
            throw new IllegalArgumentException("app: \"" + app + "\" (expected one of: " + String.join(", ", apps.keySet()) + ")");
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("version: " + (version == null ? "null" : "\"" + version + "\"")
                    + " (expected: 1-64 letters, digits, ., _ or -)");
        }
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("start called on the supervisor's thread (expected: another thread;"
                    + " an instance listener must hand the work over)");
        }
        try {
            return executor.submit(() -> startOnThread(config, version)).get();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                default -> throw new IllegalStateException(e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + app + " " + version, e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the supervisor is closed", e);
        }
    }

    private List<AppInstance> startOnThread(AppConfig config, String version) throws IOException {
        if (closed) {
            throw new IllegalStateException("the supervisor is closed");
        }
        String who = config.name() + " " + version;
        Map<String, List<SupervisedInstance>> versions = runs.computeIfAbsent(config.name(), k -> new LinkedHashMap<>());
        List<SupervisedInstance> running = versions.get(version);
        if (running != null && !allFinal(running)) {
            throw new IllegalStateException(who + ": already running (expected: a version that is not running; stop it first)");
        }
        versions.values().removeIf(Supervisor::allFinal);
        List<Integer> taken = ports.take(config.ports(), config.instances(), who);
        Path logs = Path.of(config.logs());
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            taken.forEach(ports::release);
            throw new IOException(who + ": cannot create the log directory " + logs.toAbsolutePath() + ": " + e, e);
        }
        List<SupervisedInstance> instances = new ArrayList<>();
        versions.put(version, instances);
        for (int i = 0; i < taken.size(); i++) {
            int number = i + 1;
            SupervisedInstance instance = new SupervisedInstance(config, version, number, taken.get(i),
                    new InstanceLog(logs, config.name(), version, number), launcher, executor, this::changed);
            instances.add(instance);
            try {
                instance.start();
            } catch (IOException e) {
                // All or nothing: what was spawned is stopped, the ports not yet used are given back.
                taken.subList(i + 1, taken.size()).forEach(ports::release);
                instances.subList(0, i).forEach(SupervisedInstance::stop);
                throw e;
            }
        }
        LOG.info("{}: started {} instances on ports {}", who, instances.size(), taken);
        return instances.stream().map(SupervisedInstance::view).toList();
    }

    private static boolean allFinal(List<SupervisedInstance> instances) {
        return instances.stream().allMatch(i -> i.state().isFinal());
    }

    /**
     * Stops every instance of a version: SIGTERM, then SIGKILL (to the process and its children)
     * for those still there after the app's {@code stop_grace}; pending restarts are cancelled.
     * Returns at once.
     *
     * @return completes with the instances, stopped, once every process has exited; at once (with
     *         an empty list) when the version is not running
     * @throws IllegalArgumentException when the app is unknown
     */
    public CompletableFuture<List<AppInstance>> stop(String app, String version) {
        if (!apps.containsKey(app)) {
            throw new IllegalArgumentException("app: \"" + app + "\" (expected one of: " + String.join(", ", apps.keySet()) + ")");
        }
        try {
            return CompletableFuture.supplyAsync(() -> stopOnThread(app, version), executor).thenCompose(f -> f);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.completedFuture(List.of()); // closed: everything was stopped then
        }
    }

    private CompletableFuture<List<AppInstance>> stopOnThread(String app, String version) {
        List<SupervisedInstance> instances = runs.getOrDefault(app, Map.of()).getOrDefault(version, List.of());
        if (!instances.isEmpty() && !allFinal(instances)) {
            LOG.info("{} {}: stopping {} instances", app, version, instances.size());
        }
        List<CompletableFuture<AppInstance>> stops = instances.stream().map(SupervisedInstance::stop).toList();
        return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
                .thenApply(done -> stops.stream().map(CompletableFuture::join).toList());
    }

    /**
     * The app's instances, of every version it runs or last stopped, in start order, as they are now.
     *
     * @throws IllegalArgumentException when the app is unknown
     */
    public List<AppInstance> instances(String app) {
        List<AppInstance> list = views.get(app);
        if (list == null) {
            throw new IllegalArgumentException("app: \"" + app + "\" (expected one of: " + String.join(", ", apps.keySet()) + ")");
        }
        return list;
    }

    /** Adds a listener told about every state change of every instance from now on. */
    public void addListener(InstanceListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener. */
    public void removeListener(InstanceListener listener) {
        listeners.remove(listener);
    }

    /** On the supervisor's thread: one instance changed; swap the view, then tell the listeners. */
    private void changed(SupervisedInstance instance) {
        if (instance.state().isFinal()) {
            ports.release(instance.port());
        }
        AppInstance view = instance.view();
        Map<String, List<AppInstance>> next = new LinkedHashMap<>(views);
        List<AppInstance> list = new ArrayList<>();
        runs.getOrDefault(view.app(), Map.of()).values().forEach(v -> v.forEach(i -> list.add(i.view())));
        next.put(view.app(), List.copyOf(list));
        views = Collections.unmodifiableMap(next);
        for (InstanceListener l : listeners) {
            try {
                l.changed(view);
            } catch (RuntimeException e) {
                LOG.warn("instance listener {} failed on {}: {}", l, view.name(), e.toString(), e);
            }
        }
    }

    /**
     * Stops every supervised process, as {@link #stop} does (graceful, then forced after each app's
     * {@code stop_grace}), and waits for them, for at most the longest grace plus 5 s. The node does
     * this when it stops. Idempotent; afterwards {@link #start} refuses.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Duration wait = apps.values().stream().map(AppConfig::stopGrace).max(Duration::compareTo).orElse(Duration.ZERO)
                .plus(KILL_MARGIN);
        try {
            CompletableFuture<Void> all = CompletableFuture.supplyAsync(() -> {
                List<CompletableFuture<List<AppInstance>>> stops = new ArrayList<>();
                runs.forEach((app, versions) -> versions.keySet().forEach(v -> stops.add(stopOnThread(app, v))));
                return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
            }, executor).thenCompose(f -> f);
            all.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("supervised processes still there {} ms after the stop began: leaving them", wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("stopping the supervised processes failed: {}", e.getCause().toString(), e.getCause());
        }
        executor.shutdownNow();
    }
}
