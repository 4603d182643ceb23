package dev.gatehouse.server.h2;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Sits between an HTTP/2 connection's transport (the TLS handler, or the socket) and its frame
 * codec, and turns the many flushes of one event-loop turn into one. Each stream flushes its own
 * response, and the responses of a connection's streams come from as many backend connections: passed
 * on as they come, every response would be one TLS record and one write call. Here a flush asked for
 * while the connection reads waits for the end of that read; one asked for at any other time (a
 * backend's answer) waits for the event loop's tasks, which run after all the I/O events of the turn,
 * so the responses of every backend read in that turn leave together.
 *
 * <p>Nothing waits longer than the current turn of the event loop: a flush asked for during a read
 * also schedules that task, in case the read ends in a way that brings no read-complete. What is
 * held is flushed before a close or a disconnect goes through, when the connection stops being
 * writable (the bytes held should go out rather than grow) and when this handler is removed.
 * Loop-confined, one per connection.
 */
final class FlushBatcher extends ChannelDuplexHandler {

    /** Its name in the connection's pipeline. */
    static final String NAME = "h2-flush";

    private final Runnable flushTask = () -> {
        scheduled = false;
        flushHeld();
    };
    private ChannelHandlerContext ctx;
    /** Between a channelRead and its channelReadComplete. */
    private boolean reading;
    /** A flush was asked for and not passed on yet. */
    private boolean held;
    /** {@link #flushTask} is queued. */
    private boolean scheduled;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // The codec writes and flushes on read-complete too (acks, window updates): let it, then flush once.
        ctx.fireChannelReadComplete();
        reading = false;
        flushHeld();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        held = true;
        if (!scheduled) {
            scheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            flushHeld();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        reading = false;
        flushHeld();
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        flushHeld();
        ctx.close(promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        flushHeld();
        ctx.disconnect(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        flushHeld();
    }

    /** Passes on the flush held, if any; the task's body, and the end of a read's. */
    private void flushHeld() {
        if (held) {
            held = false;
            ctx.flush();
        }
    }
}
