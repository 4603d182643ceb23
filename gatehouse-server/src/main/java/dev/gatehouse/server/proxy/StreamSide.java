package dev.gatehouse.server.proxy;

import dev.gatehouse.server.tls.ConnectionTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

/**
 * The client side of one HTTP/2 stream: the last handler of the stream's child channel, behind the
 * frame converter ({@code server.h2.StreamFrameCodec}) and a flow-control handler, so that it sees
 * the request as HTTP/1.1 objects, one per read, like {@link ProxyHandler}. A stream carries exactly
 * one {@link Exchange}, through the same routing, admission, retries and logging as an HTTP/1.1
 * request.
 *
 * <p>Backpressure rides on the stream channel. Its reads are the stream's flow-control window: a
 * DATA frame's bytes go back to the client's window only when the next part of the body is asked
 * for ({@link #readRequest}), which the exchange does only while the backend takes the body; so a
 * backend that does not read stalls this stream's window and no other. Its writability is the
 * client's window plus the node's outbound buffer: the exchange stops reading the backend while the
 * stream is not writable, so a client that does not read makes the node hold at most the stream
 * channel's water mark.
 *
 * <p>Endings: a complete exchange ends the stream with END_STREAM; the stream channel then closes by
 * itself. An exchange that ends before the client finished its request body resets the stream with
 * NO_ERROR once the response's last frame is written (RFC 9113 §8.1), not before: the reset would
 * leave at once and drop what still waits for the client's window; a cut one resets it with CANCEL. A RST_STREAM from the
 * client, or the connection's end, closes the channel: the exchange is told the client left, which
 * gives its backend connection and slot back. Loop-confined.
 */
public final class StreamSide extends ChannelInboundHandlerAdapter implements ClientSide {

    /** What the client timer is counting. */
    private enum ClientWait { NONE, BODY, SEND }

    private final ProxyContext context;
    private final BooleanSupplier goingAway;
    private ChannelHandlerContext ctx;
    private Exchange exchange;
    private ClientWait clientWait = ClientWait.NONE;
    private IdleTimer clientTimer;
    private IdleTimer backendTimer;
    private InetSocketAddress remote;
    /** The request's end (END_STREAM) was read. */
    private boolean requestEnded;
    /** The exchange ended: what is left is flushing the response and closing. */
    private boolean done;
    private boolean readWanted;
    /** The write of the response's last part (its end), once the exchange wrote it. */
    private ChannelFuture lastWrite;

    /**
     * @param context   the listener's shared context
     * @param goingAway whether the connection sent GOAWAY (or the node is draining it)
     */
    public StreamSide(ProxyContext context, BooleanSupplier goingAway) {
        this.context = context;
        this.goingAway = goingAway;
    }

    @Override
    public ConnectionTls tls() {
        return ConnectionTls.of(ctx.channel());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.clientTimer = new IdleTimer(ctx.channel().eventLoop(), this::clientTimedOut, this::clientPaused);
        this.backendTimer = new IdleTimer(ctx.channel().eventLoop(), this::backendTimedOut, this::backendPaused);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        remote = (InetSocketAddress) ctx.channel().remoteAddress();
        // The stream exists because its HEADERS arrived: the head is there to read.
        readRequest();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readWanted = false;
        if (msg instanceof HttpRequest request) {
            if (exchange != null || done) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            exchange = new Exchange(this, context, request);
            exchange.start();
            if (msg instanceof HttpContent invalid) {
                invalid.release();
            }
        } else if (msg instanceof HttpContent content) {
            if (content instanceof LastHttpContent) {
                requestEnded = true;
            }
            if (exchange != null) {
                exchange.clientContent(content);
            } else {
                // The rest of a request answered before it was read (an error response): dropped.
                content.release();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // A read cycle that brought nothing for us (a frame the converter dropped) does not satisfy a read.
        if (readWanted && ctx.channel().isActive()) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset) {
            // The client cancelled the stream: the exchange ends as if its connection had closed.
            Exchange.LOG.debug("{} stream reset by the client: {}", ctx.channel().id(), reset.errorCode());
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            Exchange.LOG.debug("{} stream failed: {}", ctx.channel().id(), cause.toString());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        clientTimer.cancel();
        backendTimer.cancel();
        if (exchange != null) {
            Exchange e = exchange;
            exchange = null;
            e.clientClosed();
        }
    }

    @Override
    public void exchangeDone(Exchange e, boolean keepAlive) {
        if (exchange != e) {
            return;
        }
        exchange = null;
        done = true;
        backendTimer.stop();
        Channel ch = ctx.channel();
        if (!ch.isActive()) {
            return;
        }
        // The stream closes by itself once the response's END_STREAM is written; a client that
        // never opens its window for it gets client_send, then a reset.
        clientWait = ClientWait.SEND;
        clientTimer.start(context.settings().clientSend());
        if (!clientEndedStream()) {
            // Answered before the whole request arrived: the client may stop sending (RFC 9113
            // §8.1). Not before the response is written whole: a reset goes out at once, and
            // closes the stream on the response's DATA still waiting for the client's window.
            if (lastWrite == null || lastWrite.isDone()) {
                resetAnswered();
            } else {
                lastWrite.addListener(f -> resetAnswered());
            }
        }
    }

    /** Ends a stream whose response is written but whose request is not: RST_STREAM(NO_ERROR). */
    private void resetAnswered() {
        Channel ch = ctx.channel();
        if (ch.isActive()) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR)).addListener(f -> ch.close());
        }
    }

    // ---------------------------------------------------------------- ClientSide

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public String protocol() {
        return "h2";
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public void write(Object responsePart) {
        ctx.write(responsePart, promiseFor(responsePart));
    }

    @Override
    public void writeAndFlush(Object responsePart) {
        ctx.writeAndFlush(responsePart, promiseFor(responsePart));
    }

    /**
     * A real promise for a response's end (its last part, or a whole response), kept as
     * {@link #lastWrite}; the void promise for the other parts, which nothing waits for.
     */
    private ChannelPromise promiseFor(Object responsePart) {
        if (responsePart instanceof LastHttpContent) {
            ChannelPromise p = ctx.newPromise();
            lastWrite = p;
            return p;
        }
        return ctx.voidPromise();
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
    public boolean draining() {
        return goingAway.getAsBoolean() || context.connections().draining();
    }

    @Override
    public void readRequest() {
        if (done || !ctx.channel().isActive()) {
            return;
        }
        readWanted = true;
        ctx.read();
    }

    @Override
    public void awaitBody() {
        clientWait = ClientWait.BODY;
        clientTimer.start(context.settings().clientBody());
    }

    @Override
    public void bodyComplete() {
        clientWait = ClientWait.NONE;
        clientTimer.stop();
    }

    @Override
    public void awaitClientRead() {
        clientWait = ClientWait.SEND;
        clientTimer.start(context.settings().clientSend());
    }

    @Override
    public void clientReadResumed(boolean bodyPending) {
        if (clientWait == ClientWait.SEND) {
            if (bodyPending) {
                awaitBody();
            } else {
                clientWait = ClientWait.NONE;
                clientTimer.stop();
            }
        }
    }

    @Override
    public void touchClientTimer() {
        clientTimer.touch();
    }

    @Override
    public void startBackendTimer(long nanos) {
        backendTimer.start(nanos);
    }

    @Override
    public void touchBackendTimer() {
        backendTimer.touch();
    }

    @Override
    public void stopBackendTimer() {
        backendTimer.stop();
    }

    /** A stream cannot become a tunnel: an upgrade is refused before it reaches a backend. */
    @Override
    public Channel upgradableChannel() {
        return null;
    }

    /** Resets the stream (CANCEL unless both sides ended it); the connection and its other streams go on. */
    @Override
    public void close() {
        ctx.channel().close();
    }

    /** Whether the client sent END_STREAM (read by us or not): the stream is half-closed on its side. */
    private boolean clientEndedStream() {
        if (requestEnded) {
            return true;
        }
        if (ctx.channel() instanceof Http2StreamChannel stream) {
            // A stream that is gone (closed, and so no longer known) reads as IDLE.
            Http2Stream.State state = stream.stream().state();
            return state != Http2Stream.State.OPEN && state != Http2Stream.State.HALF_CLOSED_LOCAL;
        }
        return false;
    }

    private boolean clientPaused() {
        return clientWait == ClientWait.BODY && exchange != null && exchange.clientReadPaused();
    }

    private boolean backendPaused() {
        return exchange != null && exchange.upstreamReadPaused();
    }

    private void clientTimedOut() {
        ClientWait was = clientWait;
        clientWait = ClientWait.NONE;
        switch (was) {
            case SEND -> {
                if (exchange != null) {
                    exchange.clientSendTimedOut();
                } else {
                    ctx.close();
                }
            }
            case BODY -> {
                if (exchange != null) {
                    exchange.clientTimedOut();
                }
            }
            case NONE -> { }
        }
    }

    private void backendTimedOut() {
        if (exchange != null) {
            exchange.backendTimedOut();
        }
    }
}
