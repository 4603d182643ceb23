package dev.gatehouse.core.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The state machine of one deploy: readiness gate, warm-up, cutover (fast or strict), drain of the
 * old version. It does no I/O and reads no clock: each {@link #advance} gets the time and what the
 * data plane observes now, and answers the phase and the actions to carry out, in order. Not
 * thread-safe: one driver calls it.
 *
 * <p>Design notes. Every abort before the switch leaves the old version live and untouched (the
 * gate and warm-up only involve the new version; a strict hold that times out releases the held
 * requests to the old version). Once {@link DeployAction.PublishLive} has been issued there is no
 * abort: the old version drains, bounded by the drain timeout, and is retired; going back is a
 * rollback, which is a deploy of the other direction.
 */
public final class Deployment {

    private final DeployPlan plan;
    private final long gateDeadline;
    private final long liveEpoch;
    private DeployPhase phase;
    private long holdDeadline = Long.MAX_VALUE;
    private long drainDeadline = Long.MAX_VALUE;
    private long tunnelDeadline = Long.MAX_VALUE;
    /** How long after the switch the old version's tunnels may take to end (the pool's grace and close). */
    private final long tunnelWaitNanos;
    private long epoch;

    private Deployment(DeployPlan plan, long nowNanos, long liveEpoch, Duration tunnelWait) {
        this.plan = plan;
        this.tunnelWaitNanos = tunnelWait.toNanos();
        this.gateDeadline = nowNanos + plan.gateTimeout().toNanos();
        this.liveEpoch = liveEpoch;
        this.phase = new DeployPhase.Gating(0, plan.quorum());
    }

    /**
     * Starts a deploy; the new version's backends are registered (not live) by the caller.
     *
     * @param nowNanos  the clock now
     * @param liveEpoch the pool's epoch now; the switch publishes {@code liveEpoch + 1}
     */
    public static Deployment start(DeployPlan plan, long nowNanos, long liveEpoch) {
        return start(plan, nowNanos, liveEpoch, Duration.ZERO);
    }

    /**
     * Starts a deploy that, before retiring the old version, also waits for its open tunnels to end:
     * at most the drain timeout or {@code tunnelWait} after the switch, whichever is longer (a pool
     * that closes old tunnels after a grace passes its grace and close timeout here).
     */
    public static Deployment start(DeployPlan plan, long nowNanos, long liveEpoch, Duration tunnelWait) {
        return new Deployment(Objects.requireNonNull(plan, "plan"), nowNanos, liveEpoch,
                Objects.requireNonNull(tunnelWait, "tunnelWait"));
    }

    /** The plan. */
    public DeployPlan plan() {
        return plan;
    }

    /** The phase now. */
    public DeployPhase phase() {
        return phase;
    }

    /**
     * Moves the deploy on by what is observed now.
     *
     * @param nowNanos        the clock now
     * @param healthyNew      the new version's backends that are healthy
     * @param warmupCompleted warm-up requests completed so far
     * @param oldInFlight     the old version's requests in flight
     * @return the phase and the actions to carry out now, in order (often none)
     */
    public Step advance(long nowNanos, int healthyNew, int warmupCompleted, int oldInFlight) {
        return advance(nowNanos, healthyNew, warmupCompleted, oldInFlight, 0);
    }

    /**
     * Like {@link #advance(long, int, int, int)}, with the old version's open tunnels, which the
     * drain waits for too (up to its tunnel deadline).
     */
    public Step advance(long nowNanos, int healthyNew, int warmupCompleted, int oldInFlight, int oldTunnels) {
        List<DeployAction> actions = new ArrayList<>(3);
        // A step may pass several phases at once (a gate already passed, no warm-up, nothing in flight).
        for (int guard = 0; guard < 5 && !phase.ended(); guard++) {
            DeployPhase before = phase;
            phase = next(nowNanos, healthyNew, warmupCompleted, oldInFlight, oldTunnels, actions);
            if (phase.equals(before)) {
                break;
            }
        }
        return new Step(phase, List.copyOf(actions));
    }

    private DeployPhase next(long now, int healthy, int warmed, int oldInFlight, int oldTunnels, List<DeployAction> actions) {
        return switch (phase) {
            case DeployPhase.Gating g -> {
                if (healthy >= plan.quorum()) {
                    if (plan.warmupRequests() > 0) {
                        actions.add(new DeployAction.SendWarmup(plan.warmupRequests()));
                        yield new DeployPhase.Warming(0, plan.warmupRequests());
                    }
                    yield cutover(now, oldInFlight, actions);
                }
                if (now >= gateDeadline) {
                    yield new DeployPhase.Aborted("readiness gate timed out: " + healthy + " of " + plan.newBackends()
                            + " backends of " + plan.toVersion() + " healthy, " + plan.quorum() + " needed", true);
                }
                yield new DeployPhase.Gating(healthy, plan.quorum());
            }
            case DeployPhase.Warming w -> {
                if (warmed >= w.total()) {
                    yield cutover(now, oldInFlight, actions);
                }
                if (now >= gateDeadline) {
                    yield new DeployPhase.Aborted("warm-up timed out: " + warmed + " of " + w.total()
                            + " requests completed", true);
                }
                yield new DeployPhase.Warming(warmed, w.total());
            }
            case DeployPhase.Holding h -> {
                if (oldInFlight == 0) {
                    yield publish(now, 0, actions, true);
                }
                if (now >= holdDeadline) {
                    actions.add(new DeployAction.ReleaseHeld());
                    yield new DeployPhase.Aborted("strict cutover aborted: " + oldInFlight + " requests of "
                            + plan.fromVersion() + " still in flight after the hold timeout; held requests went to "
                            + plan.fromVersion(), true);
                }
                yield new DeployPhase.Holding(oldInFlight);
            }
            case DeployPhase.Draining d -> {
                boolean requestsDone = oldInFlight == 0 || now >= drainDeadline;
                boolean tunnelsDone = oldTunnels == 0 || now >= tunnelDeadline;
                if (requestsDone && tunnelsDone) {
                    actions.add(new DeployAction.Retire(plan.fromVersion()));
                    yield new DeployPhase.Done(epoch, oldInFlight > 0 || oldTunnels > 0);
                }
                yield new DeployPhase.Draining(epoch, oldInFlight, oldTunnels);
            }
            case DeployPhase.Done d -> d;
            case DeployPhase.Aborted a -> a;
        };
    }

    private DeployPhase cutover(long now, int oldInFlight, List<DeployAction> actions) {
        if (plan.mode() == DeployMode.STRICT) {
            actions.add(new DeployAction.HoldNewRequests());
            holdDeadline = now + plan.holdTimeout().toNanos();
            return new DeployPhase.Holding(oldInFlight);
        }
        return publish(now, oldInFlight, actions, false);
    }

    private DeployPhase publish(long now, int oldInFlight, List<DeployAction> actions, boolean release) {
        epoch = liveEpoch + 1;
        actions.add(new DeployAction.PublishLive(plan.toVersion(), epoch));
        if (release) {
            actions.add(new DeployAction.ReleaseHeld());
        }
        drainDeadline = now + plan.drainTimeout().toNanos();
        tunnelDeadline = now + Math.max(plan.drainTimeout().toNanos(), tunnelWaitNanos);
        return new DeployPhase.Draining(epoch, oldInFlight);
    }

    /**
     * One step's outcome.
     *
     * @param phase   where the deploy stands now
     * @param actions what to do now, in order
     */
    public record Step(DeployPhase phase, List<DeployAction> actions) {
    }
}
