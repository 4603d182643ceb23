package dev.gatehouse.server.restart;

import java.io.IOException;
import java.util.Map;

/** Starts the process that replaces this one: the same command line, in the same directory. */
@FunctionalInterface
public interface Successor {

    /**
     * Starts it.
     *
     * @param environment variables to add to this process's environment
     * @return the started process
     * @throws IOException when it cannot be started
     */
    Process start(Map<String, String> environment) throws IOException;
}
