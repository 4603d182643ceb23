package dev.gatehouse.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A request body read before the request asks for a backend slot (a pool's
 * {@code request_buffering}), so that a client that sends it slowly holds no worker while it does.
 *
 * <p>Parts are copied into one buffer instead of being kept: a part the decoder cut from its
 * read buffer may pin a buffer many times its size (a byte every few seconds would otherwise hold
 * a whole read buffer per byte), and the bound must count the memory really held. The buffer grows
 * as Netty's allocator sizes it, and every growth first reserves its bytes in the node's
 * {@link BodyBudget}; a part that would pass this request's bound or the node's is refused and
 * the body streams from there as it would without buffering. The reservation is held until
 * {@link #release}, when the exchange ends: the buffered bytes stay kept for a retry until then.
 * Loop-confined.
 */
final class BodyBuffer {

    private static final int FIRST_CAPACITY = 1024;

    private final ByteBufAllocator alloc;
    private final BodyBudget budget;
    private final int max;
    private ByteBuf buf;
    private HttpHeaders trailers;
    private long reserved;

    /**
     * @param max bytes this request may buffer (at most {@link Integer#MAX_VALUE})
     */
    BodyBuffer(ByteBufAllocator alloc, BodyBudget budget, long max) {
        this.alloc = alloc;
        this.budget = budget;
        this.max = (int) Math.min(Integer.MAX_VALUE, max);
    }

    /**
     * Takes a part when its bytes fit this request's bound and the node's: copies them and releases
     * the part. Otherwise leaves it untouched (the caller still owns it).
     *
     * @return whether the part was taken
     */
    boolean offer(HttpContent part) {
        ByteBuf in = part.content();
        int n = in.readableBytes();
        int size = buf == null ? 0 : buf.readableBytes();
        if ((long) size + n > max) {
            return false;
        }
        int capacity = buf == null ? 0 : buf.capacity();
        int needed = size + n;
        if (needed > capacity) {
            int grown = Math.min(max, alloc.calculateNewCapacity(Math.max(needed, FIRST_CAPACITY), max));
            if (!budget.tryReserve(grown - capacity)) {
                return false;
            }
            reserved += grown - capacity;
            if (buf == null) {
                buf = alloc.buffer(grown, max);
            } else {
                buf.capacity(grown);
            }
        }
        if (n > 0) {
            buf.writeBytes(in, in.readerIndex(), n);
        }
        if (part instanceof LastHttpContent last && !last.trailingHeaders().isEmpty()) {
            trailers = last.trailingHeaders().copy();
        }
        part.release();
        return true;
    }

    /** Bytes buffered. */
    long bytes() {
        return buf == null ? 0 : buf.readableBytes();
    }

    /**
     * The buffered bytes as one part, the last one (with the body's trailers) when {@code last}.
     * The buffer's ownership goes with the part; the reservation stays until {@link #release}.
     */
    HttpContent drain(boolean last) {
        ByteBuf content = buf == null ? alloc.buffer(0) : buf;
        buf = null;
        if (!last) {
            return new DefaultHttpContent(content);
        }
        DefaultLastHttpContent end = new DefaultLastHttpContent(content);
        if (trailers != null) {
            end.trailingHeaders().set(trailers);
        }
        return end;
    }

    /** Gives the reservation back, and the buffer when it was never drained. Idempotent. */
    void release() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }
}
