package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.BackendView;
import dev.gatehouse.core.api.PoolList;
import dev.gatehouse.core.api.PoolView;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.tunnel.TunnelCounts;
import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code GET /api/v1/pools}, {@code /pools/{pool}} and {@code /pools/{pool}/backends/{address}}, from the snapshot in force. */
final class PoolsResource {

    private final AdminContext context;

    PoolsResource(AdminContext context) {
        this.context = context;
    }

    AdminResponse list() {
        Snapshot s = context.snapshots().current();
        long now = context.clock().millis();
        return AdminResponse.json(HttpResponseStatus.OK,
                new PoolList(s.pools().values().stream().map(p -> PoolView.of(s, p, now, context.tunnels())).toList()));
    }

    AdminResponse pool(String name) {
        Snapshot s = context.snapshots().current();
        return AdminResponse.json(HttpResponseStatus.OK, view(s, name, context.clock().millis(), context.tunnels()));
    }

    AdminResponse backend(String pool, HostPort address) {
        Snapshot s = context.snapshots().current();
        return AdminResponse.json(HttpResponseStatus.OK, backend(s, pool, address, context.clock().millis(), context.tunnels()));
    }

    /** A pool of a snapshot, or 404. */
    static PoolView view(Snapshot s, String name, long nowMillis, TunnelCounts tunnels) {
        PoolSnapshot pool = s.pool(name);
        if (pool == null) {
            throw AdminProblem.notFound("pool \"" + name + "\" not found (expected: one of " + s.pools().keySet() + ")", "pool");
        }
        return PoolView.of(s, pool, nowMillis, tunnels);
    }

    /** A backend of a pool of a snapshot, or 404. */
    static BackendView backend(Snapshot s, String pool, HostPort address, long nowMillis, TunnelCounts tunnels) {
        String wanted = address.toString();
        for (BackendView b : view(s, pool, nowMillis, tunnels).backends()) {
            if (b.address().equals(wanted)) {
                return b;
            }
        }
        throw AdminProblem.notFound("backend \"" + wanted + "\" not found in pool " + pool, "address");
    }
}
