package dev.gatehouse.core.health;

import java.util.Objects;

/**
 * A backend's health, explained, at one moment.
 *
 * @param state          where it stands
 * @param reason         why, in a sentence (the last failed check, the failures that ejected it,
 *                       the ramp's progress); empty when healthy for no particular reason
 * @param remainingNanos for {@code EJECTED} the time until it comes back, for {@code SLOW_STARTING}
 *                       the time left of the ramp; otherwise 0
 * @param share          the share of its normal traffic it may take now, 0-1 (1 when healthy,
 *                       the ramp's progress when slow-starting, 0 when it takes nothing)
 * @param ejections      how many times it was ejected; the good behaviour since the last ejection
 *                       is forgiven (one per base ejection time) when it is ejected again
 * @param lastCheck      the last active check's result, or empty when none ran
 */
public record BackendStatus(BackendState state, String reason, long remainingNanos, double share, int ejections,
                            String lastCheck) {

    /** Validates the parts. */
    public BackendStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(lastCheck, "lastCheck");
    }
}
