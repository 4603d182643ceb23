package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.NodeInfo;
import dev.gatehouse.core.fleet.FleetStatus;
import dev.gatehouse.core.state.Snapshot;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/node} and {@code GET /metrics}: built on the event loop from the snapshot in
 * force (which carries the runtime state it was built from), never from the control plane, whose
 * lock a change may hold for a while.
 */
final class NodeResource {

    private final AdminContext context;

    NodeResource(AdminContext context) {
        this.context = context;
    }

    AdminResponse node() {
        Snapshot s = context.snapshots().current();
        Map<String, NodeInfo.PoolEpoch> pools = new LinkedHashMap<>();
        // Epochs and live versions come with deploys; until then every pool serves epoch 0.
        s.pools().forEach((name, p) -> pools.put(name, new NodeInfo.PoolEpoch(p.epoch(), p.liveVersion())));
        long uptime = Duration.between(context.startedAt(), context.clock().instant()).toSeconds();
        return AdminResponse.json(HttpResponseStatus.OK, new NodeInfo(context.version(), context.startedAt().toString(),
                Math.max(0, uptime), s.runtime().revision(), context.control().store(), context.transport(), pools,
                s.runtime(), context.tls().listeners(), fleet(context.fleet().get())));
    }

    /** The fleet as this node last read it (no I/O here: the heartbeat keeps the view). */
    static NodeInfo.Fleet fleet(FleetStatus status) {
        if (status == null) {
            return null;
        }
        List<NodeInfo.FleetNode> nodes = status.view().nodes().stream().map(m -> {
            Map<String, NodeInfo.PoolEpoch> epochs = new LinkedHashMap<>();
            m.report().pools().forEach((pool, e) -> epochs.put(pool, new NodeInfo.PoolEpoch(e.epoch(), e.live())));
            return new NodeInfo.FleetNode(m.report().name(), m.report().revision(), m.revisionLag(), m.heartbeatAgeMillis(),
                    m.report().stale(), epochs, m.report().role(), apps(m.report()));
        }).toList();
        return new NodeInfo.Fleet(status.fleet(), status.node(), status.freshness().stale(),
                status.freshness().sinceConfirmed().toMillis(), nodes);
    }

    /** An agent's apps: per app, its registered instances by version. */
    private static Map<String, Map<String, Integer>> apps(dev.gatehouse.core.fleet.NodeReport report) {
        Map<String, Map<String, Integer>> apps = new LinkedHashMap<>();
        report.apps().forEach((app, run) -> apps.put(app, run.running()));
        return apps;
    }

    /**
     * {@code GET /api/v1/health}: 200 while the node serves from a state it knows to be current;
     * 503 while its fleet state is stale, or before it has joined the fleet its config names, so
     * that a health check moves traffic away from it.
     */
    AdminResponse health() {
        FleetStatus fleet = context.fleet().get();
        Map<String, Object> body = new LinkedHashMap<>();
        if (fleet == null && context.snapshots().current().config().fleet() != null) {
            // Configured for a fleet, not a member yet: its strict pools answer 503 until it is.
            body.put("status", "joining");
            return AdminResponse.json(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
        }
        if (fleet != null && fleet.freshness().stale()) {
            body.put("status", "stale");
            body.put("since_confirmed_millis", fleet.freshness().sinceConfirmed().toMillis());
            return AdminResponse.json(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
        }
        body.put("status", "ok");
        return AdminResponse.json(HttpResponseStatus.OK, body);
    }

    AdminResponse metrics() {
        if (context.metrics() == null) {
            throw AdminProblem.notFound("this node serves no metrics yet", null);
        }
        return AdminResponse.metrics(context.metrics().get());
    }
}
