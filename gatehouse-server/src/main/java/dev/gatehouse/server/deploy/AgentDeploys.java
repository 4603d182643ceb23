package dev.gatehouse.server.deploy;

import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import dev.gatehouse.core.fleet.AgentPlan;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.core.state.DeployRecord;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.server.control.ControlPlane;
import dev.gatehouse.server.fleet.FleetCutovers;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deploy of an app that the fleet's agents run (docs/fleet.md, "Agents"): the deploy's record,
 * written first, tells every agent to start the new version; each registers its instances in the
 * pool as they accept connections; once every instance of every agent that heartbeats is
 * registered, the deploy goes on as any other ({@link Deployer#run}): the readiness gate on every
 * balancer node, then the fleet-wide cutover. The agents stop the old version's instances once the
 * deploy retired them from the pool, or the new version's once an aborted deploy took them out.
 *
 * <p>Blocking: on the deploy's thread, like the {@link Deployer}.
 */
final class AgentDeploys {

    private static final Logger LOG = LoggerFactory.getLogger(AgentDeploys.class);
    /** How often the deploy looks at the pool while the agents start the new version. */
    private static final long LOOK_NANOS = 50_000_000L;

    private final Deployer deployer;
    private final ControlPlane control;
    private final SnapshotHolder snapshots;
    private final Clock clock;
    private final FleetCutovers fleet;

    AgentDeploys(Deployer deployer, ControlPlane control, SnapshotHolder snapshots, Clock clock, FleetCutovers fleet) {
        this.deployer = deployer;
        this.control = control;
        this.snapshots = snapshots;
        this.clock = clock;
        this.fleet = fleet;
    }

    /**
     * How many instances the fleet's agents start for a deploy of the pool: those of the agents
     * whose heartbeat is younger than three times {@code stale_after}.
     */
    static int expected(FleetCutovers fleet, GatehouseConfig config, String pool) {
        return AgentPlan.expectedInstances(fleet.members(), pool, silentAfterMillis(config));
    }

    private static long silentAfterMillis(GatehouseConfig config) {
        return config.fleet() == null ? 0 : config.fleet().staleAfter().multipliedBy(3).toMillis();
    }

    /** Runs the deploy to its end. */
    DeployPhase run(String who, DeployPlan plan, Consumer<DeployPhase> progress) throws IOException {
        String pool = plan.pool();
        String to = plan.toVersion();
        DeployRecord record = new DeployRecord(plan.fromVersion(), to, List.of(), DeployRecord.Status.RUNNING,
                "the agents start " + to, fleet.node());
        control.changeRetrying(who, "record in the state: deploy of " + to + " to pool " + pool + " running; the agents start it",
                s -> {
                    String elsewhere = fleet.deployRunningElsewhere(s, pool);
                    if (elsewhere != null) {
                        throw new ChangeRejected("deploy", elsewhere);
                    }
                    return s.with(pool, record);
                });
        long started = clock.nanoTime();
        long deadline = started + plan.gateTimeout().toNanos();
        LOG.info("deploy of {} to pool {}: waiting for the agents {} to register {} instances", to, pool,
                AgentPlan.agents(fleet.members(), pool, silentAfterMillis(control.config())), expected(fleet, control.config(), pool));
        while (true) {
            int expected = expected(fleet, control.config(), pool);
            List<HostPort> registered = registered(pool, to);
            if (expected > 0 && registered.size() >= expected) {
                long left = deadline - clock.nanoTime();
                DeployPlan sized = new DeployPlan(pool, plan.fromVersion(), to, plan.mode(), registered.size(),
                        Math.min(plan.quorum(), registered.size()), plan.warmupRequests(),
                        Duration.ofNanos(Math.max(1_000_000L, left)), plan.holdTimeout(), plan.drainTimeout());
                LOG.info("deploy of {} to pool {}: the agents registered {} instances in {} ms", to, pool, registered.size(),
                        (clock.nanoTime() - started) / 1_000_000);
                return deployer.run(who, sized, registered, progress);
            }
            // Cleared here, so that the abort's writes to the store are not cut short; set again after.
            boolean stopping = Thread.interrupted();
            if (stopping || clock.nanoTime() - deadline >= 0) {
                String reason = (stopping ? "interrupted (the node is stopping): " : "")
                        + "the agents " + AgentPlan.agents(fleet.members(), pool, silentAfterMillis(control.config()))
                        + " registered " + registered.size() + " of " + expected + " instances of " + to
                        + (stopping ? "" : " within the gate timeout (" + plan.gateTimeout().toMillis() + " ms); their logs say why");
                try {
                    return abort(who, plan, record, registered, reason, progress);
                } finally {
                    if (stopping) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            // Waits on processes starting on other machines: nothing to be told, so a look every 50 ms.
            LockSupport.parkNanos(LOOK_NANOS);
        }
    }

    /** The addresses registered in the pool with the version. */
    private List<HostPort> registered(String pool, String version) {
        PoolSnapshot p = snapshots.current().pool(pool);
        return p == null ? List.of() : p.members().stream().filter(m -> m.backend().version().equals(version))
                .map(m -> m.backend().address()).toList();
    }

    /** Takes the version's instances out of the pool and ends the record: the agents stop them then. */
    private DeployPhase abort(String who, DeployPlan plan, DeployRecord record, List<HostPort> registered, String reason,
                              Consumer<DeployPhase> progress) throws IOException {
        String pool = plan.pool();
        for (HostPort a : registered) {
            control.changeRetrying(who, "unregister " + a + " from pool " + pool + " (the deploy ended before the switch)",
                    s -> {
                        try {
                            return RuntimeChanges.remove(s, control.config(), pool, a);
                        } catch (ChangeRejected gone) {
                            return s; // taken out already
                        }
                    });
        }
        DeployRecord ended = record.with(DeployRecord.Status.ABORTED, reason);
        control.changeRetrying(who, "record in the state: deploy of " + plan.toVersion() + " to pool " + pool + " aborted",
                s -> s.with(pool, ended));
        DeployPhase end = new DeployPhase.Aborted(reason, true);
        LOG.info("deploy of {} to pool {}: {}", plan.toVersion(), pool, end);
        progress.accept(end);
        return end;
    }
}
