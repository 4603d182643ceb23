package dev.gatehouse.core.admission;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.SlowStart;

/**
 * The slots of one backend: its limit and how many of them tickets hold. Keyed in the pool by the
 * backend's {@link dev.gatehouse.core.balance.BackendLoad}, which outlives snapshots, so a new
 * snapshot's {@link Member} object for the same backend finds the same slots. Guarded by the
 * pool's lock.
 */
final class MemberSlots {

    /** The newest member object of this backend, the one grants name. */
    Member member;
    final Limit limit;
    /** Slots held by unreleased tickets. */
    int held;
    /** In the latest candidate list: only current backends get new grants. */
    boolean current;

    private final SlowStart ramp;

    MemberSlots(Member member, Limit limit, SlowStart ramp) {
        this.member = member;
        this.limit = limit;
        this.ramp = ramp;
    }

    /**
     * Free slots now (0 when the limit fell below what is held). A slow-starting backend's limit is
     * scaled by its share, rounded up: it always has at least one slot.
     */
    int free() {
        int max = limit.current();
        double share = ramp.share(member);
        if (share < 1.0) {
            max = Math.max(1, (int) Math.ceil(max * share));
        }
        return Math.max(0, max - held);
    }
}
