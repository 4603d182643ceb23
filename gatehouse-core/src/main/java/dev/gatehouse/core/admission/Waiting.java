package dev.gatehouse.core.admission;

import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.balance.PickContext;

/** A queued request: a node of the {@link WaitQueue}. Guarded by the pool's lock. */
final class Waiting {

    final Waiter waiter;
    final PickContext context;
    final Balancer balancer;
    /** The load of the member it is pinned to, or null; resolved against the candidates at each grant. */
    final BackendLoad pinned;
    final String routeKey;
    final boolean slow;
    final long enqueuedNanos;
    Waiting prev;
    Waiting next;

    Waiting(Waiter waiter, PickContext context, Balancer balancer, BackendLoad pinned, String routeKey, boolean slow,
            long enqueuedNanos) {
        this.waiter = waiter;
        this.context = context;
        this.balancer = balancer;
        this.pinned = pinned;
        this.routeKey = routeKey;
        this.slow = slow;
        this.enqueuedNanos = enqueuedNanos;
    }
}
