package dev.gatehouse.core.fleet;

/**
 * A node's membership of a fleet as the rest of the node sees it: without I/O, so that the admin
 * API and the data plane may read it on an event loop.
 */
public interface FleetStatus {

    /** The fleet's name. */
    String fleet();

    /** This node's name in the fleet. */
    String node();

    /** Whether this node's state is known to be current ({@link Freshness}). */
    Freshness freshness();

    /** The nodes as this node last read their heartbeats (every heartbeat; empty before the first). */
    FleetView view();
}
