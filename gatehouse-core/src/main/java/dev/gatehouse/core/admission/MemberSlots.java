package dev.gatehouse.core.admission;

import dev.gatehouse.core.balance.Member;

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

    MemberSlots(Member member, Limit limit) {
        this.member = member;
        this.limit = limit;
    }

    /** Free slots now (0 when the limit fell below what is held). */
    int free() {
        return Math.max(0, limit.current() - held);
    }
}
