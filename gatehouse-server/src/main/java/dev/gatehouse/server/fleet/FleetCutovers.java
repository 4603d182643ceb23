package dev.gatehouse.server.fleet;

import dev.gatehouse.core.fleet.Fence;
import dev.gatehouse.core.fleet.FenceCoordinator;
import dev.gatehouse.core.fleet.FenceStore;
import dev.gatehouse.core.fleet.FleetReadiness;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.core.state.CutoverRecord;
import dev.gatehouse.core.state.DeployRecord;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.PoolVersions;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.core.tunnel.OldVersions;
import dev.gatehouse.core.tunnel.TunnelCounts;
import dev.gatehouse.server.control.ControlPlane;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet node's fleet-wide strict cutovers, both sides of them.
 *
 * <p>As a participant (every node, the coordinator too): whenever a state with a fencing cutover
 * is put in force, whoever wrote it, the pool holds its new requests before the state counts as
 * in force; a thread of its own then ticks the pool's {@link Fence} every 2 ms: it acknowledges
 * once no old-version request is in flight, answers held requests 503 while the node is stale, and
 * ends a cutover whose coordinator went silent. When a state ends the cutover, the held requests
 * go to the version live in it: the new one (released) or the old one (aborted).
 *
 * <p>As the coordinator (the node a strict deploy runs on): {@link #commit} writes the fence,
 * {@link #decide} reads the acknowledgements for the {@link FenceCoordinator}, and {@link #release}
 * or {@link #abort} end it, each one compare-and-swap change that first checks the cutover is still
 * the one it committed and still fencing, so that at most one ending ever commits.
 */
public final class FleetCutovers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetCutovers.class);
    private static final long TICK_MILLIS = 2;

    private final ControlPlane control;
    private final SnapshotHolder snapshots;
    private final FenceStore store;
    private final Clock clock;
    private final TunnelCounts tunnels;
    private final java.util.function.Supplier<dev.gatehouse.core.fleet.FleetView> members;
    /** The fence held per pool now; written on the publishing thread, read by the ticker. */
    private final Map<String, Fence> fences = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-fleet-fence");
        t.setDaemon(true);
        return t;
    });
    /** This node's side of the prepare step: its readiness for other nodes' deploys. */
    private final ReadinessReports readiness;

    /**
     * Starts following the cutovers of the state in force and of every state published from now on.
     *
     * @param tunnels counts open tunnels, which a fence does not wait for
     * @param members  the fleet's members as last read (their heartbeats)
     */
    public FleetCutovers(ControlPlane control, SnapshotHolder snapshots, FenceStore store, Clock clock, TunnelCounts tunnels,
                         java.util.function.Supplier<dev.gatehouse.core.fleet.FleetView> members) {
        this.members = Objects.requireNonNull(members, "members");
        this.control = Objects.requireNonNull(control, "control");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tunnels = Objects.requireNonNull(tunnels, "tunnels");
        synchronized (control) {
            control.onPublish(this::published);
            published(snapshots.current());
        }
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        this.readiness = new ReadinessReports(snapshots, store, clock);
    }

    /**
     * The prepare step, the coordinator's side: how many of the new backends of {@code version} are
     * ready on every live member, this node's own count being {@code local}, as {@code gate} (one
     * per deploy) counts them.
     */
    public int healthyEverywhere(FleetReadiness gate, String pool, String version, int local) throws IOException {
        return gate.healthyEverywhere(clock.nanoTime(), store.node(), local, store.read(pool, "").heartbeats(),
                store.ready(pool, version));
    }

    /** A readiness gate for one deploy ({@link FleetReadiness}). */
    public FleetReadiness readinessGate() {
        return new FleetReadiness(store.staleAfter());
    }

    /** This node's name in the fleet. */
    public String node() {
        return store.node();
    }

    /** The fleet's members as last read (balancers and agents). */
    public dev.gatehouse.core.fleet.FleetView members() {
        return members.get();
    }

    /**
     * Why a deploy of {@code pool} may not start in the fleet now, or null when it may: another
     * node runs one (its record says running, and that node is a member). A running record of a
     * node that left, or of this node before a restart, no longer holds the pool.
     */
    public String deployRunningElsewhere(RuntimeState state, String pool) {
        DeployRecord d = state.deploy(pool);
        if (d == null || d.status() != DeployRecord.Status.RUNNING || d.node().isEmpty() || d.node().equals(store.node())) {
            return null;
        }
        boolean member = members.get().nodes().stream().anyMatch(m -> m.report().name().equals(d.node()));
        return member ? "a deploy of " + d.to() + " is running in pool " + pool + " through node " + d.node()
                + " (expected: one deploy per pool across the fleet; GET /api/v1/pools/" + pool + "/deploy on " + d.node()
                + " shows its progress)" : null;
    }

    /**
     * Called with every published snapshot, on the publishing thread, before the state counts as in
     * force. A node may skip states (a catch-up, a lost race): a hold whose cutover is no longer
     * fencing in the state in force ends here whatever ended it, and the held requests go to the
     * version live in it.
     */
    private void published(Snapshot snapshot) {
        for (Map.Entry<String, Fence> e : fences.entrySet()) {
            String pool = e.getKey();
            CutoverRecord held = e.getValue().record();
            CutoverRecord now = snapshot.runtime().cutover(pool);
            if (now != null && now.fencing() && now.id().equals(held.id())) {
                continue;
            }
            fences.remove(pool);
            PoolSnapshot p = snapshot.pool(pool);
            if (p == null) {
                continue;
            }
            int released = p.admission().release(p.available(), p.balancer());
            PoolVersions live = p.versions();
            String how = now != null && now.id().equals(held.id()) ? now.phase().apiName()
                    + (now.detail().isEmpty() ? "" : " (" + now.detail() + ")") : "ended (the state in force no longer holds it)";
            LOG.info("fleet cutover {} of pool {}: {}; {} held requests went to {} (epoch {})", held.id(), pool, how, released,
                    live == null ? "?" : live.live(), live == null ? 0 : live.epoch());
        }
        for (Map.Entry<String, CutoverRecord> e : snapshot.runtime().cutovers().entrySet()) {
            String pool = e.getKey();
            CutoverRecord record = e.getValue();
            PoolSnapshot p = snapshot.pool(pool);
            if (p == null || !record.fencing() || fences.containsKey(pool)) {
                continue;
            }
            p.admission().hold();
            fences.put(pool, new Fence(record, clock.nanoTime(), store.staleAfter()));
            LOG.info("fleet cutover {} of pool {}: fence in force (epoch {}, {} -> {}); new requests held while "
                    + "{} drains", record.id(), pool, record.epoch(), record.from(), record.to(), record.from());
        }
    }

    private void tick() {
        for (Map.Entry<String, Fence> e : fences.entrySet()) {
            String pool = e.getKey();
            Fence fence = e.getValue();
            try {
                tick(pool, fence);
            } catch (RuntimeException ex) {
                LOG.warn("fleet cutover {} of pool {}: {}", fence.record().id(), pool, ex.toString(), ex);
            }
        }
    }

    private void tick(String pool, Fence fence) {
        PoolSnapshot p = snapshots.current().pool(pool);
        if (p == null) {
            fences.remove(pool, fence);
            return;
        }
        CutoverRecord r = fence.record();
        boolean stale = store.stale();
        Fence.Step step = fence.tick(clock.nanoTime(), OldVersions.requestsInFlight(p, r.to(), tunnels), stale);
        if (step.rejectHeld()) {
            int n = p.admission().rejectHeld("this node is stale while a fleet cutover of pool " + pool + " holds it");
            if (n > 0) {
                LOG.info("fleet cutover {} of pool {}: this node is stale; {} held requests answered 503", r.id(), pool, n);
            }
        }
        if (step.acknowledge()) {
            try {
                store.acknowledge(pool, r.id());
                fence.acknowledged();
                LOG.info("fleet cutover {} of pool {}: {} drained here; acknowledged", r.id(), pool, r.from());
            } catch (IOException ex) {
                LOG.debug("fleet cutover {} of pool {}: acknowledgement not written: {}", r.id(), pool, ex.getMessage());
            }
        }
        if (step.takeOver()) {
            takeOver(pool, r);
        }
    }

    /** The coordinator is silent long past its last moment: this node ends the cutover in its place. */
    private void takeOver(String pool, CutoverRecord fencing) {
        try {
            CutoverRecord end = Fence.takeOver(fencing, store.read(pool, fencing.id()), store.node());
            LOG.warn("fleet cutover {} of pool {}: coordinator {} did not end it; {}", fencing.id(), pool,
                    fencing.coordinator(), end.detail());
            end(store.node() + " (takeover)", pool, end);
            forgetQuietly(pool);
        } catch (IOException | ChangeRejected ex) {
            // Another node's takeover won, or the store is out of reach: the next try will tell.
            LOG.info("fleet cutover {} of pool {}: takeover not committed: {}", fencing.id(), pool, ex.getMessage());
        }
    }

    /**
     * Commits the fence of a strict cutover of {@code pool} from {@code from} to {@code to}: one
     * change that writes the cutover, phase fencing, with the next epoch and the members now.
     *
     * @return the coordinator's decisions for it, from the commit on
     * @throws ChangeRejected when the pool is fencing for another cutover already
     */
    public FenceCoordinator commit(String who, String pool, String from, String to, Duration holdTimeout) throws IOException {
        // No acknowledgements to clear first: they are kept under the cutover's own id.
        TreeSet<String> members = new TreeSet<>(store.read(pool, "").heartbeats().keySet());
        members.add(store.node());
        String id = UUID.randomUUID().toString();
        CutoverRecord[] written = new CutoverRecord[1];
        long revision;
        synchronized (control) {
            control.changeRetrying(who, "fence pool " + pool + " for a fleet cutover to " + to, s -> {
                CutoverRecord running = s.cutover(pool);
                if (running != null && running.fencing()) {
                    throw new ChangeRejected("cutover", "pool " + pool + " is fencing for cutover " + running.id() + " to "
                            + running.to() + " by " + running.coordinator() + " (expected: one cutover at a time)");
                }
                PoolVersions v = s.versions(pool);
                long epoch = (v == null ? 0 : v.epoch()) + 1;
                written[0] = new CutoverRecord(id, from, to, epoch, CutoverRecord.Phase.FENCING, List.copyOf(members),
                        store.node(), Math.max(1, holdTimeout.toMillis()), "");
                return s.with(pool, written[0]);
            });
            revision = store.stateRevision();
        }
        LOG.info("fleet cutover {} of pool {}: committed at revision {}, epoch {}, expecting {}", id, pool, revision,
                written[0].epoch(), members);
        return new FenceCoordinator(written[0], clock.nanoTime(), revision, store.staleAfter());
    }

    /**
     * A strict cutover of {@code pool} to {@code version} across the fleet, from commit to end, on
     * the calling thread (a rollback, a cutover through the admin API).
     *
     * @return the snapshot in force after the release
     * @throws ChangeRejected field {@code hold_timeout} when it was aborted (the old version stays
     *                        live everywhere); other fields when it cannot start
     */
    public Snapshot cutover(String who, String pool, String version, Duration holdTimeout) throws IOException {
        PoolSnapshot p = snapshots.current().pool(pool);
        if (p == null) {
            throw new ChangeRejected("pool", "\"" + pool + "\" (expected: a pool of this node)");
        }
        String from = p.liveVersion() == null ? "" : p.liveVersion();
        // Checked before anything is held: an unknown version, or the live one, changes nothing.
        RuntimeChanges.live(snapshots.current().runtime(), control.config(), pool, version, 0);
        FenceCoordinator fenced = commit(who, pool, from, version, holdTimeout);
        while (true) {
            FenceCoordinator.Decision d;
            try {
                d = decide(pool, fenced);
            } catch (IOException e) {
                d = fenced.unreadable(clock.nanoTime());
            }
            if (d instanceof FenceCoordinator.Decision.Release r) {
                release(who, pool, fenced, r.detail());
                return snapshots.current();
            }
            String why = d instanceof FenceCoordinator.Decision.Abort a ? a.reason()
                    : Thread.currentThread().isInterrupted() ? "the hold was interrupted (the node is stopping)" : null;
            if (why != null) {
                abort(who, pool, fenced, why);
                throw new ChangeRejected("hold_timeout", why);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TICK_MILLIS * 1_000_000L);
        }
    }

    /** What the coordinator decides now, from the acknowledgements read now. */
    public FenceCoordinator.Decision decide(String pool, FenceCoordinator coordinator) throws IOException {
        return coordinator.decide(clock.nanoTime(), store.read(pool, coordinator.record().id()));
    }

    /**
     * Ends the cutover released: in one change, the new version live at the cutover's epoch and the
     * cutover released; every node then releases its held requests to the new version.
     */
    public void release(String who, String pool, FenceCoordinator coordinator, String detail) throws IOException {
        CutoverRecord r = coordinator.record();
        CutoverRecord ended = end(who, pool, r.ended(CutoverRecord.Phase.RELEASED, detail));
        forgetQuietly(pool);
        if (ended.phase() != CutoverRecord.Phase.RELEASED) {
            throw new ChangeRejected("cutover", "fleet cutover " + r.id() + " of pool " + pool + " was aborted: " + ended.detail());
        }
    }

    /** Ends the cutover aborted: the old version stays live, and held requests go to it on every node. */
    public void abort(String who, String pool, FenceCoordinator coordinator, String reason) throws IOException {
        CutoverRecord r = coordinator.record();
        end(who, pool, r.ended(CutoverRecord.Phase.ABORTED, reason));
        forgetQuietly(pool);
    }

    /** Deletes the pool's acknowledgements and readiness reports; a failure is logged (the next commit deletes them). */
    public void forgetQuietly(String pool) {
        try {
            store.forget(pool);
        } catch (IOException e) {
            LOG.debug("pool {}: the fleet's acknowledgements and readiness reports not deleted: {}", pool, e.getMessage());
        }
    }

    /**
     * Commits the end of a fencing cutover. A release that can no longer apply (the pool's live
     * version or epoch changed meanwhile, or the version is gone) ends it aborted instead: a
     * cutover never stays fencing because its release is impossible.
     *
     * @return the ending committed
     * @throws ChangeRejected when the cutover is no longer fencing (another node ended it)
     */
    private CutoverRecord end(String who, String pool, CutoverRecord end) throws IOException {
        CutoverRecord[] committed = {end};
        control.changeRetrying(who, "end fleet cutover " + end.id() + " of pool " + pool + ": " + end.phase().apiName(), s -> {
            CutoverRecord now = s.cutover(pool);
            if (now == null || !now.id().equals(end.id()) || !now.fencing()) {
                throw new ChangeRejected("cutover", end.id() + " of pool " + pool + " is no longer fencing"
                        + (now != null && now.id().equals(end.id()) ? ": " + now.phase().apiName() + " (" + now.detail() + ")" : ""));
            }
            committed[0] = end;
            RuntimeState next = s.with(pool, end);
            if (end.phase() == CutoverRecord.Phase.RELEASED) {
                try {
                    next = RuntimeChanges.live(next, control.config(), pool, end.to(), 0);
                    long epoch = next.versions(pool).epoch();
                    if (epoch != end.epoch()) {
                        throw new ChangeRejected("cutover", "pool " + pool + " would go live at epoch " + epoch
                                + ", not the fenced epoch " + end.epoch());
                    }
                } catch (ChangeRejected impossible) {
                    committed[0] = end.ended(CutoverRecord.Phase.ABORTED, "the release could not apply: "
                            + impossible.getMessage());
                    next = s.with(pool, committed[0]);
                }
            }
            DeployRecord deploy = next.deploy(pool);
            if (who.endsWith("(takeover)") && deploy != null && deploy.status() == DeployRecord.Status.RUNNING
                    && deploy.to().equals(end.to())) {
                next = next.with(pool, deploy.with(committed[0].phase() == CutoverRecord.Phase.RELEASED
                        ? DeployRecord.Status.DONE : DeployRecord.Status.ABORTED, committed[0].detail()));
            }
            return next;
        });
        return committed[0];
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        readiness.close();
    }
}
