package dev.gatehouse.core.balance;

import dev.gatehouse.core.config.HashConfig;
import dev.gatehouse.core.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;

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

    /** Smooth weighted round robin (nginx): each candidate as often as its weight, interleaved. */
    static Balancer weightedRoundRobin() {
        return new WeightedRoundRobinBalancer();
    }

    /**
     * The candidate with the fewest requests in flight relative to its weight; ties at random.
     *
     * @param random thread-safe randomness for breaking ties
     */
    static Balancer leastConnections(RandomGenerator random) {
        return new LeastConnectionsBalancer(random);
    }

    /**
     * Power of two choices: of two distinct candidates drawn uniformly, the one with the lower
     * {@code (inFlight + 1) * peak-EWMA latency / weight}.
     *
     * @param clock  time, to decay the latency of idle backends
     * @param random thread-safe randomness for the draws
     */
    static Balancer p2cEwma(Clock clock, RandomGenerator random) {
        return new P2cEwmaBalancer(clock, random);
    }

    /**
     * Consistent hashing of a request key on a ring with virtual nodes, optionally with bounded load.
     *
     * @param config the key source and the load bound
     */
    static Balancer consistentHash(HashConfig config) {
        return new ConsistentHashBalancer(config);
    }

    /**
     * A random candidate, in proportion to weight.
     *
     * @param random thread-safe randomness
     */
    static Balancer random(RandomGenerator random) {
        return new RandomBalancer(random);
    }

    /**
     * Wraps a balancer with slow start: a member whose {@link SlowStart#share} is {@code s < 1}
     * keeps the inner balancer's pick with probability {@code s}, otherwise the inner balancer picks
     * again (the new pick subject to its own share; among the others if it insists on the same one).
     *
     * @param inner  the strategy
     * @param ramp   each member's share now
     * @param random thread-safe randomness
     */
    static Balancer slowStart(Balancer inner, SlowStart ramp, RandomGenerator random) {
        return new SlowStartBalancer(inner, ramp, random);
    }
}
