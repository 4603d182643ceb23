package dev.gatehouse.server.admin;

import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.server.ConfigSource;
import dev.gatehouse.server.control.ControlPlane;
import dev.gatehouse.server.deploy.Deploys;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * What the admin API's resources work with, shared by every connection.
 *
 * @param control      the control plane; called on the control thread only
 * @param deploys      the node's deploys (each runs on a thread of its own)
 * @param snapshots    the snapshot in force, for reads on the event loop
 * @param configSource where the config is read again on reload, or null when the node was not
 *                     started from a file
 * @param executor     the control thread
 * @param metrics      the Prometheus text, or null while this node has no metrics
 * @param clock        wall-clock time (uptime, drain deadlines)
 * @param version      the Gatehouse version
 * @param startedAt    when the node started
 * @param transport    {@code epoll} or {@code nio}
 * @param tunnels      open tunnels per pool and backend, for the views
 * @param restarts     starts a hitless restart of the node
 * @param tls          the listeners' views and the TLS reload
 * @param caches       the routes' HTTP caches (views and purges)
 * @param fleet        the node's fleet membership, or null (the supplier's) for a node on its own
 * @param traffic      each backend's request counts and latency, for the dashboard
 */
record AdminContext(ControlPlane control, Deploys deploys, SnapshotHolder snapshots, ConfigSource configSource,
                    ControlExecutor executor, Supplier<String> metrics, Clock clock, String version, Instant startedAt,
                    String transport, dev.gatehouse.core.tunnel.TunnelCounts tunnels,
                    Restarts restarts, TlsAdmin tls, dev.gatehouse.server.cache.RouteCaches caches,
                    Supplier<dev.gatehouse.core.fleet.FleetStatus> fleet,
                    dev.gatehouse.core.api.BackendTraffic.Source traffic) {

    /** Starts a hitless restart (see {@code GatehouseServer.restart}). */
    @FunctionalInterface
    interface Restarts {
        java.util.concurrent.CompletableFuture<dev.gatehouse.server.restart.RestartOutcome> restart(String who);
    }
}
