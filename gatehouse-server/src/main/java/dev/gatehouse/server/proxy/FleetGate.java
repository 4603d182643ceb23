package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.FleetConfig;
import dev.gatehouse.core.fleet.FleetStatus;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Whether a pool refuses requests because this node's fleet state is stale: a node cut off from
 * the fleet's store cannot know whether another node switched a version or drained a backend, so
 * it answers 503 rather than serve from what may be an old state, unless the pool is one of
 * {@code fleet.serve_when_stale}. A node outside a fleet never refuses. Read once per request on
 * the event loops: one volatile read, and a clock read only in a fleet.
 */
final class FleetGate {

    /** A node on its own. */
    static final FleetGate NONE = new FleetGate(() -> null, Set.of());

    private final Supplier<FleetStatus> status;
    private final Set<String> serveWhenStale;

    FleetGate(Supplier<FleetStatus> status, Set<String> serveWhenStale) {
        this.status = status;
        this.serveWhenStale = serveWhenStale;
    }

    static FleetGate of(FleetConfig fleet, Supplier<FleetStatus> status) {
        return fleet == null ? NONE : new FleetGate(status, Set.copyOf(fleet.serveWhenStale()));
    }

    /**
     * Why {@code pool} refuses requests now, or null when it serves.
     */
    String refusal(String pool) {
        if (this == NONE || serveWhenStale.contains(pool)) {
            return null;
        }
        FleetStatus s = status.get();
        if (s == null) {
            // Listening, but not a member yet: it serves strict pools once registered and current.
            return "this node has not joined its fleet yet: pool " + pool + " answers 503 until it has";
        }
        if (!s.freshness().stale()) {
            return null;
        }
        return "this node's state is stale (no confirmed read of fleet " + s.fleet() + "'s state for "
                + s.freshness().sinceConfirmed().toMillis() + " ms): pool " + pool + " answers 503 until it is current";
    }
}
