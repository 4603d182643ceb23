package dev.gatehouse.server.admin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Aggregates a request and its body, up to a small limit: admin requests are a few hundred bytes.
 * A larger body is answered 413 with a JSON error, and the connection closed (its remaining bytes
 * would otherwise pass for a request).
 *
 * <p>The close lingers, as nginx's does: the 413 goes out as soon as the head says the body is too
 * large, while the client is still sending it, and a socket closed with unread bytes in it is
 * reset, which can destroy the answer before the client reads it. So the node reads and drops
 * what still comes for up to {@value #LINGER_MILLIS} ms (the client, told {@code Connection: close},
 * normally closes first) and then closes.
 */
final class AdminAggregator extends HttpObjectAggregator {

    /** The longest the node goes on reading a refused body before it closes. */
    static final long LINGER_MILLIS = 2000;

    private final int maxBody;
    /** A body was refused: everything that still comes is dropped, nothing more is served. */
    private boolean refused;

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
        refused = true;
        ctx.writeAndFlush(AdminResponses.tooLarge(maxBody).toHttp(request.protocolVersion(), false))
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        ctx.close();
                        return;
                    }
                    ctx.channel().config().setAutoRead(true); // drain: channelRead drops it
                    ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
                });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        super.channelRead(ctx, msg);
    }
}
