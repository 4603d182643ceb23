package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.ApiJson;
import dev.gatehouse.core.api.BackendTraffic;
import dev.gatehouse.core.api.DashboardView;
import dev.gatehouse.core.api.DeployView;
import dev.gatehouse.core.api.PoolView;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.PoolVersions;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.server.deploy.DeployStatus;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/dashboard}: the dashboard's whole view, read without locks from the snapshot
 * in force, the deploys' latest progress and the metrics. The event stream sends the same view
 * once a second.
 */
final class DashboardResource {

    /** How long an encoded view is shared by the streams. */
    static final long SHARED_MILLIS = 500;

    private final AdminContext context;
    /** The last encoding; written and read on the admin loop, volatile for any other reader. */
    private volatile Encoded encoded;

    private record Encoded(Object mark, long atNanos, byte[] json) {
    }

    DashboardResource(AdminContext context) {
        this.context = context;
    }

    AdminResponse dashboard() {
        return AdminResponse.json(HttpResponseStatus.OK, view());
    }

    /** The view now. */
    DashboardView view() {
        Snapshot s = context.snapshots().current();
        long now = context.clock().millis();
        List<DashboardView.Pool> pools = new ArrayList<>();
        for (PoolSnapshot p : s.pools().values()) {
            pools.add(pool(s, p, now));
        }
        List<DeployView> running = context.deploys().running().stream()
                .sorted(Comparator.comparing(DeployStatus::startedAt)).map(DeployResource::view).toList();
        List<DeployView> recent = context.deploys().recent().stream().map(DeployResource::view).toList();
        long uptime = Math.max(0, Duration.between(context.startedAt(), context.clock().instant()).toSeconds());
        return new DashboardView(context.version(), uptime, s.runtime().revision(), now, pools, running, recent,
                NodeResource.fleet(context.fleet().get()));
    }

    /**
     * The view encoded as one line of JSON for the event streams: the one encoded last when it was
     * for the same mark and is less than {@value #SHARED_MILLIS} ms old, so that every open stream
     * shares one encoding (at most two a second while nothing changes, however many viewers).
     */
    byte[] encoded(Object mark) {
        long now = System.nanoTime();
        Encoded last = encoded;
        if (last != null && last.mark().equals(mark) && now - last.atNanos() < SHARED_MILLIS * 1_000_000) {
            return last.json();
        }
        byte[] json = ApiJson.writeLine(view());
        encoded = new Encoded(mark, now, json);
        return json;
    }

    /**
     * A mark of what the view is made of that changes between ticks: the snapshot's generation
     * (each change publishes a new one) and the running deploys' statuses (each step replaces
     * its status; an ended deploy leaves the list).
     */
    Object changeMark() {
        return new Mark(context.snapshots().current().generation(), context.deploys().running());
    }

    private record Mark(long generation, List<DeployStatus> running) {
    }

    private DashboardView.Pool pool(Snapshot s, PoolSnapshot p, long now) {
        PoolView view = PoolView.of(s, p, now, context.tunnels());
        Map<String, BackendTraffic> traffic = new HashMap<>();
        for (Member m : p.members()) {
            traffic.put(m.backend().address().toString(), context.traffic().of(m.backend()));
        }
        PoolVersions v = p.versions();
        return new DashboardView.Pool(view, p.liveVersion(), p.epoch(), v == null ? null : v.canary(),
                v == null ? 0 : v.canaryPercent(), traffic);
    }
}
