package dev.gatehouse.core.balance;

import dev.gatehouse.core.config.HashConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.time.Clock;
import java.util.random.RandomGenerator;

/** Creates the balancer of a strategy. */
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
     */
    public static Balancer create(Strategy strategy, HashConfig hash, Clock clock, RandomGenerator random) {
        return switch (strategy) {
            case ROUND_ROBIN -> Balancer.roundRobin();
            case WEIGHTED_ROUND_ROBIN, LEAST_CONNECTIONS, P2C_EWMA, CONSISTENT_HASH, RANDOM ->
                    throw new UnsupportedOperationException(strategy.configName() + " is being implemented");
        };
    }
}
