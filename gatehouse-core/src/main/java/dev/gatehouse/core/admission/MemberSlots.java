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
    /** Of those, slots held by requests of slow routes. */
    int slowHeld;
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

    /**
     * Whether a request may take a free slot: not when that slot is a probe above the limit the
     * backend has proven ({@link Limit#proven()}) and the request is slow or the backend holds a
     * slow one, which would make a request wait up to a slow request's time behind it.
     */
    boolean takes(boolean slow) {
        return usable(slow) > 0;
    }

    /** How many of the free slots a request of this kind may take (see {@link #takes}). */
    int usable(boolean slow) {
        int free = free();
        if (free == 0 || !(slow || slowHeld > 0)) {
            return free;
        }
        return Math.min(free, Math.max(0, limit.proven() - held));
    }
}
