package dev.gatehouse.core.deploy;

/** Where a deploy stands; each phase carries what a progress display shows. */
public sealed interface DeployPhase {

    /** Whether the deploy has ended (done or aborted). */
    default boolean ended() {
        return this instanceof Done || this instanceof Aborted;
    }

    /** Waiting for the readiness gate: {@code healthy} of {@code needed} new backends are healthy. */
    record Gating(int healthy, int needed) implements DeployPhase {
    }

    /** Warm-up requests sent to the new version: {@code done} of {@code total} completed. */
    record Warming(int done, int total) implements DeployPhase {
    }

    /** Strict cutover: new requests held while the old version's {@code oldInFlight} finish. */
    record Holding(int oldInFlight) implements DeployPhase {
    }

    /**
     * Switched to the new version (at {@code epoch}); the old one's {@code oldInFlight} requests
     * finish and its {@code oldTunnels} open tunnels end (as the pool's tunnel policy says).
     */
    record Draining(long epoch, int oldInFlight, int oldTunnels) implements DeployPhase {

        /** Draining without tunnels. */
        public Draining(long epoch, int oldInFlight) {
            this(epoch, oldInFlight, 0);
        }
    }

    /**
     * The new version is live at {@code epoch} and the old one retired; {@code drainForced} when
     * requests or tunnels of the old version were still open at the deadline.
     */
    record Done(long epoch, boolean drainForced) implements DeployPhase {
    }

    /**
     * The deploy stopped; {@code oldStillLive} says the old version was never replaced (every
     * abort before the switch), so clients saw no change.
     */
    record Aborted(String reason, boolean oldStillLive) implements DeployPhase {
    }
}
