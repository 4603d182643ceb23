package dev.gatehouse.core.balance;

/**
 * The share of its normal traffic a member may take now: below 1 while it ramps up after joining
 * or coming back. Read on every pick; must be cheap, non-blocking and thread-safe.
 */
public interface SlowStart {

    /** Every member takes its full share. */
    SlowStart NONE = member -> 1.0;

    /**
     * Whether any member may be ramping now; when false every share is 1 and callers may skip
     * asking. The default says yes (always correct, never cheaper).
     */
    default boolean active() {
        return true;
    }

    /**
     * The member's share now.
     *
     * @return a value in (0, 1]; 1 for a member that takes its full share
     */
    double share(Member member);
}
