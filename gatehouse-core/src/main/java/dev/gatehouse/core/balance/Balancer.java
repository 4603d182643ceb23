package dev.gatehouse.core.balance;

import java.util.List;

/**
 * Picks the backend for one request among a pool's available members.
 *
 * <p>Contract: {@link #pick} is called concurrently from every event loop, must not block (a short
 * critical section is fine), must not do I/O, and returns one element of {@code candidates}, or
 * {@code null} exactly when {@code candidates} is empty. It does not count the request as started:
 * whoever sends it calls {@link BackendLoad#started()}. A balancer may keep state (counters,
 * rings); it outlives snapshots of its pool, so a change of members or weights does not reset it,
 * and it must cope with members it has not seen before and with members that are gone.
 */
public interface Balancer {

    /**
     * Picks a member.
     *
     * @param candidates the members that may take the request, in the pool's order; never modified
     * @param context    the request
     * @return one of {@code candidates}, or {@code null} when it is empty
     */
    Member pick(List<Member> candidates, PickContext context);

    /** A balancer that gives each candidate a request in turn, ignoring weights. */
    static Balancer roundRobin() {
        return new RoundRobinBalancer();
    }
}
