package dev.gatehouse.server.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a TLS connection's handshake, then installs the protocol ALPN chose ({@code h2}, or
 * HTTP/1.1 for {@code http/1.1} and for no ALPN at all) behind the TLS handler and hands it the
 * connection as if it had just opened. Counts every handshake: success by version, failure (a
 * garbage or plaintext ClientHello, a refused version, a timeout, a client gone mid-handshake).
 * Failures are peers' business, so they are logged at DEBUG only: the internet sends plenty.
 *
 * <p>Auto-read is off on client connections, so this handler asks for bytes until the handshake
 * is done; decrypted bytes that arrive before the protocol is installed wait here.
 */
public final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeHandler.class);

    private final TlsListener listener;
    private final Consumer<ChannelPipeline> http1;
    private final Consumer<ChannelPipeline> http2;
    private final Queue<Object> early = new ArrayDeque<>(2);
    private boolean counted;

    /**
     * @param listener the listener's TLS
     * @param http1    installs HTTP/1.1 at the end of the pipeline
     * @param http2    installs HTTP/2 at the end of the pipeline
     */
    public TlsHandshakeHandler(TlsListener listener, Consumer<ChannelPipeline> http1, Consumer<ChannelPipeline> http2) {
        this.listener = listener;
        this.http1 = http1;
        this.http2 = http2;
    }

    /** The TLS handlers of a new connection: SNI selection (then the TLS handler it becomes), then this. */
    public static void install(ChannelPipeline p, TlsListener listener, Consumer<ChannelPipeline> http1,
                               Consumer<ChannelPipeline> http2) {
        long timeout = listener.current().config().handshakeTimeout().toMillis();
        p.addLast("tls", new SniSelectHandler(listener, timeout));
        p.addLast("tls-handshake", new TlsHandshakeHandler(listener, http1, http2));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Held back: the protocol handlers see the connection open once it speaks their protocol.
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.add(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!counted) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SniCompletionEvent sni && !sni.isSuccess()) {
            failed(ctx, sni.cause());
        } else if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                succeeded(ctx);
            } else {
                failed(ctx, done.cause());
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    private void succeeded(ChannelHandlerContext ctx) {
        if (counted) {
            return;
        }
        counted = true;
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        listener.meters().succeeded(ssl.engine().getSession().getProtocol());
        ChannelPipeline p = ctx.pipeline();
        if (ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
            http2.accept(p);
        } else {
            http1.accept(p);
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.fireChannelActive();
        while (!early.isEmpty()) {
            ctx.fireChannelRead(early.poll());
        }
        p.remove(this);
    }

    private void failed(ChannelHandlerContext ctx, Throwable cause) {
        if (!counted) {
            counted = true;
            listener.meters().failed();
            LOG.debug("{} listener {}: TLS handshake failed: {}", ctx.channel().id(), listener.label(), String.valueOf(cause));
        }
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Before the handshake, any error is the peer's (garbage, plaintext, a reset): close quietly.
        failed(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!counted) {
            counted = true;
            listener.meters().failed();
        }
        handlerRemoved(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        Object m;
        while ((m = early.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }
}
