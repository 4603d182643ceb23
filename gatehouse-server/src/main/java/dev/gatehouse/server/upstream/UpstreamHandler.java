package dev.gatehouse.server.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * The last handler of a backend connection: hands events to the exchange that owns the connection,
 * or, while the connection idles in its pool, treats any input as a reason to close it.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    private final LoopPool pool;
    private final LoopPool.Key key;
    private UpstreamListener owner;
    private Throwable failure;
    /** Nanos (System.nanoTime) when the connection went back to the pool. */
    long idleSince;
    /** The connection was counted as open, so its close is counted once, and only then. */
    private boolean counted;
    /** Handed over for good (to a tunnel): it has no owner and never goes back to its pool. */
    private boolean detached;
    /** The last response head said the backend closes the connection after it. */
    private boolean closeAnnounced;
    /** ... and that response ended: the backend's close is what comes next. */
    private boolean peerCloses;

    UpstreamHandler(LoopPool pool, LoopPool.Key key) {
        this.pool = pool;
        this.key = key;
    }

    LoopPool.Key key() {
        return key;
    }

    void owner(UpstreamListener owner) {
        this.owner = owner;
    }

    UpstreamListener owner() {
        return owner;
    }

    void detach() {
        owner = null;
        detached = true;
    }

    boolean detached() {
        return detached;
    }

    /** Whether the backend answered in full and said it closes the connection now. */
    boolean peerCloses() {
        return peerCloses;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        counted = true;
        pool.parent().connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamListener o = owner;
        if (o != null && msg instanceof HttpObject http) {
            // Noted before the owner sees (and may release) the message.
            if (http instanceof HttpResponse response) {
                closeAnnounced = response.status().code() >= 200 && !HttpUtil.isKeepAlive(response);
                peerCloses = false;
            }
            if (http instanceof LastHttpContent && closeAnnounced && http.decoderResult().isSuccess()) {
                peerCloses = true;
            }
            o.upstreamRead(ctx.channel(), http);
            return;
        }
        // Bytes from a backend nobody asked anything: the connection's state is unknown, drop it.
        ReferenceCountUtil.release(msg);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamListener o = owner;
        if (o != null) {
            o.upstreamReadComplete(ctx.channel());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        UpstreamListener o = owner;
        if (o != null) {
            o.upstreamWritabilityChanged(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            pool.parent().connectionClosed();
        }
        Channel ch = ctx.channel();
        UpstreamListener o = owner;
        owner = null;
        if (o != null) {
            o.upstreamClosed(ch, failure != null ? failure : new IOException("backend closed the connection"));
        } else {
            pool.forget(ch, key);
        }
    }
}
