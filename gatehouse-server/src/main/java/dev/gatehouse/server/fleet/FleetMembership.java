package dev.gatehouse.server.fleet;

import dev.gatehouse.core.fleet.FleetStatus;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A node's part in a fleet, from the moment it joins one (after its start) to its stop: the
 * fleet's status it follows, its share of the fleet's cutovers, and, for an agent, the apps it
 * runs for the fleet. Empty for a node on its own. Thread-safe: joined from the fleet's client,
 * read by the admin API and the listeners, closed by the node's stop.
 */
public final class FleetMembership {

    private final AtomicReference<FleetStatus> status = new AtomicReference<>();
    private volatile FleetCutovers cutovers;
    private volatile AgentApps apps;

    /** The node follows the fleet of {@code fleet} from now on. */
    public void join(FleetStatus fleet) {
        status.set(Objects.requireNonNull(fleet, "status"));
    }

    /** The fleet followed, or null on its own. */
    public FleetStatus status() {
        return status.get();
    }

    /** The node takes part in the fleet's cutovers through {@code c}; returns it. */
    public FleetCutovers cutovers(FleetCutovers c) {
        cutovers = c;
        return c;
    }

    /** The node, an agent, runs {@code a} for the fleet; it is started here. */
    public AgentApps runApps(AgentApps a) {
        apps = a;
        a.start();
        return a;
    }

    /** Ends the node's part in cutovers (before its pools close); nothing when there is none. */
    public void closeCutovers() {
        FleetCutovers c = cutovers;
        if (c != null) {
            c.close();
        }
    }

    /** Stops the apps run for the fleet (after the node's drain); nothing when there are none. */
    public void closeApps() {
        AgentApps a = apps;
        if (a != null) {
            a.close();
        }
    }
}
