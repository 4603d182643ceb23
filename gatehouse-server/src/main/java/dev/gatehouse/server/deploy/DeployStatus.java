package dev.gatehouse.server.deploy;

import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import java.time.Instant;
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
 */
public record DeployStatus(DeployPlan plan, DeployPhase phase, long epoch, boolean switched, Instant startedAt,
                           Instant endedAt) {

    /** Validates. */
    public DeployStatus {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Whether it is still running. */
    public boolean running() {
        return endedAt == null;
    }

    /** The status after {@code next}: the epoch and switch follow a publish of the new version. */
    DeployStatus next(DeployPhase next) {
        return switch (next) {
            case DeployPhase.Draining d -> new DeployStatus(plan, next, d.epoch(), true, startedAt, null);
            case DeployPhase.Done d -> new DeployStatus(plan, next, d.epoch(), true, startedAt, null);
            default -> new DeployStatus(plan, next, epoch, switched, startedAt, null);
        };
    }

    /** The status of the ended deploy. */
    DeployStatus ended(DeployPhase end, Instant at) {
        DeployStatus s = next(end);
        return new DeployStatus(plan, s.phase, s.epoch, s.switched, startedAt, at);
    }
}
