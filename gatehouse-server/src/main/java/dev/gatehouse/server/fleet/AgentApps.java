package dev.gatehouse.server.fleet;

import dev.gatehouse.core.config.AppConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.fleet.AgentPlan;
import dev.gatehouse.core.fleet.NodeReport;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.server.control.ControlPlane;
import dev.gatehouse.server.supervisor.AppInstance;
import dev.gatehouse.server.supervisor.InstanceState;
import dev.gatehouse.server.supervisor.Supervisor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's apps: runs the versions of each supervised app that the fleet's state asks for and
 * keeps the pool of the app's name listing exactly this machine's instances that serve, as
 * {@code <advertise>:<port>}; what to do is {@link AgentPlan}'s decision, carried out here.
 *
 * <p>Threading: everything runs on one thread of its own ({@code gatehouse-agent}): a look at each
 * app every {@link #PERIOD_MILLIS} ms and after every state the node puts in force. Registrations
 * are compare-and-swap changes of the fleet's state, computed again on the state that wins a race,
 * so they never undo another node's change.
 */
public final class AgentApps implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentApps.class);
    /** How often the agent looks even when no state arrives: an instance that came up, a failed start. */
    static final long PERIOD_MILLIS = 200;
    /** How long after a failed start the agent tries that version again. */
    private static final long RETRY_NANOS = 5_000_000_000L;
    /** How long a probe of an instance's port may take. */
    private static final int PROBE_MILLIS = 200;

    private final Supervisor supervisor;
    private final ControlPlane control;
    private final SnapshotHolder snapshots;
    private final String advertise;
    private final Map<String, AppConfig> apps;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-agent");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    /** When a start of (app, version) last failed; on the agent's thread only. */
    private final Map<String, Long> failedStarts = new HashMap<>();
    /** Per app, per version: instances registered now, for the heartbeat. */
    private volatile Map<String, NodeReport.AppRun> report = Map.of();

    /**
     * @param supervisor runs the apps' processes
     * @param control    where registrations are made (the fleet's state)
     * @param snapshots  the state in force
     * @param advertise  the host the balancer nodes reach this machine's instances at
     */
    public AgentApps(Supervisor supervisor, ControlPlane control, SnapshotHolder snapshots, String advertise) {
        this.supervisor = Objects.requireNonNull(supervisor, "supervisor");
        this.control = Objects.requireNonNull(control, "control");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.advertise = Objects.requireNonNull(advertise, "advertise");
        this.apps = control.config().apps();
    }

    /** Starts looking: at once, then periodically and at every state put in force. */
    public void start() {
        control.onPublish(s -> wake());
        thread.scheduleWithFixedDelay(this::lookQuietly, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** What the agent reports in its heartbeat: per app, its instances and how many of each version serve. */
    public Map<String, NodeReport.AppRun> report() {
        return report;
    }

    private void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    wakeQueued.set(false);
                    lookQuietly();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                wakeQueued.set(false); // closed
            }
        }
    }

    private void lookQuietly() {
        try {
            look();
        } catch (RuntimeException | IOException e) {
            LOG.warn("agent: {}", e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** One look at every app; on the agent's thread. */
    void look() throws IOException {
        Map<String, NodeReport.AppRun> next = new LinkedHashMap<>();
        for (AppConfig app : apps.values()) {
            if (snapshots.current().pool(app.name()) == null) {
                continue;
            }
            RuntimeState state = snapshots.current().runtime();
            Local local = local(app, mine(entries(state, app.name()), app));
            AgentPlan plan = plan(app, state, local);
            // A version already stopping is not stopped again.
            carry(app, plan.stop().stream().filter(v -> !local.stopping().contains(v)).toList(), plan, local);
            Map<String, Integer> counts = new LinkedHashMap<>();
            mine(entries(snapshots.current().runtime(), app.name()), app).values().forEach(v -> counts.merge(v, 1, Integer::sum));
            next.put(app.name(), new NodeReport.AppRun(app.instances(), counts));
        }
        report = Map.copyOf(next);
    }

    /** What runs of an app here: per version, its instances' advertised addresses; those stopping; those accepting. */
    private record Local(Map<String, Set<HostPort>> running, Set<String> stopping, Set<HostPort> accepting) {
    }

    private Local local(AppConfig app, Map<HostPort, String> registered) {
        Map<String, Set<HostPort>> running = new LinkedHashMap<>();
        Set<String> stopping = new LinkedHashSet<>();
        Set<HostPort> accepting = new LinkedHashSet<>();
        for (AppInstance i : supervisor.instances(app.name())) {
            if (i.state().isFinal()) {
                continue;
            }
            HostPort a = new HostPort(advertise, i.address().port());
            running.computeIfAbsent(i.version(), v -> new LinkedHashSet<>()).add(a);
            if (i.state() instanceof InstanceState.Stopping) {
                stopping.add(i.version());
            } else if (!i.version().equals(registered.get(a)) && accepts(a)) {
                accepting.add(a);
            }
        }
        return new Local(running, stopping, accepting);
    }

    private AgentPlan plan(AppConfig app, RuntimeState state, Local local) {
        String pool = app.name();
        var versions = state.versions(pool);
        return AgentPlan.decide(versions == null ? null : versions.live(), state.deploy(pool), local.running(), local.accepting(),
                mine(entries(state, pool), app));
    }

    private void carry(AppConfig app, List<String> stop, AgentPlan plan, Local local) throws IOException {
        String pool = app.name();
        for (String version : plan.start()) {
            Long failed = failedStarts.get(pool + " " + version);
            if (failed != null && System.nanoTime() - failed < RETRY_NANOS) {
                continue;
            }
            try {
                List<AppInstance> started = supervisor.start(pool, version);
                failedStarts.remove(pool + " " + version);
                LOG.info("agent: {} {} started on ports {}", pool, version, started.stream().map(i -> i.address().port()).toList());
            } catch (IOException | IllegalArgumentException | IllegalStateException e) {
                failedStarts.put(pool + " " + version, System.nanoTime());
                LOG.warn("agent: {} {} could not start (tried again in {} s): {}", pool, version, RETRY_NANOS / 1_000_000_000L,
                        e.getMessage());
            }
        }
        if (!plan.register().isEmpty() || !plan.unregister().isEmpty()) {
            // Decided again on the state that wins a race: a deploy that ended meanwhile, say,
            // must not get its version registered back.
            control.changeRetrying("agent", "agent " + advertise + ": register " + plan.register() + ", unregister "
                    + plan.unregister() + " in pool " + pool, s -> apply(s, pool, plan(app, s, local)));
        }
        for (String version : stop) {
            LOG.info("agent: stopping {} {}: no longer live nor deployed, and none of its instances registered", pool, version);
            supervisor.stop(pool, version);
        }
    }

    /** The registrations of {@code plan}, on the state {@code s} it was decided on. */
    private RuntimeState apply(RuntimeState s, String pool, AgentPlan plan) {
        var config = control.config();
        RuntimeState next = s;
        Map<HostPort, String> now = entries(s, pool);
        for (HostPort a : plan.unregister()) {
            if (now.containsKey(a)) {
                next = RuntimeChanges.remove(next, config, pool, a);
            }
        }
        for (Map.Entry<HostPort, String> e : plan.register().entrySet()) {
            String there = now.get(e.getKey());
            if (e.getValue().equals(there)) {
                continue;
            }
            if (there != null) {
                next = RuntimeChanges.remove(next, config, pool, e.getKey());
            }
            next = RuntimeChanges.add(next, config, pool, e.getKey(), 1, e.getValue());
        }
        return next;
    }

    /** The pool's backends in a state (address to version), as {@link RuntimeChanges#effective} lists them. */
    private Map<HostPort, String> entries(RuntimeState s, String pool) {
        Map<HostPort, String> out = new LinkedHashMap<>();
        var declared = control.config().pools().get(pool);
        if (declared != null) {
            RuntimeChanges.effective(declared, s.pool(pool)).forEach(b -> out.put(b.config().address(), b.config().version()));
        }
        return out;
    }

    /** This agent's entries among a pool's: on its advertised host, in its app's port range. */
    private Map<HostPort, String> mine(Map<HostPort, String> entries, AppConfig app) {
        Map<HostPort, String> out = new LinkedHashMap<>();
        entries.forEach((a, v) -> {
            if (a.host().equalsIgnoreCase(advertise) && app.ports().contains(a.port())) {
                out.put(a, v);
            }
        });
        return out;
    }

    private static boolean accepts(HostPort a) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a.host(), a.port()), PROBE_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops looking, then takes this agent's instances out of their pools, so that the balancers
     * stop sending them requests before the node's supervisor stops the processes. Blocks for at
     * most a few store round trips.
     */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (AppConfig app : apps.values()) {
            Map<HostPort, String> mine = mine(entries(snapshots.current().runtime(), app.name()), app);
            if (mine.isEmpty()) {
                continue;
            }
            try {
                control.changeRetrying("agent", "agent " + advertise + " stopping: unregister " + mine.keySet() + " from pool "
                        + app.name(), s -> apply(s, app.name(), new AgentPlan(List.of(), List.of(), Map.of(),
                                List.copyOf(mine(entries(s, app.name()), app).keySet()))));
            } catch (IOException | RuntimeException e) {
                LOG.warn("agent: its instances of {} stay registered ({}); the balancers' health checks take them out",
                        app.name(), e.getMessage());
            }
        }
    }
}
