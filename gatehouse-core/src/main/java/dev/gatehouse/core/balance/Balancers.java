package dev.gatehouse.core.balance;

import dev.gatehouse.core.config.HashConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.time.Clock;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Creates the balancer of a strategy. Each balancer is a new object with its own state (rotation,
 * ring cache); create one per pool and keep it across snapshots of that pool.
 */
public final class Balancers {

    private Balancers() {
    }

    /**
     * A new balancer.
     *
     * @param strategy the pool's strategy
     * @param hash     the hash key settings (used by {@code consistent-hash})
     * @param clock    time, for latency-aware strategies
     * @param random   randomness, for strategies that choose at random; must be thread-safe
     * @return a balancer for {@code strategy}; never null
     */
    public static Balancer create(Strategy strategy, HashConfig hash, Clock clock, RandomGenerator random) {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        return switch (strategy) {
            case ROUND_ROBIN -> Balancer.roundRobin();
            case WEIGHTED_ROUND_ROBIN -> Balancer.weightedRoundRobin();
            case LEAST_CONNECTIONS -> Balancer.leastConnections(random);
            case P2C_EWMA -> Balancer.p2cEwma(clock, random);
            case CONSISTENT_HASH -> Balancer.consistentHash(hash);
            case RANDOM -> Balancer.random(random);
        };
    }
}
