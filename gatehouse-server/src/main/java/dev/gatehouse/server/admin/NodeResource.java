package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.NodeInfo;
import dev.gatehouse.core.state.Snapshot;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
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
                s.runtime(), context.tls().listeners()));
    }

    AdminResponse metrics() {
        if (context.metrics() == null) {
            throw AdminProblem.notFound("this node serves no metrics yet", null);
        }
        return AdminResponse.metrics(context.metrics().get());
    }
}
