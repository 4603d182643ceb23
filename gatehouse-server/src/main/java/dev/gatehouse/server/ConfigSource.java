package dev.gatehouse.server;

import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.GatehouseConfig;
import java.io.IOException;

/**
 * Where a node reads its configuration again on a reload (the admin API's {@code POST /reload},
 * SIGHUP): usually {@code () -> ConfigLoader.load(file)}.
 */
@FunctionalInterface
public interface ConfigSource {

    /**
     * Reads the configuration as it is now.
     *
     * @throws ConfigException with every error found; the node keeps what it runs
     * @throws IOException     when it cannot be read
     */
    GatehouseConfig load() throws ConfigException, IOException;
}
