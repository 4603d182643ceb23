package dev.gatehouse.server.supervisor;

import dev.gatehouse.core.config.HostPort;
import java.util.Objects;

/**
 * One supervised instance as it was at one moment: an immutable view.
 *
 * @param app      the app's name
 * @param version  the version it runs
 * @param instance its number, 1 to the app's {@code instances}
 * @param address  where it is told to listen, {@code 127.0.0.1:<port>}; the port stays the same across restarts
 * @param pid      its process id, or -1 when no process runs (restarting, stopped, failed)
 * @param state    where it is in its life
 * @param restarts how often it was restarted after exiting on its own
 */
public record AppInstance(String app, String version, int instance, HostPort address, long pid, InstanceState state,
                          int restarts) {

    /** Checks the parts. */
    public AppInstance {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
    }

    /** Names it in logs: {@code web v42 #3}. */
    public String name() {
        return app + " " + version + " #" + instance;
    }
}
