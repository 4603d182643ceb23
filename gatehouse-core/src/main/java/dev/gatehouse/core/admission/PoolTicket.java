package dev.gatehouse.core.admission;

import dev.gatehouse.core.balance.Member;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A ticket of a pool: remembers what its release must undo and learn from (the slots it holds,
 * whether it counted as slow, its route key, when and at what use it started). Released exactly
 * once: a compare-and-set on a flag lets only the first call through, from any thread.
 */
final class PoolTicket implements Ticket {

    /** Undoes a grant; called once per ticket. */
    interface Releaser {
        void release(PoolTicket ticket, long latencyNanos, Outcome outcome);
    }

    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(PoolTicket.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Releaser releaser;
    final Member member;
    /** The slots it holds, or null without limits. */
    final MemberSlots slots;
    final boolean slow;
    /** Its route key, or null without a slow lane. */
    final String routeKey;
    final long startNanos;
    final int inFlightAtStart;
    @SuppressWarnings("unused") // through RELEASED
    private volatile boolean released;

    PoolTicket(Releaser releaser, Member member, MemberSlots slots, boolean slow, String routeKey, long startNanos,
               int inFlightAtStart) {
        this.releaser = releaser;
        this.member = member;
        this.slots = slots;
        this.slow = slow;
        this.routeKey = routeKey;
        this.startNanos = startNanos;
        this.inFlightAtStart = inFlightAtStart;
    }

    @Override
    public Member member() {
        return member;
    }

    @Override
    public void release(long latencyNanos, Outcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        if (RELEASED.compareAndSet(this, false, true)) {
            releaser.release(this, latencyNanos, outcome);
        }
    }

    /** Whether it was released. */
    boolean released() {
        return released;
    }

    @Override
    public String toString() {
        return "ticket for " + member.id() + (slow ? " (slow)" : "");
    }
}
