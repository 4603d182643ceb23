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
 */
public record NodeInfo(String version, String startedAt, long uptimeSeconds, long stateRevision, String stateFile,
                       String transport, Map<String, PoolEpoch> pools, RuntimeState runtime, List<ListenerView> listeners) {

    /** Copies. */
    public NodeInfo {
        pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
    }

    /** Without listeners (their views came later). */
    public NodeInfo(String version, String startedAt, long uptimeSeconds, long stateRevision, String stateFile,
                    String transport, Map<String, PoolEpoch> pools, RuntimeState runtime) {
        this(version, startedAt, uptimeSeconds, stateRevision, stateFile, transport, pools, runtime, List.of());
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
