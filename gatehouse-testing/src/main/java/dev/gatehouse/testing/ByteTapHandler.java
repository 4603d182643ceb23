package dev.gatehouse.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First in a stub connection's pipeline: copies what arrives into {@link ReceivedBytes} while
 * capturing is on, and passes it on untouched. Costs one volatile read per socket read otherwise.
 */
final class ByteTapHandler extends ChannelInboundHandlerAdapter {

    private final ReceivedBytes received;
    private final long connectionId;

    ByteTapHandler(ReceivedBytes received, long connectionId) {
        this.received = received;
        this.connectionId = connectionId;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (received.capturing() && msg instanceof ByteBuf data) {
            received.add(connectionId, ByteBufUtil.getBytes(data));
        }
        ctx.fireChannelRead(msg);
    }
}
