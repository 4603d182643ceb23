package dev.gatehouse.server;

import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.GatehouseConfig;
import java.io.IOException;

/**
 * Where a node's configuration comes from, read again at every reload ({@code POST /api/v1/reload},
 * {@code gatehouse reload}). Typically {@code () -> ConfigLoader.load(path)}. Called off the event
 * loops, one reload at a time.
 */
@FunctionalInterface
public interface ConfigSource {

    /**
     * Reads and validates the configuration as it is now.
     *
     * @throws ConfigException with every error found; the node keeps what it has
     * @throws IOException     when it cannot be read at all
     */
    GatehouseConfig load() throws ConfigException, IOException;
}
