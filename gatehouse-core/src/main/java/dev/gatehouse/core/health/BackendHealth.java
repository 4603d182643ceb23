package dev.gatehouse.core.health;

import dev.gatehouse.core.balance.Member;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The health state of one backend. Its transitions are made by {@link PoolHealth} under the pool's
 * lock, because ejection needs the whole pool; the only fields touched without it are the
 * counters of failures in a row, which every request outcome updates.
 */
final class BackendHealth {

    /** Sentinel for "no deadline". */
    static final long NEVER = Long.MAX_VALUE;

    /** The newest member object of this backend (members are replaced by snapshots, loads are not). */
    Member member;

    // Active checks (guarded by the pool's lock).
    /** Healthy as far as active checks tell; true without checks. */
    boolean checkHealthy;
    /** No check has passed yet: the first failure counts as {@code fall} of them. */
    boolean unproven;
    int passesInARow;
    int failuresInARow;
    String lastCheck = "";
    String uncheckReason = "";

    // Passive outlier detection: counters without the lock, ejection under it.
    final AtomicInteger connectFailures = new AtomicInteger();
    final AtomicInteger serverErrors = new AtomicInteger();
    final AtomicInteger timeouts = new AtomicInteger();
    /**
     * When the current ejection ends, or {@link #NEVER} when not ejected. Written under the pool's
     * lock; volatile because request outcomes read it without the lock.
     */
    volatile long ejectedUntil = NEVER;
    String ejectReason = "";
    /** Ejections so far, counted down by one for every base ejection time it behaved since. */
    int ejections;
    /** When the last ejection ended (for counting ejections down). */
    long lastEjectionEnd;

    // Slow start.
    /** When the ramp began, or {@link #NEVER} when the backend takes its full share; read on picks without the lock. */
    volatile long rampStart = NEVER;

    // Operator.
    boolean draining;

    BackendHealth(Member member, boolean checkHealthy) {
        this.member = member;
        this.checkHealthy = checkHealthy;
        this.unproven = true;
        if (!checkHealthy) {
            uncheckReason = "waiting for its first passing health check";
        }
    }

    /** What an active check's result changed; the pool logs it and starts a ramp after a comeback. */
    enum CheckOutcome {
        NONE,
        /** Passing checks ended an ejection early: first-hand news that the backend is back. */
        BACK_EARLY,
        /** Passing checks made an unhealthy backend healthy. */
        HEALTHY,
        /** Failing checks made a healthy backend unhealthy ({@link #uncheckReason} says why). */
        UNHEALTHY
    }

    /**
     * Takes an active check's result: {@code rise} passes in a row make an unhealthy backend
     * healthy (one before its first pass), and end an ejection early; {@code fall} failures in a
     * row make a healthy one unhealthy (one before its first pass). Under the pool's lock.
     *
     * @return what changed (an ejection ends early only for a backend its checks call healthy, so
     *         at most one thing changes)
     */
    CheckOutcome checkResult(boolean passed, String detail, int rise, int fall, long now) {
        lastCheck = (passed ? "passed: " : "failed: ") + detail;
        CheckOutcome outcome = CheckOutcome.NONE;
        if (passed) {
            failuresInARow = 0;
            passesInARow++;
            if (ejected() && checkHealthy && passesInARow >= rise) {
                // Passing checks are first-hand news that a backend is back (a restarted app
                // process, say): they end its ejection early, as Envoy does by default.
                ejectedUntil = NEVER;
                lastEjectionEnd = now;
                outcome = CheckOutcome.BACK_EARLY;
            }
            if (!checkHealthy && passesInARow >= (unproven ? 1 : rise)) {
                checkHealthy = true;
                uncheckReason = "";
                outcome = CheckOutcome.HEALTHY;
            }
            unproven = false;
        } else {
            passesInARow = 0;
            failuresInARow++;
            if (checkHealthy && (unproven || failuresInARow >= fall)) {
                checkHealthy = false;
                rampStart = NEVER;
                uncheckReason = failuresInARow + " health check(s) failed in a row, the last: " + detail;
                outcome = CheckOutcome.UNHEALTHY;
            }
        }
        return outcome;
    }

    boolean ejected() {
        return ejectedUntil != NEVER;
    }

    /** Clears every failure-in-a-row counter; cheap when they are clear already (the common case). */
    void clearFailures() {
        if (connectFailures.get() != 0) {
            connectFailures.set(0);
        }
        if (serverErrors.get() != 0) {
            serverErrors.set(0);
        }
        if (timeouts.get() != 0) {
            timeouts.set(0);
        }
    }
}
