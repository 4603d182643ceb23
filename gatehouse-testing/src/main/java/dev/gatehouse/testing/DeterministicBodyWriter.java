package dev.gatehouse.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.Promise;
import java.nio.channels.ClosedChannelException;

/**
 * Writes N deterministic bytes as a response body without outrunning the peer: blocks are written
 * while the channel is writable; when it is not, writing resumes once the last write completed,
 * which means the outbound buffer has drained. So at most about one high-water mark plus one block
 * is ever buffered, whatever N is.
 */
final class DeterministicBodyWriter implements GenericFutureListener<Future<? super Void>> {

    private final StubExchange exchange;
    private final Channel channel;
    private final long end;
    private final Promise<Void> done;
    private long position;

    DeterministicBodyWriter(StubExchange exchange, Channel channel, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
        }
        this.exchange = exchange;
        this.channel = channel;
        this.end = bytes;
        this.done = channel.eventLoop().newPromise();
    }

    Future<Void> start() {
        writeWhileWritable();
        return done;
    }

    private void writeWhileWritable() {
        ChannelFuture last = null;
        while (position < end) {
            if (!channel.isActive()) {
                done.tryFailure(new ClosedChannelException());
                return;
            }
            int len = (int) Math.min(DeterministicBytes.BLOCK_SIZE, end - position);
            ByteBuf block = channel.alloc().directBuffer(len);
            DeterministicBytes.writeTo(block, position, len);
            position += len;
            last = exchange.writeBody(block);
            if (position < end && !channel.isWritable()) {
                last.addListener(this);
                return;
            }
        }
        if (last == null) {
            done.trySuccess(null);
        } else {
            last.addListener(f -> {
                if (f.isSuccess()) {
                    done.trySuccess(null);
                } else {
                    done.tryFailure(f.cause());
                }
            });
        }
    }

    @Override
    public void operationComplete(Future<? super Void> future) {
        if (future.isSuccess()) {
            writeWhileWritable();
        } else {
            done.tryFailure(future.cause());
        }
    }
}
