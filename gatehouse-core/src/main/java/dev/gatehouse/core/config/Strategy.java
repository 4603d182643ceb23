package dev.gatehouse.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** How a pool spreads requests over its backends. */
public enum Strategy {
    /** Each backend in turn, ignoring weights. */
    ROUND_ROBIN("round-robin"),
    /** Each backend in turn, as often as its weight says, interleaved smoothly (nginx's algorithm). */
    WEIGHTED_ROUND_ROBIN("weighted-round-robin"),
    /** The backend with the fewest requests in flight (relative to its weight); ties broken at random. */
    LEAST_CONNECTIONS("least-connections"),
    /** Power of two choices: of two random backends, the one with the lower in-flight × peak-EWMA latency. */
    P2C_EWMA("p2c-ewma"),
    /** A hash of a request key (client IP, header, cookie or path) on a ring with virtual nodes. */
    CONSISTENT_HASH("consistent-hash"),
    /** A random backend, in proportion to weight. */
    RANDOM("random");

    /** The strategy of a pool that names none. */
    public static final Strategy DEFAULT = P2C_EWMA;

    private final String configName;

    Strategy(String configName) {
        this.configName = configName;
    }

    /** The name used in config files, e.g. {@code round-robin}. */
    public String configName() {
        return configName;
    }

    /** Finds a strategy by its config name. */
    public static Optional<Strategy> byConfigName(String name) {
        return Arrays.stream(values()).filter(s -> s.configName.equals(name)).findFirst();
    }

    /** Every config name, in declaration order. */
    public static List<String> configNames() {
        return Arrays.stream(values()).map(Strategy::configName).toList();
    }
}
