package dev.gatehouse.server.deploy;

import dev.gatehouse.core.api.DeployStep;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a pool's running or last deploy stands, as of its latest progress. Immutable: each step
 * of a deploy replaces it whole, so a reader on any thread sees one consistent step.
 *
 * @param plan      what the deploy does
 * @param phase     its latest phase
 * @param epoch     the pool's epoch: the one it started at, the next once it switched
 * @param switched  whether the new version was made live
 * @param startedAt when it started
 * @param endedAt   when it ended, or null while it runs
 * @param steps     its timeline: a step each time the phase changed kind, oldest first
 */
public record DeployStatus(DeployPlan plan, DeployPhase phase, long epoch, boolean switched, Instant startedAt,
                           Instant endedAt, List<DeployStep> steps) {

    /** Validates and copies. */
    public DeployStatus {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(startedAt, "startedAt");
        steps = List.copyOf(steps);
    }

    /** The first status of a deploy: its gate, begun at {@code startedAt}. */
    static DeployStatus first(DeployPlan plan, DeployPhase phase, long epoch, Instant startedAt) {
        return new DeployStatus(plan, phase, epoch, false, startedAt, null,
                List.of(new DeployStep(stepOf(phase), startedAt.toString())));
    }

    /** Whether it is still running. */
    public boolean running() {
        return endedAt == null;
    }

    /**
     * The status after {@code next}, reached at {@code at}: the epoch and switch follow a publish of
     * the new version, and the timeline gains a step when the phase changed kind (a switch, then a
     * drain, at the first draining progress).
     */
    DeployStatus next(DeployPhase next, Instant at) {
        List<DeployStep> timeline = steps;
        if (next.getClass() != phase.getClass()) {
            timeline = new ArrayList<>(steps);
            if (next instanceof DeployPhase.Draining || next instanceof DeployPhase.Done && !switched) {
                timeline.add(new DeployStep("switch", at.toString()));
            }
            timeline.add(new DeployStep(stepOf(next), at.toString()));
        }
        return switch (next) {
            case DeployPhase.Draining d -> new DeployStatus(plan, next, d.epoch(), true, startedAt, null, timeline);
            case DeployPhase.Done d -> new DeployStatus(plan, next, d.epoch(), true, startedAt, null, timeline);
            default -> new DeployStatus(plan, next, epoch, switched, startedAt, null, timeline);
        };
    }

    /** The status of the ended deploy. */
    DeployStatus ended(DeployPhase end, Instant at) {
        DeployStatus s = next(end, at);
        return new DeployStatus(plan, s.phase, s.epoch, s.switched, startedAt, at, s.steps);
    }

    /** The timeline's name of the step a phase begins. */
    static String stepOf(DeployPhase phase) {
        return switch (phase) {
            case DeployPhase.Gating g -> "gate";
            case DeployPhase.Warming w -> "warm-up";
            case DeployPhase.Holding h -> "hold";
            case DeployPhase.Draining d -> "drain";
            case DeployPhase.Done d -> "retire";
            case DeployPhase.Aborted a -> "abort";
        };
    }
}
