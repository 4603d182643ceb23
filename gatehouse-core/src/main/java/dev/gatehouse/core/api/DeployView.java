package dev.gatehouse.core.api;

import dev.gatehouse.core.deploy.DeployMode;
import dev.gatehouse.core.deploy.DeployPhase;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /api/v1/pools/{pool}/deploy} (and the answer to {@code POST}): the running or last
 * deploy of a pool.
 *
 * @param pool      the pool
 * @param from      the version live when the deploy started
 * @param to        the version it makes live
 * @param mode      {@code fast} or {@code strict}
 * @param phase     {@code gating}, {@code warming}, {@code holding}, {@code draining}, {@code done}
 *                  or {@code aborted}
 * @param detail    where the phase stands, in words: {@code healthy 1 of 2},
 *                  {@code 3 requests of v41 in flight}, {@code v42 live, v41 retired}
 * @param epoch     the pool's epoch: the one the deploy started at, the next once it switched
 * @param startedAt when it started, ISO-8601 UTC
 * @param endedAt   when it ended, or null while it runs
 * @param reason    why it aborted, or null
 * @param switched  whether the new version was made live (a deploy that aborts before the switch
 *                  changed nothing for clients)
 * @param steps     its timeline so far, oldest first: each step and when it began
 */
public record DeployView(String pool, String from, String to, String mode, String phase, String detail, long epoch,
                         String startedAt, String endedAt, String reason, boolean switched, List<DeployStep> steps) {

    /** Copies. */
    public DeployView {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /** Like {@link #of(String, String, String, DeployMode, int, DeployPhase, long, boolean, Instant, Instant, List)} without a timeline. */
    public static DeployView of(String pool, String from, String to, DeployMode mode, int newBackends, DeployPhase phase,
                                long epoch, boolean switched, Instant startedAt, Instant endedAt) {
        return of(pool, from, to, mode, newBackends, phase, epoch, switched, startedAt, endedAt, List.of());
    }

    /**
     * The view of a deploy.
     *
     * @param newBackends how many backends the new version has
     * @param phase       where it stands
     * @param epoch       the pool's epoch as the deploy knows it
     * @param switched    whether the new version was made live
     * @param endedAt     when it ended, or null
     * @param steps       its timeline
     */
    public static DeployView of(String pool, String from, String to, DeployMode mode, int newBackends, DeployPhase phase,
                                long epoch, boolean switched, Instant startedAt, Instant endedAt, List<DeployStep> steps) {
        Objects.requireNonNull(phase, "phase");
        String name = switch (phase) {
            case DeployPhase.Gating g -> "gating";
            case DeployPhase.Warming w -> "warming";
            case DeployPhase.Holding h -> "holding";
            case DeployPhase.Draining d -> "draining";
            case DeployPhase.Done d -> "done";
            case DeployPhase.Aborted a -> "aborted";
        };
        String detail = switch (phase) {
            case DeployPhase.Gating g -> "healthy " + g.healthy() + " of " + newBackends
                    + (g.needed() < newBackends ? " (" + g.needed() + " needed)" : "");
            case DeployPhase.Warming w -> "warm-up " + w.done() + " of " + w.total() + " requests";
            case DeployPhase.Holding h -> requests(h.oldInFlight(), from) + " in flight";
            case DeployPhase.Draining d -> requests(d.oldInFlight(), from) + " in flight"
                    + (d.oldTunnels() > 0 ? ", " + d.oldTunnels() + (d.oldTunnels() == 1 ? " tunnel" : " tunnels") + " open" : "");
            // A supervised app's first deploy replaces nothing (from is empty).
            case DeployPhase.Done d -> to + " live" + (from.isEmpty() ? "" : ", " + from + " retired")
                    + (d.drainForced() ? " (at the drain timeout, with requests in flight or tunnels open)" : "");
            case DeployPhase.Aborted a -> a.oldStillLive() ? from + " still live, nothing changed for clients"
                    : to + " live, " + from + " not retired";
        };
        String reason = phase instanceof DeployPhase.Aborted a ? a.reason() : null;
        return new DeployView(pool, from, to, mode.apiName(), name, detail, epoch, startedAt.toString(),
                endedAt == null ? null : endedAt.toString(), reason, switched, steps);
    }

    /** Whether the deploy has ended: done or aborted. */
    public boolean ended() {
        return "done".equals(phase) || "aborted".equals(phase);
    }

    private static String requests(int n, String version) {
        return n + (n == 1 ? " request of " : " requests of ") + version;
    }
}
