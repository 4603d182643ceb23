package dev.gatehouse.server.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits before the HTTP decoder and tells the proxy handler when the first bytes of a new request
 * arrive, so that an idle keep-alive connection (closed silently when idle too long) can be told
 * apart from a client that started a request and stalls (answered 408). Costs one field read per
 * socket read.
 */
final class FirstByteHandler extends ChannelInboundHandlerAdapter {

    private final Runnable firstBytes;
    boolean armed;

    /** @param firstBytes told when the first bytes of a new request arrive (while armed) */
    FirstByteHandler(Runnable firstBytes) {
        this.firstBytes = firstBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (armed) {
            armed = false;
            firstBytes.run();
        }
        ctx.fireChannelRead(msg);
    }
}
