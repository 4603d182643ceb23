package dev.gatehouse.server.admin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Aggregates a request and its body, up to a small limit: admin requests are a few hundred bytes.
 * A larger body is answered 413 with a JSON error, and the connection closed (its remaining bytes
 * would otherwise pass for a request).
 */
final class AdminAggregator extends HttpObjectAggregator {

    private final int maxBody;

    AdminAggregator(int maxBody) {
        super(maxBody);
        this.maxBody = maxBody;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest request)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        ctx.writeAndFlush(AdminResponses.tooLarge(maxBody).toHttp(request.protocolVersion(), false))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
