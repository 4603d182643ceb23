package dev.gatehouse.core.balance;

import dev.gatehouse.core.state.Backend;
import java.util.List;

/**
 * Picks the backend for one request among a pool's available backends.
 *
 * <p>Contract: {@link #pick} is called concurrently from every event loop, must not block, must not
 * do I/O, and returns one element of {@code candidates}, or {@code null} exactly when
 * {@code candidates} is empty. A balancer may keep state (counters, latencies); it outlives
 * snapshots of its pool so that a change of backends does not reset the rotation.
 */
public interface Balancer {

    /**
     * Picks a backend.
     *
     * @param candidates the backends that may take the request, in the pool's order; never modified
     * @param context    the request
     * @return one of {@code candidates}, or {@code null} when it is empty
     */
    Backend pick(List<Backend> candidates, PickContext context);

    /** A balancer that gives each candidate a request in turn, ignoring weights. */
    static Balancer roundRobin() {
        return new RoundRobinBalancer();
    }
}
