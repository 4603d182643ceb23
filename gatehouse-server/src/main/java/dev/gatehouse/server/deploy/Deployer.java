package dev.gatehouse.server.deploy;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.deploy.DeployAction;
import dev.gatehouse.core.deploy.DeployMode;
import dev.gatehouse.core.fleet.FenceCoordinator;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import dev.gatehouse.core.deploy.Deployment;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.core.state.DeployRecord;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.core.tunnel.OldVersions;
import dev.gatehouse.core.tunnel.TunnelCounts;
import dev.gatehouse.server.control.ControlPlane;
import dev.gatehouse.server.fleet.FleetCutovers;
import dev.gatehouse.server.probe.Readiness;
import dev.gatehouse.server.supervisor.AppInstance;
import dev.gatehouse.server.supervisor.Supervisor;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one deploy to its end: registers the new version's backends (idle: not the live version),
 * then every few milliseconds observes how many of them are healthy and how many requests of other
 * versions are in flight, feeds that to the {@link Deployment} state machine, and carries out its
 * actions: hold new requests (strict), publish the new live version (one control-plane change, the
 * next epoch), release the held requests, retire the old version's backends. A deploy that ends
 * before the switch takes its registered backends out again: the old version serves, untouched.
 *
 * <p>Blocking: runs on the caller's thread, never on an event loop. An interrupt stops it at its next
 * look at the pool (every few milliseconds), where it stands.
 */
public final class Deployer {

    private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);
    /** How often the deploy looks at the pool: often enough for a strict hold to end promptly. */
    private static final long TICK_NANOS = 5_000_000L;

    private final ControlPlane control;
    private final SnapshotHolder snapshots;
    private final Clock clock;
    /** Runs the processes of supervised apps; null when the node has none. */
    private final Supervisor supervisor;
    /** Open tunnels per (pool, version): a deploy waits for the old version's before retiring it. */
    private volatile TunnelCounts openTunnels = TunnelCounts.NONE;
    /** The fleet's cutovers, once the node joined a fleet: a strict deploy then fences every node. */
    private volatile FleetCutovers fleet;

    /** A deployer acting through {@code control} on the pools of {@code snapshots}. */
    public Deployer(ControlPlane control, SnapshotHolder snapshots, Clock clock) {
        this(control, snapshots, clock, null);
    }

    /**
     * A deployer that also starts and stops the processes of supervised apps: an app serves the
     * pool of the same name.
     *
     * @param supervisor the node's supervisor, or null
     */
    public Deployer(ControlPlane control, SnapshotHolder snapshots, Clock clock, Supervisor supervisor) {
        this.control = Objects.requireNonNull(control, "control");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.supervisor = supervisor;
    }

    /**
     * Tells the deployer how to count a pool's open tunnels of a version; without it, a deploy
     * counts none.
     */
    public void openTunnels(TunnelCounts counter) {
        this.openTunnels = Objects.requireNonNull(counter, "counter");
    }

    /**
     * The node joined a fleet: from now on a strict deploy's cutover is the fleet's (every node
     * holds, drains and acknowledges before the new version serves anywhere); a fast one stays one
     * change, which every node puts in force as it sees it.
     */
    public void fleet(FleetCutovers cutovers) {
        this.fleet = Objects.requireNonNull(cutovers, "cutovers");
    }

    /**
     * Why a deploy of {@code pool} may not start because another node of the fleet runs one, or
     * null (always null outside a fleet).
     */
    public String runningElsewhere(String pool) {
        var fleetConfig = control.config().fleet();
        if (fleetConfig != null && fleetConfig.isAgent()) {
            return "this node is an agent of fleet " + fleetConfig.name() + ": it runs apps and serves no clients (expected: "
                    + "the deploy through a balancer node of the fleet, which starts the new version on every agent)";
        }
        FleetCutovers f = fleet;
        return f == null ? null : f.deployRunningElsewhere(snapshots.current().runtime(), pool);
    }

    /**
     * Whether a deploy of the pool can start its backends: an app of the same name that this node
     * supervises, or, in a fleet, that the fleet's agents run.
     */
    public boolean supervises(String pool) {
        return supervisedSize(pool) > 0;
    }

    /**
     * How many instances a deploy of the pool starts: the app's {@code instances} on this node, or
     * in a fleet the sum over the agents that run the app and heartbeat; 0 when none runs it.
     */
    public int supervisedSize(String pool) {
        if (supervisor != null && supervisor.apps().contains(pool)) {
            return control.config().apps().get(pool).instances();
        }
        FleetCutovers f = fleet;
        return f == null ? 0 : AgentDeploys.expected(f, control.config(), pool);
    }

    /**
     * Deploys a supervised app's version: starts its instances, deploys them like {@link #run},
     * and stops the old version's instances once it is retired (or the new ones if the deploy
     * ended before the switch).
     *
     * @throws ChangeRejected when the pool has no supervised app, or its instances cannot start
     */
    public DeployPhase runSupervised(String who, DeployPlan plan, Consumer<DeployPhase> progress) throws IOException {
        boolean local = supervisor != null && supervisor.apps().contains(plan.pool());
        FleetCutovers inFleet = fleet;
        if (!local && inFleet != null && supervises(plan.pool())) {
            return new AgentDeploys(this, control, snapshots, clock, inFleet).run(who, plan, progress);
        }
        if (!local) {
            throw new ChangeRejected("backends", "none given, and pool " + plan.pool() + " has no supervised app (expected: "
                    + "backends, or an app of the same name under apps:)");
        }
        List<HostPort> started;
        try {
            started = supervisor.start(plan.pool(), plan.toVersion()).stream().map(AppInstance::address).toList();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ChangeRejected("version", e.getMessage());
        }
        DeployPlan sized = new DeployPlan(plan.pool(), plan.fromVersion(), plan.toVersion(), plan.mode(), started.size(),
                Math.min(plan.quorum(), started.size()), plan.warmupRequests(), plan.gateTimeout(), plan.holdTimeout(),
                plan.drainTimeout());
        DeployPhase end = run(who, sized, started, progress);
        String stop = end instanceof DeployPhase.Done ? plan.fromVersion() : plan.toVersion();
        if (!stop.isEmpty() && supervisor.instances(plan.pool()).stream().anyMatch(i -> i.version().equals(stop))) {
            try {
                // Returns at once; the processes get SIGTERM, then SIGKILL after the app's grace.
                supervisor.stop(plan.pool(), stop);
            } catch (IllegalArgumentException | IllegalStateException e) {
                LOG.warn("deploy of {} to pool {}: stopping the {} instances failed: {}", plan.toVersion(), plan.pool(),
                        stop, e.getMessage());
            }
        }
        return end;
    }

    /**
     * Deploys {@code plan.toVersion()} on {@code backends}.
     *
     * @param who      for the audit log
     * @param plan     the plan; {@code plan.newBackends()} must equal {@code backends.size()}
     * @param backends the new version's backends, registered now (those present already are kept)
     * @param progress told every phase the deploy passes, on this thread
     * @return the final phase: done, or aborted with why
     * @throws ChangeRejected when a backend cannot be registered (nothing changed then)
     * @throws IOException    when the state file cannot be written
     */
    public DeployPhase run(String who, DeployPlan plan, List<HostPort> backends, Consumer<DeployPhase> progress)
            throws IOException {
        String pool = plan.pool();
        // First in the state file: a node that restarts from here on finishes this deploy.
        FleetCutovers inFleet = fleet;
        DeployRecord record = new DeployRecord(plan.fromVersion(), plan.toVersion(), backends, DeployRecord.Status.RUNNING, "",
                inFleet == null ? "" : inFleet.node());
        control.changeRetrying(who, "record in the state: deploy of " + plan.toVersion() + " to pool " + pool + " running ("
                + plan.mode().apiName() + ")", s -> {
                    String elsewhere = inFleet == null ? null : inFleet.deployRunningElsewhere(s, pool);
                    if (elsewhere != null) {
                        throw new ChangeRejected("deploy", elsewhere);
                    }
                    return s.with(pool, record);
                });
        for (HostPort address : backends) {
            if (Readiness.member(current(pool), address) == null) {
                control.changeRetrying(who, "register " + address + " (" + plan.toVersion() + ") in pool " + pool,
                        s -> RuntimeChanges.add(s, control.config(), pool, address, 1, plan.toVersion()));
            }
        }
        try {
            Deployment deployment = Deployment.start(plan, clock.nanoTime(), current(pool).epoch(), tunnelWait(current(pool)));
            DeployPhase last = null;
            boolean switched = false;
            int warmed = 0;
            FleetCutovers fleetCutovers = plan.mode() == DeployMode.STRICT ? inFleet : null;
            FenceCoordinator fenced = null;
            FenceCoordinator.Decision decision = null;
            // The fleet's readiness count as last read, and when (this deploy's thread only).
            long[] fleetGate = {0, Long.MIN_VALUE / 2};
        dev.gatehouse.core.fleet.FleetReadiness readiness = inFleet == null ? null : inFleet.readinessGate();
            while (true) {
                PoolSnapshot p = current(pool);
                int oldTunnels = OldVersions.openTunnels(p, plan.toVersion(), openTunnels);
                int oldInFlight = OldVersions.requestsInFlight(p, plan.toVersion(), openTunnels);
                if (fleetCutovers != null && fenced == null) {
                    // The step that commits the fence must not also end the hold: only the fleet's
                    // acknowledgements, read at the next step, can.
                    oldInFlight = Math.max(1, oldInFlight);
                } else if (fenced != null && !switched) {
                    // In a fleet the hold ends when the coordinator's decision says, not when this node drained.
                    decision = decide(fleetCutovers, pool, fenced);
                    oldInFlight = decision instanceof FenceCoordinator.Decision.Release ? 0
                            : decision instanceof FenceCoordinator.Decision.Wait w ? Math.max(1, w.pending()) : 1;
                }
                Deployment.Step step = deployment.advance(clock.nanoTime(),
                        // Past the gate its count no longer matters: no connects or reads for it then.
                        last == null || last instanceof DeployPhase.Gating ? gate(inFleet, readiness, plan, p, backends, fleetGate)
                                : plan.newBackends(), warmed, oldInFlight, oldTunnels);
                for (DeployAction action : step.actions()) {
                    switched |= action instanceof DeployAction.PublishLive;
                    if (action instanceof DeployAction.SendWarmup w) {
                        warmed = Warmup.send(p, backends, w.requests());
                    } else if (fleetCutovers != null && action instanceof DeployAction.HoldNewRequests) {
                        fenced = fleetCutovers.commit(who, pool, plan.fromVersion(), plan.toVersion(), plan.holdTimeout());
                    } else if (fenced != null && action instanceof DeployAction.PublishLive) {
                        fleetCutovers.release(who, pool, fenced, decision instanceof FenceCoordinator.Decision.Release r
                                ? r.detail() : "released");
                    } else if (fenced != null && action instanceof DeployAction.ReleaseHeld) {
                        if (!switched) {
                            fleetCutovers.abort(who, pool, fenced, decision instanceof FenceCoordinator.Decision.Abort a
                                    ? a.reason() : step.phase() instanceof DeployPhase.Aborted a ? a.reason() : "aborted");
                        }
                    } else {
                        carry(who, pool, action, plan.mode() == DeployMode.STRICT);
                    }
                }
                if (!step.phase().equals(last)) {
                    last = step.phase();
                    LOG.info("deploy of {} to pool {}: {}", plan.toVersion(), pool, last);
                    progress.accept(last);
                }
                if (last.ended()) {
                    if (!switched) {
                        unregister(who, pool, backends);
                    }
                    if (inFleet != null) {
                        inFleet.forgetQuietly(pool);
                    }
                    DeployRecord ended = last instanceof DeployPhase.Aborted a
                            ? record.with(DeployRecord.Status.ABORTED, a.reason())
                            : record.with(DeployRecord.Status.DONE, plan.toVersion() + " live"
                                    + (plan.fromVersion().isEmpty() ? "" : ", " + plan.fromVersion() + " retired"));
                    control.changeRetrying(who, "record in the state: deploy of " + plan.toVersion() + " to pool " + pool + " "
                            + ended.status().apiName(), s -> s.with(pool, ended));
                    return last;
                }
                // The deploy polls the pool: every phase waits on many requests' ends or on checks, and
                // nothing else runs on this thread.
                LockSupport.parkNanos(TICK_NANOS);
                if (Thread.currentThread().isInterrupted()) {
                    return stopped(who, plan, last, switched, fenced, progress);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The deploy failed where it stood: its record must not stay running (in a fleet it
            // would hold the pool against every other node's deploys while this node is a member).
            try {
                DeployRecord failed = record.with(DeployRecord.Status.ABORTED, e.getMessage() == null ? e.toString() : e.getMessage());
                control.changeRetrying(who, "record in the state: deploy of " + plan.toVersion() + " to pool " + pool + " aborted",
                        s -> s.deploy(pool) != null && s.deploy(pool).status() == DeployRecord.Status.RUNNING
                                && s.deploy(pool).to().equals(plan.toVersion()) ? s.with(pool, failed) : s);
            } catch (IOException | RuntimeException unsaved) {
                LOG.warn("deploy of {} to pool {}: its record could not be ended: {}", plan.toVersion(), pool, unsaved.toString());
            }
            throw e;
        }
    }

    /**
     * The new backends ready to serve, as the readiness gate counts them: as this node sees them,
     * and in a fleet, the fewest any member sees (its prepare step); read from the fleet at most
     * every 50 ms.
     */
    private int gate(FleetCutovers inFleet, dev.gatehouse.core.fleet.FleetReadiness readiness, DeployPlan plan, PoolSnapshot p,
                     List<HostPort> backends, long[] cache) {
        int local = Readiness.healthy(p, backends);
        if (inFleet == null || local < plan.quorum()) {
            return local;
        }
        long now = clock.nanoTime();
        if (now - cache[1] >= 50_000_000L) {
            cache[1] = now;
            try {
                cache[0] = inFleet.healthyEverywhere(readiness, plan.pool(), plan.toVersion(), local);
            } catch (IOException e) {
                LOG.debug("deploy of {} to pool {}: the fleet's readiness not read: {}", plan.toVersion(), plan.pool(),
                        e.getMessage());
                cache[0] = 0;
            }
        }
        return (int) Math.min(local, cache[0]);
    }

    /** The coordinator's decision now; a store out of reach is a wait (the hold timeout bounds it). */
    private FenceCoordinator.Decision decide(FleetCutovers cutovers, String pool, FenceCoordinator fenced) {
        try {
            return cutovers.decide(pool, fenced);
        } catch (IOException e) {
            LOG.debug("fleet cutover {} of pool {}: acknowledgements not read: {}", fenced.record().id(), pool, e.getMessage());
            return fenced.unreadable(clock.nanoTime());
        }
    }

    /**
     * The thread was interrupted (the node is stopping): the deploy stops where it stands. Held
     * requests are released (to the version live now); registered backends stay registered and a
     * switch already made stays made, for the state to show (finishing or undoing a deploy across a
     * restart comes with durable deploys).
     */
    private DeployPhase stopped(String who, DeployPlan plan, DeployPhase last, boolean switched, FenceCoordinator fenced,
                                Consumer<DeployPhase> progress) {
        if (fenced != null && !switched) {
            // The fleet holds for this node's cutover: end it now rather than leave every node
            // holding until another node takes over.
            try {
                fleet.abort(who, plan.pool(), fenced, "the coordinator " + fenced.record().coordinator() + " is stopping");
            } catch (IOException | RuntimeException e) {
                LOG.warn("deploy of {} to pool {}: the fleet cutover was not aborted ({}); another node ends it after "
                        + "its hold timeout", plan.toVersion(), plan.pool(), e.getMessage());
            }
        } else if (last instanceof DeployPhase.Holding) {
            PoolSnapshot p = current(plan.pool());
            p.admission().release(p.available(), p.balancer());
        }
        DeployPhase end = new DeployPhase.Aborted("interrupted (the node is stopping): the deploy stopped where it stood, "
                + (switched ? plan.toVersion() + " live, " + plan.fromVersion() + " not retired"
                        : plan.fromVersion() + " live, " + plan.toVersion() + " left registered"), !switched);
        LOG.info("deploy of {} to pool {}: {}", plan.toVersion(), plan.pool(), end);
        progress.accept(end);
        return end;
    }

    /**
     * Waits, before retiring the old version, for the pool's version affinity to end: its sticky
     * clients stay on it until then (the node stopping ends the wait).
     */
    private void awaitAffinity(String pool) {
        var versions = current(pool).versions();
        long until = versions == null ? 0 : versions.affinityUntilSeconds();
        while (System.currentTimeMillis() / 1000 < until && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(50_000_000L);
        }
    }

    private void carry(String who, String pool, DeployAction action, boolean strict) throws IOException {
        switch (action) {
            case DeployAction.HoldNewRequests h -> current(pool).admission().hold();
            case DeployAction.PublishLive l -> control.publishLive(who, pool, l.version(), strict);
            case DeployAction.ReleaseHeld r -> {
                PoolSnapshot p = current(pool);
                p.admission().release(p.available(), p.balancer());
            }
            case DeployAction.Retire r -> {
                awaitAffinity(pool);
                for (Member m : current(pool).members()) {
                    if (m.backend().version().equals(r.version())) {
                        control.changeRetrying(who, "retire " + m.backend().address() + " (" + r.version() + ") from pool " + pool,
                                s -> RuntimeChanges.remove(s, control.config(), pool, m.backend().address()));
                    }
                }
            }
            case DeployAction.SendWarmup w -> throw new IllegalStateException("warm-up is carried out by the loop");
        }
    }

    private void unregister(String who, String pool, List<HostPort> backends) throws IOException {
        for (HostPort address : backends) {
            if (Readiness.member(current(pool), address) != null) {
                control.changeRetrying(who, "unregister " + address + " from pool " + pool + " (the deploy ended before the switch)",
                        s -> RuntimeChanges.remove(s, control.config(), pool, address));
            }
        }
    }

    private PoolSnapshot current(String pool) {
        PoolSnapshot p = snapshots.current().pool(pool);
        if (p == null) {
            throw new ChangeRejected("pool", "\"" + pool + "\" (expected: a pool of this node)");
        }
        return p;
    }

    /**
     * How long after the switch the old version's tunnels may take: a pool that closes them waits
     * its grace, the close handshake and flush, and a sweep; a pool that keeps them waits no longer
     * than the drain timeout (they stay open to the retired backend until it or the client ends them).
     */
    private static java.time.Duration tunnelWait(PoolSnapshot p) {
        var policy = p.config().tunnels();
        if (policy.onCutover() == dev.gatehouse.core.config.TunnelsConfig.OnCutover.KEEP) {
            return java.time.Duration.ZERO;
        }
        // The sweep notices within a second; the close handshake, then the flush, each take up to close_timeout.
        return policy.grace().plus(policy.closeTimeout().multipliedBy(2)).plusSeconds(1);
    }
}
