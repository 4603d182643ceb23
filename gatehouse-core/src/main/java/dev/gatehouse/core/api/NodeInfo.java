package dev.gatehouse.core.api;

import dev.gatehouse.core.state.RuntimeState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/node}: what the node is and what differs from its config file.
 *
 * @param version       the Gatehouse version ({@code dev} outside a release jar)
 * @param startedAt     when the node started, ISO-8601 UTC
 * @param uptimeSeconds seconds since then
 * @param stateRevision the revision of the runtime state (grows by one at every change)
 * @param stateFile     where runtime changes are kept
 * @param transport     {@code epoll} or {@code nio}
 * @param pools         per pool, the live version and the epoch it serves
 * @param runtime       the runtime changes in force: what differs from the config file
 * @param listeners     the client listeners, with their certificates' names and expiry
 * @param fleet         the fleet this node belongs to, or null for a node on its own
 */
public record NodeInfo(String version, String startedAt, long uptimeSeconds, long stateRevision, String stateFile,
                       String transport, Map<String, PoolEpoch> pools, RuntimeState runtime, List<ListenerView> listeners,
                       Fleet fleet) {

    /** Copies. */
    public NodeInfo {
        pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
    }

    /** Without listeners (their views came later) and without a fleet. */
    public NodeInfo(String version, String startedAt, long uptimeSeconds, long stateRevision, String stateFile,
                    String transport, Map<String, PoolEpoch> pools, RuntimeState runtime) {
        this(version, startedAt, uptimeSeconds, stateRevision, stateFile, transport, pools, runtime, List.of(), null);
    }

    /**
     * The fleet as this node sees it.
     *
     * @param name                 the fleet's name
     * @param node                 this node's name in it
     * @param stale                whether this node's state is not known to be current
     * @param sinceConfirmedMillis how long ago a read of the fleet's state last confirmed it
     * @param nodes                every node that reports a heartbeat, by name
     */
    public record Fleet(String name, String node, boolean stale, long sinceConfirmedMillis, List<FleetNode> nodes) {

        /** Copies. */
        public Fleet {
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * One node of the fleet, from its last heartbeat.
     *
     * @param name               its name
     * @param stateRevision      the store revision of the state in force on it
     * @param revisionLag        how far that is behind the newest any node reports (0: current)
     * @param heartbeatAgeMillis how long ago it reported, by this node's clock
     * @param stale              whether it reported itself stale
     * @param pools              per pool, the live version and epoch it serves
     * @param role               {@code balancer} or {@code agent}
     * @param apps               on an agent, per app: how many of its instances of each version are registered
     */
    public record FleetNode(String name, long stateRevision, long revisionLag, long heartbeatAgeMillis, boolean stale,
                            Map<String, PoolEpoch> pools, String role, Map<String, Map<String, Integer>> apps) {

        /** Copies. */
        public FleetNode {
            pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
            apps = Collections.unmodifiableMap(new LinkedHashMap<>(apps));
        }
    }

    /**
     * A pool's deploy position.
     *
     * @param epoch       grows by one at every change of the live version (0 until the first deploy)
     * @param liveVersion the version that takes traffic, or null while none is set
     */
    public record PoolEpoch(long epoch, String liveVersion) {
    }
}
