package dev.gatehouse.postgres.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The end of a test connection's pipeline: queues what the decoder produced (and any exception),
 * for the test thread to take in order. The taker owns what it takes; {@link #releaseAll()} frees
 * what nobody took.
 */
final class DecodedQueue extends ChannelInboundHandlerAdapter {

    private final BlockingQueue<Object> decoded = new LinkedBlockingQueue<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        decoded.add(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        decoded.add(cause);
        ctx.close();
    }

    /** The next thing decoded, waiting at most this long; fails on a timeout or an exception. */
    Object take(Duration limit) throws InterruptedException {
        Object next = decoded.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("nothing decoded within " + limit);
        }
        if (next instanceof Throwable t) {
            throw new AssertionError("the connection failed", t);
        }
        return next;
    }

    /** The next typed message; the caller releases it. */
    PgMessage takeMessage(Duration limit) throws InterruptedException {
        Object next = take(limit);
        if (next instanceof PgMessage m) {
            return m;
        }
        throw new AssertionError("decoded " + next + " (expected: a PgMessage)");
    }

    void releaseAll() {
        Object o;
        while ((o = decoded.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }
}
