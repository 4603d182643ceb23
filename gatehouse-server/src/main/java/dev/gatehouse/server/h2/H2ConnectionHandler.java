package dev.gatehouse.server.h2;

import dev.gatehouse.server.proxy.ClientConnection;
import dev.gatehouse.server.proxy.ProxyContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an HTTP/2 connection's pipeline, behind the frame codec and the stream
 * multiplexer: the connection as the node sees it. It counts among the node's open client
 * connections, so that a graceful shutdown or a hitless restart drains it: GOAWAY (NO_ERROR, the last
 * stream the client opened), its streams in flight finish, streams the client opens after it are not
 * processed (RFC 9113 §6.8: it may retry them on a new connection), then the connection closes, or at
 * the drain's end whatever is left. It closes an idle connection the same way: no open stream for
 * {@code client_idle} ({@code client_header} before the first). It raises the connection's receive
 * window to {@link dev.gatehouse.core.config.Http2Config#effectiveConnectionWindow()} and reads the
 * socket continuously: what a client may send unasked is bounded by the stream windows and by the
 * codec's flood limits ({@link Http2Pipeline}). Loop-confined.
 */
final class H2ConnectionHandler extends ChannelInboundHandlerAdapter implements ClientConnection {

    private static final Logger LOG = LoggerFactory.getLogger(H2ConnectionHandler.class);

    private final ProxyContext context;
    private final Http2FrameCodec codec;
    private final int windowIncrement;
    private ChannelHandlerContext ctx;
    private boolean started;
    private boolean goingAway;
    /** The client sent GOAWAY: it opens no more streams, so the connection closes with its last one. */
    private boolean clientLeaving;
    private boolean everActive;
    private int activeStreams;
    private long idleSince;
    private ScheduledFuture<?> idleTask;

    H2ConnectionHandler(ProxyContext context, Http2FrameCodec codec, int windowIncrement) {
        this.context = context;
        this.codec = codec;
        this.windowIncrement = windowIncrement;
    }

    /** Whether the connection sent GOAWAY: a response should not promise more on it. */
    boolean goingAway() {
        return goingAway;
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        codec.connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamActive(Http2Stream stream) {
                everActive = true;
                activeStreams++;
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (--activeStreams == 0) {
                    if (clientLeaving) {
                        ctx.channel().close();
                    } else {
                        idle();
                    }
                }
            }
        });
        context.connections().opened(this);
        if (windowIncrement > 0) {
            ctx.write(new DefaultHttp2WindowUpdateFrame(windowIncrement));
        }
        ctx.flush();
        idle();
        // Control frames must be read whatever the streams do; the codec's limits bound them.
        ctx.channel().config().setAutoRead(true);
        ctx.read();
    }

    /** No stream is open: the idle timeout counts from now (one pending task, re-armed lazily). */
    private void idle() {
        idleSince = context.clock().nanoTime();
        if (idleTask == null) {
            long timeout = everActive ? context.settings().clientIdle() : context.settings().clientHeader();
            idleTask = ctx.executor().schedule(this::idleCheck, timeout, TimeUnit.NANOSECONDS);
        }
    }

    private void idleCheck() {
        idleTask = null;
        if (activeStreams > 0 || !ctx.channel().isActive()) {
            return;
        }
        long timeout = everActive ? context.settings().clientIdle() : context.settings().clientHeader();
        long left = idleSince + timeout - context.clock().nanoTime();
        if (left > 0) {
            idleTask = ctx.executor().schedule(this::idleCheck, left, TimeUnit.NANOSECONDS);
            return;
        }
        goingAway = true;
        // Netty's close is graceful: GOAWAY(NO_ERROR), then the close.
        ctx.channel().close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Connection-level frames (SETTINGS, PING, GOAWAY) the codec already acted on; after a
        // client's GOAWAY, the node closes once its streams are done (clients such as h2load wait
        // for that close rather than closing themselves).
        if (msg instanceof Http2GoAwayFrame) {
            clientLeaving = true;
            goingAway = true;
            if (activeStreams == 0) {
                ctx.channel().close();
            }
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // The codec answers its own protocol errors (GOAWAY or RST_STREAM with their code, RFC
            // 9113 §5.4); closing here first would send GOAWAY(NO_ERROR) instead.
            return;
        }
        if (!(cause instanceof IOException)) {
            LOG.debug("{} HTTP/2 connection failed: {}", ctx.channel().id(), cause.toString());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (idleTask != null) {
            idleTask.cancel(false);
            idleTask = null;
        }
        if (started) {
            context.connections().closed(this);
        }
        ctx.fireChannelInactive();
    }

    /**
     * GOAWAY, then the close once the streams in flight ended; bounded by the drain's time, after
     * which the node closes what is left ({@link #closeNow}).
     */
    @Override
    public void drain() {
        if (!ctx.channel().isActive()) {
            return;
        }
        goingAway = true;
        // What is left of the drain: a connection drained late (opened during it) gets no more.
        codec.gracefulShutdownTimeoutMillis(Math.max(1, context.connections().drainNanosLeft() / 1_000_000));
        ctx.channel().close();
    }

    /** Closes the socket now, without waiting for the streams (the drain ran out of time). */
    @Override
    public void closeNow() {
        Channel ch = ctx.channel();
        ch.unsafe().close(ch.voidPromise());
    }
}
