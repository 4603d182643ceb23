package dev.gatehouse.core.fleet;

import dev.gatehouse.core.time.Clock;
import java.time.Duration;

/**
 * Whether this node's copy of the fleet's state is known to be current. It is while a
 * linearizable read of the store (one that etcd answers only as its leader, after a quorum
 * confirmed it) succeeded less than {@code stale_after} ago, on this node's own monotonic clock.
 * A read counts from when it was sent, not when its answer came: the state was current at least
 * then. Past {@code stale_after} without one, the node is stale: cut off from the store or from a
 * quorum of it, it cannot know whether another node changed the state, and it must not act as if
 * it knew. Lease expiry plays no part (etcd resets lease TTLs at every change of leader). Thread-safe.
 */
public final class Freshness {

    private final Clock clock;
    private final long staleAfterNanos;
    private volatile long confirmedNanos;

    /**
     * A view confirmed now (a node starts from a linearizable read of the state).
     *
     * @param staleAfter how long a view stays current without another confirmed read
     */
    public Freshness(Duration staleAfter, Clock clock) {
        if (staleAfter.isZero() || staleAfter.isNegative()) {
            throw new IllegalArgumentException("stale_after: " + staleAfter + " (expected: more than 0)");
        }
        this.clock = clock;
        this.staleAfterNanos = staleAfter.toNanos();
        this.confirmedNanos = clock.nanoTime();
    }

    /**
     * A view not confirmed yet: stale until its first {@link #confirmed}. For a node that must
     * register and confirm its state before it serves strict pools.
     */
    public static Freshness unconfirmed(Duration staleAfter, Clock clock) {
        Freshness f = new Freshness(staleAfter, clock);
        f.confirmedNanos = clock.nanoTime() - f.staleAfterNanos - 1;
        return f;
    }

    /**
     * A linearizable read sent at {@code sentNanos} (this clock's time) succeeded. An older
     * confirmation than the last one changes nothing (answers may arrive out of order).
     */
    public void confirmed(long sentNanos) {
        synchronized (this) {
            if (sentNanos - confirmedNanos > 0) {
                confirmedNanos = sentNanos;
            }
        }
    }

    /** Whether the view is stale now: no read confirmed it for longer than {@code stale_after}. */
    public boolean stale() {
        return sinceConfirmedNanos() > staleAfterNanos;
    }

    /** How long ago the last confirmed read was sent. */
    public Duration sinceConfirmed() {
        return Duration.ofNanos(Math.max(0, sinceConfirmedNanos()));
    }

    private long sinceConfirmedNanos() {
        return clock.nanoTime() - confirmedNanos;
    }
}
