package dev.gatehouse.core.health;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.SlowStartConfig;
import java.util.Locale;
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

    /** The status of a backend at {@code now}, from its health record and the pool's slow start. */
    static BackendStatus of(BackendHealth h, long now, SlowStartConfig slowStart) {
        AdminState admin = h.member.backend().admin();
        if (admin == AdminState.MAINT) {
            return new BackendStatus(BackendState.MAINTENANCE, "in maintenance by an operator", 0, 0, h.ejections, h.lastCheck);
        }
        if (h.draining || admin == AdminState.DRAIN) {
            return new BackendStatus(BackendState.DRAINING, "drained by an operator", 0, 0, h.ejections, h.lastCheck);
        }
        if (h.ejected()) {
            return new BackendStatus(BackendState.EJECTED, h.ejectReason, Math.max(0, h.ejectedUntil - now), 0,
                    h.ejections, h.lastCheck);
        }
        if (!h.checkHealthy) {
            return new BackendStatus(BackendState.UNHEALTHY, h.uncheckReason, 0, 0, h.ejections, h.lastCheck);
        }
        double share = SlowStartRamp.share(h, now, slowStart);
        if (share < 1.0) {
            long left = h.rampStart + slowStart.window().toNanos() - now;
            return new BackendStatus(BackendState.SLOW_STARTING,
                    String.format(Locale.ROOT, "ramping up: %.0f %% of its share", share * 100), left, share, h.ejections, h.lastCheck);
        }
        return new BackendStatus(BackendState.HEALTHY, "", 0, 1.0, h.ejections, h.lastCheck);
    }
}
