package dev.gatehouse.core.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each candidate in turn. One shared counter; under contention from several event loops the
 * rotation stays even because every pick takes a distinct ticket.
 */
final class RoundRobinBalancer implements Balancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Member pick(List<Member> candidates, PickContext context) {
        int n = candidates.size();
        if (n == 0) {
            return null;
        }
        int ticket = next.getAndIncrement();
        return candidates.get(Math.floorMod(ticket, n));
    }
}
