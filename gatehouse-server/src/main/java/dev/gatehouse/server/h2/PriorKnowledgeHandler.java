package dev.gatehouse.server.h2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The only handler of a new connection on a plaintext listener with {@code h2c}: it reads the first
 * bytes and compares them with HTTP/2's connection preface ({@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n},
 * RFC 9113 §3.4). The moment a byte differs, the connection is HTTP/1.1; when all 24 bytes match, it
 * is HTTP/2 with prior knowledge. Either way the chosen handlers are installed, the bytes read so far
 * are handed to them, and this handler leaves. A client that sends nothing within
 * {@code client_header} is closed, like an HTTP/1.1 one that never starts a request. The h2c upgrade
 * from HTTP/1.1 ({@code Upgrade: h2c}) is not offered: RFC 9113 deprecates it. Loop-confined.
 */
public final class PriorKnowledgeHandler extends ChannelInboundHandlerAdapter {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Consumer<ChannelPipeline> http1;
    private final Consumer<ChannelPipeline> http2;
    private final long timeoutNanos;
    private ByteBuf seen;
    private ScheduledFuture<?> timeout;
    private boolean decided;

    /**
     * @param http1        installs HTTP/1.1 at the end of a pipeline
     * @param http2        installs HTTP/2 at the end of a pipeline
     * @param timeoutNanos how long the first bytes may take ({@code client_header})
     */
    public PriorKnowledgeHandler(Consumer<ChannelPipeline> http1, Consumer<ChannelPipeline> http2, long timeoutNanos) {
        this.http1 = http1;
        this.http2 = http2;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            if (!decided) {
                ctx.close();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (decided || !(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (seen == null) {
            seen = ctx.alloc().buffer(PREFACE.length);
        }
        seen.writeBytes(in, Math.min(in.readableBytes(), PREFACE.length - seen.readableBytes()));
        int n = seen.readableBytes();
        for (int i = 0; i < n; i++) {
            if (seen.getByte(seen.readerIndex() + i) != PREFACE[i]) {
                decide(ctx, false, in);
                return;
            }
        }
        if (n == PREFACE.length) {
            decide(ctx, true, in);
        } else {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!decided) {
            // Auto-read is off: ask for the rest of the preface.
            ctx.read();
            return;
        }
        ctx.fireChannelReadComplete();
    }

    /** Installs the protocol's handlers and hands them every byte read so far ({@code seen}, then the rest of {@code in}). */
    private void decide(ChannelHandlerContext ctx, boolean h2, ByteBuf in) {
        decided = true;
        timeout.cancel(false);
        ChannelPipeline p = ctx.pipeline();
        (h2 ? http2 : http1).accept(p);
        ByteBuf bytes = seen;
        seen = null;
        if (in.isReadable()) {
            bytes = ctx.alloc().compositeBuffer(2).addComponents(true, bytes, in);
        } else {
            in.release();
        }
        p.remove(this);
        ctx.fireChannelRead(bytes);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        ReferenceCountUtil.release(seen);
        seen = null;
    }
}
