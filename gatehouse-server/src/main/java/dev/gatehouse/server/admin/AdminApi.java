package dev.gatehouse.server.admin;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.server.admin.AdminRouter.Route;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands a routed request to its resource. Reads answer at once, on the calling event loop; changes
 * answer when the control thread is done with them; a deploy answers once its thread is started.
 */
final class AdminApi {

    private final NodeResource node;
    private final PoolsResource pools;
    private final BackendsResource backends;
    private final ReloadResource reload;
    private final RestartResource restart;
    private final DeployResource deploy;
    private final CacheResource cache;
    private final DashboardResource dashboard;
    private final DatabasesResource databases;
    private final AtomicInteger streams = new AtomicInteger();

    AdminApi(AdminContext context) {
        this(context, new java.util.concurrent.atomic.AtomicReference<>());
    }

    AdminApi(AdminContext context, java.util.concurrent.atomic.AtomicReference<DatabasesAdmin> databases) {
        this.databases = new DatabasesResource(databases);
        this.node = new NodeResource(context);
        this.pools = new PoolsResource(context);
        this.backends = new BackendsResource(context);
        this.reload = new ReloadResource(context);
        this.restart = new RestartResource(context);
        this.deploy = new DeployResource(context);
        this.cache = new CacheResource(context);
        this.dashboard = new DashboardResource(context);
    }

    /**
     * Opens {@code GET /api/v1/events} on an authorized connection: see {@link EventStream}.
     *
     * @return false when too many streams are open (the caller answers 503)
     */
    boolean openEvents(ChannelHandlerContext ctx, HttpVersion version) {
        return EventStream.open(ctx, version, dashboard::encoded, dashboard::changeMark, streams);
    }

    /**
     * Serves a request; input errors may be thrown right away (on the event loop) or complete the
     * result exceptionally (on the control thread).
     */
    CompletableFuture<AdminResponse> serve(Route route, AdminRequest request) {
        return switch (route.endpoint()) {
            case NODE -> done(node.node());
            case HEALTH -> done(node.health());
            case DASHBOARD -> done(dashboard.dashboard());
            case EVENTS -> throw new IllegalStateException("the event stream is opened by the handler, not served");
            case METRICS -> done(node.metrics());
            case POOLS -> done(pools.list());
            case POOL -> done(pools.pool(route.pool()));
            case BACKENDS -> backends.add(route, request);
            case BACKEND -> request.method().equals(HttpMethod.DELETE) ? backends.remove(route, request)
                    : done(pools.backend(route.pool(), route.address()));
            case WEIGHT -> backends.weight(route, request);
            case DRAIN -> backends.drain(route, request);
            case MAINTENANCE -> backends.admin(route, request, AdminState.MAINT);
            case READY -> backends.admin(route, request, AdminState.READY);
            case RELOAD -> reload.reload(request);
            case TLS_RELOAD -> reload.reloadTls(request);
            case RESTART -> restart.restart(request);
            case DEPLOY -> request.method().equals(HttpMethod.POST) ? done(deploy.deploy(route, request))
                    : done(deploy.status(route.pool()));
            case ROLLBACK -> deploy.rollback(route, request);
            case CANARY -> backends.canary(route, request);
            case CACHE -> done(cache.list());
            case CACHE_PURGE -> cache.purge(request);
            case DATABASES -> databases.status();
            case DB_PAUSE, DB_RESUME, DB_REPOINT, DB_RECONNECT, DB_KILL_SERVER, DB_KILL_POOL -> databases.operate(route, request);
        };
    }

    private static CompletableFuture<AdminResponse> done(AdminResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
