package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.AddBackendRequest;
import dev.gatehouse.core.api.ApiJson;
import dev.gatehouse.core.api.DrainRequest;
import dev.gatehouse.core.api.WeightRequest;
import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.server.admin.AdminRouter.Route;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The changes to a pool's backends: add, remove, weight, drain, maintenance, ready. The body is
 * read on the event loop (a bad one is answered at once); the change runs on the control thread,
 * and the answer shows the backend in the snapshot the change published: by then every event loop
 * has passed the barrier, so no request picks the backend by its old state any more.
 */
final class BackendsResource {

    private final AdminContext context;

    BackendsResource(AdminContext context) {
        this.context = context;
    }

    /** {@code POST /pools/{pool}/backends}: 201 with the backend. */
    CompletableFuture<AdminResponse> add(Route route, AdminRequest request) {
        AddBackendRequest body = ApiJson.read(request.body(), AddBackendRequest.class);
        HostPort address = body.hostPort();
        int weight = body.weightOrDefault();
        String pool = route.pool();
        // Without a version, the backend adds capacity to the version that serves now.
        var current = context.snapshots().current().pool(pool);
        String version = body.version() != null || current == null || current.liveVersion() == null
                ? body.versionOrDefault() : current.liveVersion();
        String what = "add backend " + address + " (weight " + weight + ", version " + version + ") to pool " + pool;
        return change(request, what, s -> RuntimeChanges.add(s, context.control().config(), pool, address, weight, version),
                snapshot -> AdminResponse.json(HttpResponseStatus.CREATED,
                        PoolsResource.backend(snapshot, pool, address, context.clock().millis(), context.tunnels()),
                        HttpHeaderNames.LOCATION.toString(), "/api/v1/pools/" + pool + "/backends/" + address));
    }

    /** {@code DELETE /pools/{pool}/backends/{address}}: 200 with the pool as it is now. */
    CompletableFuture<AdminResponse> remove(Route route, AdminRequest request) {
        ApiJson.read(request.body(), NoBody.class);
        String what = "remove backend " + route.address() + " from pool " + route.pool();
        return change(request, what, s -> RuntimeChanges.remove(s, context.control().config(), route.pool(), route.address()),
                snapshot -> AdminResponse.json(HttpResponseStatus.OK,
                        PoolsResource.view(snapshot, route.pool(), context.clock().millis(), context.tunnels())));
    }

    /** {@code PUT /pools/{pool}/backends/{address}/weight}: 200 with the backend. */
    CompletableFuture<AdminResponse> weight(Route route, AdminRequest request) {
        int weight = ApiJson.read(request.body(), WeightRequest.class).required();
        String what = "set the weight of backend " + route.address() + " in pool " + route.pool() + " to " + weight;
        return change(request, what,
                s -> RuntimeChanges.weight(s, context.control().config(), route.pool(), route.address(), weight),
                snapshot -> backend(HttpResponseStatus.OK, snapshot, route));
    }

    /**
     * {@code POST .../drain}: 202 at once with the backend, {@code draining} with its in-flight
     * count; it becomes {@code drained} when that reaches zero or the deadline passes.
     */
    CompletableFuture<AdminResponse> drain(Route route, AdminRequest request) {
        Duration deadline = ApiJson.read(request.body(), DrainRequest.class).duration();
        String what = "drain backend " + route.address() + " in pool " + route.pool()
                + (deadline == null ? "" : " (deadline " + deadline.toMillis() + " ms)");
        return change(request, what, s -> {
            Long until = deadline == null ? null : context.clock().millis() + deadline.toMillis();
            return RuntimeChanges.admin(s, context.control().config(), route.pool(), route.address(), AdminState.DRAIN, until);
        }, snapshot -> backend(HttpResponseStatus.ACCEPTED, snapshot, route));
    }

    /** {@code POST .../maintenance} and {@code POST .../ready}: 200 with the backend. */
    CompletableFuture<AdminResponse> admin(Route route, AdminRequest request, AdminState state) {
        ApiJson.read(request.body(), NoBody.class);
        String what = (state == AdminState.READY ? "put backend " + route.address() + " in pool " + route.pool() + " in service"
                : "put backend " + route.address() + " in pool " + route.pool() + " in maintenance");
        return change(request, what,
                s -> RuntimeChanges.admin(s, context.control().config(), route.pool(), route.address(), state, null),
                snapshot -> backend(HttpResponseStatus.OK, snapshot, route));
    }

    private AdminResponse backend(HttpResponseStatus status, Snapshot snapshot, Route route) {
        return AdminResponse.json(status, PoolsResource.backend(snapshot, route.pool(), route.address(),
                context.clock().millis(), context.tunnels()));
    }

    /** {@code POST /pools/{pool}/canary}: 200 with the pool's versions after the change. */
    CompletableFuture<AdminResponse> canary(Route route, AdminRequest request) {
        var body = ApiJson.read(request.body(), dev.gatehouse.core.api.CanaryRequest.class);
        int percent = body.percentRequired();
        String version = body.versionOrNull();
        String pool = route.pool();
        String what = percent == 0 || version == null ? "end the canary of pool " + pool
                : "canary " + version + " at " + percent + " % in pool " + pool;
        return change(request, what,
                s -> RuntimeChanges.canary(s, context.control().config(), pool, version, percent),
                snapshot -> {
                    var p = snapshot.pool(pool);
                    var v = p.versions();
                    return AdminResponse.json(HttpResponseStatus.OK, new dev.gatehouse.core.api.CanaryResult(pool,
                            p.liveVersion(), v == null ? null : v.canary(), v == null ? 0 : v.canaryPercent(), p.epoch()));
                });
    }

    /** Runs one change on the control thread and answers from the snapshot it published. */
    private CompletableFuture<AdminResponse> change(AdminRequest request, String what, UnaryOperator<RuntimeState> change,
                                                    Function<Snapshot, AdminResponse> answer) {
        return context.executor().submit(() -> {
            request.reachedControl();
            Snapshot published;
            try {
                published = context.control().change(request.who(), what, change);
            } catch (IOException e) {
                throw new StateNotSaved(e);
            }
            return answer.apply(published);
        });
    }
}
