package dev.gatehouse.core.config;

import java.util.Arrays;
import java.util.Optional;

/** How a pool spreads requests over its backends. */
public enum Strategy {
    /** Each backend in turn. */
    ROUND_ROBIN("round-robin");

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
}
