package dev.gatehouse.server.admin;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection: one request at a time (the channel reads the next request only after the
 * response to this one is written, so pipelined requests are answered in order). For each request:
 * the token first (a request without the right one is answered 401 before anything is looked at),
 * then the route, then the resource. A change completes on the control thread; its response is
 * written back on this connection's event loop.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);

    private final AdminApi api;
    private final AdminAuth auth;
    private final UiAssets ui;
    private boolean busy;

    AdminHandler(AdminApi api, AdminAuth auth, UiAssets ui) {
        this.api = api;
        this.auth = auth;
        this.ui = ui;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        busy = true;
        HttpVersion version = req.protocolVersion();
        if (!req.decoderResult().isSuccess()) {
            write(ctx, version, AdminResponses.undecodable(req.decoderResult().cause()), false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String path = pathOf(req.uri());
        if (UiAssets.handles(path)) {
            // The dashboard's files hold no data: served before the token (the login page needs them).
            AdminResponse page;
            try {
                page = ui.serve(req.method(), path);
            } catch (RuntimeException e) {
                page = AdminResponses.failure(e, null);
            }
            write(ctx, version, page, keepAlive);
            return;
        }
        String who = "admin-api " + remoteIp(ctx);
        AdminRequest request;
        AdminRouter.Route route = null;
        CompletableFuture<AdminResponse> result;
        AdminAuth.Verdict verdict = auth.check(req.headers().getAll(HttpHeaderNames.AUTHORIZATION));
        String foreign = AdminOrigin.refusal(req.headers(), auth.required());
        if (foreign != null) {
            request = new AdminRequest(req.method(), path, new byte[0], who);
            result = CompletableFuture.completedFuture(AdminResponses.error(HttpResponseStatus.FORBIDDEN, foreign, null));
        } else if (verdict != AdminAuth.Verdict.ALLOWED) {
            request = new AdminRequest(req.method(), path, new byte[0], who);
            result = CompletableFuture.completedFuture(AdminResponses.unauthorized(verdict));
        } else {
            request = new AdminRequest(req.method(), path, ByteBufUtil.getBytes(req.content()), who);
            try {
                route = AdminRouter.route(req.method(), req.uri());
                if (route.endpoint() == Endpoint.EVENTS) {
                    if (api.openEvents(ctx, version)) {
                        return; // the stream holds this connection until the client goes
                    }
                    throw AdminProblem.unavailable("too many event streams open (at most " + EventStream.MAX_STREAMS
                            + "; expected: close a dashboard, or read GET /api/v1/dashboard)");
                }
                result = api.serve(route, request);
            } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
            }
        }
        AdminRouter.Route routed = route;
        result.handle((response, failure) -> response != null ? response
                        : AdminResponses.failure(failure, routed == null ? null : routed.endpoint()))
                .thenAccept(response -> {
                    audit(request, response);
                    onLoop(ctx, () -> write(ctx, version, response, keepAlive));
                });
    }

    /** A change refused before the control plane saw it still gets its audit line. */
    private static void audit(AdminRequest request, AdminResponse response) {
        if (Endpoint.changes(request.method()) && !request.hasReachedControl() && response.error() != null) {
            AdminAudit.refused(request.who(), request.method() + " " + request.path(),
                    response.status().code() + " " + response.error());
        }
    }

    private static void onLoop(ChannelHandlerContext ctx, Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
            return;
        }
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException e) {
            // The admin listener is stopping: its connections close without an answer.
        }
    }

    private void write(ChannelHandlerContext ctx, HttpVersion version, AdminResponse response, boolean keepAlive) {
        ctx.writeAndFlush(response.toHttp(version, keepAlive)).addListener((ChannelFutureListener) f -> {
            busy = false;
            if (!f.isSuccess() || !keepAlive) {
                f.channel().close();
            } else {
                ctx.read();
            }
        });
    }

    /**
     * A read cycle ended. Flow control counts a {@code read()} as answered by the end of a cycle, with
     * or without a request in it: while no request is in hand, ask for the next one again.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!busy) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !busy) {
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{} admin connection failed: {}", ctx.channel().id(), cause.toString());
        ctx.close();
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private static String remoteIp(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }
}
