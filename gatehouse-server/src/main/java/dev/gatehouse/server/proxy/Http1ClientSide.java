package dev.gatehouse.server.proxy;

import dev.gatehouse.server.tls.ConnectionTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;

/**
 * What an {@link Exchange} sees of an HTTP/1.1 client connection ({@link ClientSide}): writes to its
 * channel and the connection's two timers. The connection's own life (reading requests one at a
 * time, parking, draining) is {@link ProxyHandler}'s, which extends this. Loop-confined.
 */
abstract class Http1ClientSide extends ChannelInboundHandlerAdapter implements ClientSide {

    /** The connection's context in its pipeline, set when the handler is added. */
    ChannelHandlerContext ctx;
    /** The connection's timers; null while it is parked ({@link IdleParking}). */
    ClientTimers timers;
    /** The client's address, set when the connection starts. */
    InetSocketAddress remote;

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    /** The client stopped reading the response: from now on its pause is bounded by {@code client_send}. */
    @Override
    public void awaitClientRead() {
        timers.awaitClientRead();
    }

    /**
     * The client reads again.
     *
     * @param bodyPending whether it still owes us request body, whose pauses count again
     */
    @Override
    public void clientReadResumed(boolean bodyPending) {
        timers.clientReadResumed(bodyPending);
    }

    /** Starts counting the client's pauses while it sends a request body. */
    @Override
    public void awaitBody() {
        timers.awaitBody();
    }

    /** The body is complete: the client owes us nothing more for now. */
    @Override
    public void bodyComplete() {
        timers.owedNothing();
    }

    @Override
    public String protocol() {
        return "h1";
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public ConnectionTls tls() {
        // Worked out once per connection and kept on the channel by ConnectionTls itself.
        return ConnectionTls.of(ctx.channel());
    }

    @Override
    public void write(Object responsePart) {
        ctx.write(responsePart, ctx.voidPromise());
    }

    @Override
    public void writeAndFlush(Object responsePart) {
        ctx.writeAndFlush(responsePart, ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void readAhead(long bytes) {
        int high = (int) Math.min(Integer.MAX_VALUE, bytes);
        WriteBufferWaterMark mark = ctx.channel().config().getWriteBufferWaterMark();
        if (mark.high() != high) {
            ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(Math.min(mark.low(), high / 2), high));
        }
    }

    @Override
    public void touchClientTimer() {
        timers.touchClient();
    }

    @Override
    public void startBackendTimer(long nanos) {
        timers.startBackend(nanos);
    }

    @Override
    public void touchBackendTimer() {
        timers.touchBackend();
    }

    @Override
    public void stopBackendTimer() {
        timers.stopBackend();
    }

    @Override
    public Channel upgradableChannel() {
        return ctx.channel();
    }

    @Override
    public void close() {
        ctx.channel().close();
    }
}
