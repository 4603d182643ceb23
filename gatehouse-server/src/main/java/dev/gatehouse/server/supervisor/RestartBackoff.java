package dev.gatehouse.server.supervisor;

import dev.gatehouse.core.config.RestartConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How long an instance that exited on its own waits before it starts again: {@code backoff}, doubled
 * at every exit in a row up to {@code max_backoff}; an instance that was up for
 * {@code reset_after} or more starts again from {@code backoff}. A decision without I/O: the caller
 * measures the uptime.
 *
 * <p>Not thread-safe: one per instance, used on the supervisor's thread.
 */
final class RestartBackoff {

    private final RestartConfig config;
    private int exitsInARow;

    RestartBackoff(RestartConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * The wait before the next start, counting this exit.
     *
     * @param uptime how long the process that just exited was up
     */
    Duration next(Duration uptime) {
        if (uptime.compareTo(config.resetAfter()) >= 0) {
            exitsInARow = 0;
        }
        Duration wait = config.backoff();
        for (int i = 0; i < exitsInARow && wait.compareTo(config.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        if (wait.compareTo(config.maxBackoff()) > 0) {
            wait = config.maxBackoff();
        }
        exitsInARow++;
        return wait;
    }
}
