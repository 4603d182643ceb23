package dev.gatehouse.server.deploy;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.SnapshotHolder;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's deploys: at most one at a time per pool, each run by the {@link Deployer} on a thread of
 * its own ({@code gatehouse-deploy-<pool>}), never on an event loop nor on the admin API's control
 * thread, whose changes it makes in turn. A rollback of a pool takes the same place for its
 * duration, so a deploy and a rollback never run in one pool at once.
 *
 * <p>Threading: {@link #status} is read on the admin event loop and never locks; each deploy thread
 * replaces its pool's {@link DeployStatus} whole at every phase. Starting, ending and
 * {@link #exclusively} take this object's lock briefly; the final status and the release of the
 * pool happen under it together, so a client that sees a deploy ended may start the next at once.
 *
 * <p>Stopping: the threads are daemons, so they never keep the JVM alive; {@link #stop} interrupts
 * them and the {@link Deployer} stops where it stands (durable deploys, which finish or roll back
 * across a restart, come later).
 */
public final class Deploys {

    private static final Logger LOG = LoggerFactory.getLogger(Deploys.class);

    private final Deployer deployer;
    private final SnapshotHolder snapshots;
    private final Clock wallClock;
    private final Map<String, DeployStatus> latest = new ConcurrentHashMap<>();
    /** How many ended deploys {@link #recent} keeps. */
    static final int HISTORY = 10;
    /** The last ended deploys of every pool, newest first; guarded by this. */
    private final ArrayDeque<DeployStatus> history = new ArrayDeque<>();
    /** What occupies each busy pool, in words ("a deploy of v42", "a rollback"); guarded by this. */
    private final Map<String, String> busy = new HashMap<>();
    /** The running deploy threads by pool; guarded by this. */
    private final Map<String, Thread> threads = new HashMap<>();
    private boolean stopped;
    /** What holds every pool (a node restart), or null; guarded by this. */
    private String heldFor;

    /**
     * @param deployer  runs each deploy
     * @param snapshots the pools, for the epoch a deploy starts at
     * @param wallClock when deploys start and end, for their status
     */
    public Deploys(Deployer deployer, SnapshotHolder snapshots, Clock wallClock) {
        this.deployer = Objects.requireNonNull(deployer, "deployer");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    }

    /** The pool is taken by a deploy or a rollback already (the admin API's 409). */
    public static final class Busy extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Busy(String message) {
            super(message, null, false, false);
        }
    }

    /** Work done while a pool is taken, see {@link #exclusively}. */
    @FunctionalInterface
    public interface PoolWork<T> {
        /** Does the work. */
        T run() throws IOException;
    }

    /**
     * Starts a deploy on a thread of its own and returns at once.
     *
     * @param who      for the audit log
     * @param plan     the plan; {@code plan.newBackends()} equals {@code backends.size()}
     * @param backends the new version's backends
     * @return its first status (gating)
     * @throws Busy                      when a deploy or a rollback runs in the pool
     * @throws RejectedExecutionException when the node is stopping
     */
    public DeployStatus start(String who, DeployPlan plan, List<HostPort> backends) {
        String pool = plan.pool();
        PoolSnapshot p = snapshots.current().pool(pool);
        long epoch = p == null ? 0 : p.epoch();
        DeployStatus first = DeployStatus.first(plan, new DeployPhase.Gating(0, plan.quorum()), epoch, wallClock.instant());
        synchronized (this) {
            if (stopped) {
                throw new RejectedExecutionException("the node is stopping");
            }
            refuseIfBusy(pool);
            Thread t = Thread.ofPlatform().name("gatehouse-deploy-" + pool).daemon().unstarted(
                    () -> run(who, first, List.copyOf(backends)));
            busy.put(pool, "a deploy of " + plan.toVersion());
            threads.put(pool, t);
            latest.put(pool, first);
            t.start();
        }
        LOG.info("deploy of {} to pool {} started by {}: {} cutover, {} backends, quorum {}", plan.toVersion(), pool, who,
                plan.mode().apiName(), plan.newBackends(), plan.quorum());
        return first;
    }

    /** Whether a deploy without backends can start the pool's instances (an app of the same name). */
    public boolean supervises(String pool) {
        return deployer.supervises(pool);
    }

    /** How many instances a deploy without backends starts: see {@link Deployer#supervisedSize}. */
    public int supervisedSize(String pool) {
        return deployer.supervisedSize(pool);
    }

    /** The running or last deploy of a pool since the node started, or null. */
    public DeployStatus status(String pool) {
        return latest.get(pool);
    }

    /** The deploys running now, one per busy pool, in no particular order. */
    public List<DeployStatus> running() {
        return latest.values().stream().filter(DeployStatus::running).toList();
    }

    /** The last {@value #HISTORY} ended deploys of every pool since the node started, newest first. */
    public synchronized List<DeployStatus> recent() {
        return List.copyOf(history);
    }

    /**
     * Does {@code work} on the calling thread while the pool is taken, so that no deploy starts or
     * runs in it meanwhile (a rollback, for instance).
     *
     * @param what the work in words, for the 409 a deploy gets meanwhile ("a rollback")
     * @throws Busy                      when a deploy or other such work runs in the pool
     * @throws RejectedExecutionException when the node is stopping
     */
    public <T> T exclusively(String pool, String what, PoolWork<T> work) throws IOException {
        synchronized (this) {
            if (stopped) {
                throw new RejectedExecutionException("the node is stopping");
            }
            refuseIfBusy(pool);
            busy.put(pool, what);
        }
        try {
            return work.run();
        } finally {
            synchronized (this) {
                busy.remove(pool);
            }
        }
    }

    /**
     * Checks that nothing runs in the pool now, for an early answer; {@link #start} and
     * {@link #exclusively} check again as they take it.
     *
     * @throws Busy when a deploy or a rollback runs in the pool
     */
    public synchronized void checkFree(String pool) {
        refuseIfBusy(pool);
        String elsewhere = deployer.runningElsewhere(pool);
        if (elsewhere != null) {
            throw new Busy(elsewhere);
        }
    }

    /**
     * Holds every pool: no deploy or rollback starts until {@link #releaseAll()}.
     *
     * @param what what holds them, in words ("a node restart"), for those refused
     * @return what runs and so prevents the hold (then nothing is held), or null when held
     */
    public synchronized String holdAll(String what) {
        if (!busy.isEmpty()) {
            var running = busy.entrySet().iterator().next();
            return running.getValue() + " is running in pool " + running.getKey() + " (expected: no deploy or rollback"
                    + " running; wait for it to end, or abort it)";
        }
        heldFor = what;
        return null;
    }

    /** Lifts {@link #holdAll}. */
    public synchronized void releaseAll() {
        heldFor = null;
    }

    private void refuseIfBusy(String pool) {
        if (heldFor != null) {
            throw new Busy(heldFor + " is under way; no deploy or rollback starts until it ends");
        }
        String running = busy.get(pool);
        if (running != null) {
            throw new Busy(running + " is running in pool " + pool
                    + " (expected: one at a time; GET /api/v1/pools/" + pool + "/deploy shows a deploy's progress)");
        }
    }

    private void run(String who, DeployStatus first, List<HostPort> backends) {
        DeployPlan plan = first.plan();
        String pool = plan.pool();
        DeployStatus[] now = {first};
        DeployPhase end;
        try {
            // The end is published below, with the pool released: not before the deployer has
            // undone what an abort undoes.
            java.util.function.Consumer<DeployPhase> progress = phase -> {
                if (!phase.ended()) {
                    now[0] = now[0].next(phase, wallClock.instant());
                    latest.put(pool, now[0]);
                }
            };
            end = backends.isEmpty() ? deployer.runSupervised(who, plan, progress) : deployer.run(who, plan, backends, progress);
        } catch (IOException e) {
            end = failed(plan, now[0], "the state could not be saved: "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("deploy of {} to pool {} failed: {}", plan.toVersion(), pool, e.toString(), e);
            end = failed(plan, now[0], e.getMessage() == null ? e.toString() : e.getMessage());
        }
        synchronized (this) {
            DeployStatus last = now[0].ended(end, wallClock.instant());
            latest.put(pool, last);
            history.addFirst(last);
            while (history.size() > HISTORY) {
                history.removeLast();
            }
            busy.remove(pool);
            threads.remove(pool);
        }
        LOG.info("deploy of {} to pool {} ended: {}", plan.toVersion(), pool, end);
    }

    private static DeployPhase failed(DeployPlan plan, DeployStatus at, String why) {
        String prefix = Thread.currentThread().isInterrupted() ? "interrupted (the node is stopping): " : "";
        return new DeployPhase.Aborted(prefix + why + (at.switched() ? "; " + plan.toVersion() + " is live, "
                + plan.fromVersion() + " not retired" : ""), !at.switched());
    }

    /**
     * Starts no more deploys, interrupts the running ones and waits up to {@code timeout} for them to
     * stop where they stand. Idempotent.
     */
    public void stop(Duration timeout) {
        List<Thread> running;
        synchronized (this) {
            stopped = true;
            running = new ArrayList<>(threads.values());
        }
        running.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : running) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    t.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                LOG.warn("deploy thread {} did not stop within {} ms; it is a daemon and ends with the process",
                        t.getName(), timeout.toMillis());
            }
        }
    }
}
