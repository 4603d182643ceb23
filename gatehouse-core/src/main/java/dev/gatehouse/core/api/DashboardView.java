package dev.gatehouse.core.api;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/dashboard}, and each event of {@code GET /api/v1/events}: everything the
 * dashboard shows, read at one moment. Counters are totals; the dashboard turns two readings into
 * rates with {@code atMillis}.
 *
 * @param version        the Gatehouse version
 * @param uptimeSeconds  since the node started
 * @param stateRevision  the runtime state's revision
 * @param atMillis       when this was read, epoch milliseconds (the node's clock)
 * @param pools          every pool with its versions and its backends' traffic
 * @param deploys        the deploys running now, with their timelines
 * @param recentDeploys  the last ended deploys, newest first
 * @param fleet          the fleet as this node sees it, or null for a node on its own
 */
public record DashboardView(String version, long uptimeSeconds, long stateRevision, long atMillis,
                            List<Pool> pools, List<DeployView> deploys, List<DeployView> recentDeploys,
                            NodeInfo.Fleet fleet) {

    /** Copies. */
    public DashboardView {
        pools = List.copyOf(pools);
        deploys = List.copyOf(deploys);
        recentDeploys = List.copyOf(recentDeploys);
    }

    /**
     * A pool on the dashboard.
     *
     * @param view          the pool as {@code GET /api/v1/pools/{pool}} shows it
     * @param liveVersion   the version new requests go to, or null when none was chosen
     * @param epoch         the pool's epoch (one more at every cutover)
     * @param canary        the canary version, or null
     * @param canaryPercent its share of new requests, 0 without a canary
     * @param traffic       each backend's traffic, by address
     */
    public record Pool(PoolView view, String liveVersion, long epoch, String canary, int canaryPercent,
                       Map<String, BackendTraffic> traffic) {

        /** Copies. */
        public Pool {
            traffic = Map.copyOf(traffic);
        }
    }
}
