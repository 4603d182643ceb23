package dev.gatehouse.server.proxy;

import dev.gatehouse.server.tls.ConnectionTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One client connection. Reads one request at a time (auto-read is off and a flow-control handler
 * hands over one decoded message per read), runs it as an {@link Exchange}, and only asks for the
 * next request once the response is complete: pipelined requests are therefore answered in order.
 *
 * <p>Timers: while waiting for a request, the client timer closes an idle connection silently
 * ({@code client_idle}, or {@code client_header} for the connection's first request); once bytes
 * of a request arrived, a stalled head gets 408 after {@code client_header}. During an exchange the
 * exchange drives both timers. Loop-confined.
 */
final class ProxyHandler extends ChannelInboundHandlerAdapter implements ClientSide {

    /** What the client timer is counting. */
    enum ClientWait { NONE, FIRST_REQUEST, NEXT_REQUEST, HEAD, BODY, SEND }

    final ProxyContext context;
    private final FirstByteHandler firstByte;
    private ChannelHandlerContext ctx;
    private Exchange exchange;
    private ClientWait clientWait = ClientWait.NONE;
    private boolean draining;
    /** After a hitless restart, how long an idle keep-alive connection may wait for a last request. */
    private static final long HANDOVER_IDLE_NANOS = 1_000_000_000L;
    private boolean closed;
    /** The connection will close once what was written is flushed: no more reads, no new exchange. */
    private boolean closing;
    private int readDepth;
    /** A read was asked for and no message has come yet. */
    private boolean readWanted;
    private IdleTimer clientTimer;
    private IdleTimer backendTimer;
    private InetSocketAddress remote;
    /** Looked up at the first request (after the handshake). */
    private ConnectionTls tls;

    ProxyHandler(ProxyContext context) {
        this.context = context;
        this.firstByte = new FirstByteHandler(this);
    }

    FirstByteHandler firstByteHandler() {
        return firstByte;
    }

    Channel channel() {
        return ctx.channel();
    }

    ChannelHandlerContext ctx() {
        return ctx;
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
        context.connections().opened(this);
        awaitRequest(true);
    }

    /** Waits for the next request: arms the idle timer and asks for bytes. */
    private void awaitRequest(boolean first) {
        if (draining && !context.connections().handedOver()) {
            ctx.close();
            return;
        }
        clientWait = first ? ClientWait.FIRST_REQUEST : ClientWait.NEXT_REQUEST;
        clientTimer.start(first ? context.settings().clientHeader() : context.settings().clientIdle());
        firstByte.armed = true;
        if (readDepth > 0) {
            // A pipelined request may already be decoded: reading now would start it inside this
            // call stack, and a long pipeline of quickly answered requests would overflow it.
            ctx.channel().eventLoop().execute(this::readRequest);
        } else {
            readRequest();
        }
    }

    /** Bytes of a new request arrived on an idle connection: the head must now come in time. */
    void requestBytesArrived() {
        if (exchange == null && (clientWait == ClientWait.FIRST_REQUEST || clientWait == ClientWait.NEXT_REQUEST)) {
            clientWait = ClientWait.HEAD;
            clientTimer.start(context.settings().clientHeader());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readWanted = false;
        readDepth++;
        try {
            dispatch(ctx, msg);
        } finally {
            readDepth--;
        }
    }

    private void dispatch(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            firstByte.armed = false;
            if (exchange != null || closed) {
                // Cannot happen while reads are paused during an exchange; refuse to guess.
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            clientWait = ClientWait.NONE;
            clientTimer.stop();
            exchange = new Exchange(this, context, request);
            exchange.start();
            if (msg instanceof HttpContent invalid) {
                // The decoder only produces a "full" request for one it could not parse; its
                // (empty) content is ours to release, the exchange has already answered 400.
                invalid.release();
            }
        } else if (msg instanceof HttpContent content) {
            if (exchange != null) {
                exchange.clientContent(content);
            } else {
                // The empty end of a bodiless request answered before it was read (an error
                // response on a kept-alive connection), or the rest of one whose connection is
                // closing: drop it and keep waiting for the next request.
                content.release();
                if (!closed && ctx.channel().isActive()) {
                    readRequest();
                }
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
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
        // Peer I/O errors (resets) end the connection; the exchange learns it in channelInactive.
        if (!(cause instanceof IOException)) {
            Exchange.LOG.warn("{} client connection failed: {}", ctx.channel().id(), cause.toString(), cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        clientTimer.cancel();
        backendTimer.cancel();
        if (exchange != null) {
            Exchange e = exchange;
            exchange = null;
            e.clientClosed();
        }
        context.connections().closed(this);
    }

    /**
     * The exchange is over and the connection may carry another request.
     *
     * @param keepAlive false closes the connection once everything written is flushed
     */
    @Override
    public void exchangeDone(Exchange e, boolean keepAlive) {
        if (exchange != e) {
            return;
        }
        exchange = null;
        backendTimer.stop();
        if (!keepAlive || draining || closed) {
            closeAfterFlush();
            return;
        }
        awaitRequest(false);
    }

    /**
     * Closes once everything written is flushed; a client that never reads gets {@code client_send}
     * before the connection is closed anyway.
     */
    void closeAfterFlush() {
        if (closing) {
            return;
        }
        closing = true;
        clientWait = ClientWait.SEND;
        clientTimer.start(context.settings().clientSend());
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** The client stopped reading the response: from now on its pause is bounded by {@code client_send}. */
    @Override
    public void awaitClientRead() {
        clientWait = ClientWait.SEND;
        clientTimer.start(context.settings().clientSend());
    }

    /**
     * The client reads again.
     *
     * @param bodyPending whether it still owes us request body, whose pauses count again
     */
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

    /** Starts counting the client's pauses while it sends a request body. */
    @Override
    public void awaitBody() {
        clientWait = ClientWait.BODY;
        clientTimer.start(context.settings().clientBody());
    }

    /** The body is complete: the client owes us nothing more for now. */
    @Override
    public void bodyComplete() {
        clientWait = ClientWait.NONE;
        clientTimer.stop();
    }

    /** Asks the client for the next message (a request head or a part of its body). */
    @Override
    public void readRequest() {
        if (closing) {
            return;
        }
        readWanted = true;
        ctx.read();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // One read() asks for one read cycle; a cycle that brought no message for us (a partial
        // chunk, or only bytes the decoder holds) does not satisfy it, so ask again.
        if (readWanted && !closed && !closing) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public boolean draining() {
        return draining || context.connections().draining();
    }

    /** Graceful shutdown: finish the current exchange, if any, then close. */
    void drain() {
        draining = true;
        if (exchange != null) {
            exchange.drain();
        } else if (clientWait == ClientWait.HEAD) {
            // A request is arriving: it is served, and its response closes the connection.
        } else if (context.connections().handedOver() && !closing) {
            // A new process serves: a client in mid-stream gets its next answer with
            // Connection: close rather than a close racing its next request; one idle this long
            // is closed as by an idle timeout. (HAProxy before 2.4 waited the same way.)
            clientTimer.start(HANDOVER_IDLE_NANOS);
        } else {
            ctx.close();
        }
    }

    // ---------------------------------------------------------------- ClientSide

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public Object logId() {
        return ctx.channel().id();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public ConnectionTls tls() {
        if (tls == null) {
            tls = ConnectionTls.of(ctx.channel());
        }
        return tls;
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
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

    @Override
    public Channel upgradableChannel() {
        return ctx.channel();
    }

    @Override
    public void close() {
        ctx.channel().close();
    }

    private boolean clientPaused() {
        // While a body is being read but the backend cannot take more, the client is waiting for us.
        return clientWait == ClientWait.BODY && exchange != null && exchange.clientReadPaused();
    }

    private boolean backendPaused() {
        // While the client cannot take more of the response, the backend is waiting for us.
        return exchange != null && exchange.upstreamReadPaused();
    }

    private void clientTimedOut() {
        switch (clientWait) {
            case FIRST_REQUEST, NEXT_REQUEST -> ctx.close();
            case HEAD -> {
                closing = true;
                context.limits().hit(ClientLimit.CLIENT_HEADER, ctx.channel().id(), remote.getAddress().getHostAddress(),
                        "client_header: no complete request head within " + context.settings().clientHeader() / 1_000_000 + " ms");
                // A head that never became an exchange: answer it, then close.
                ctx.writeAndFlush(ErrorResponses.build(ctx.alloc(), ProxyError.CLIENT_TIMEOUT, RequestIds.generate(), true))
                        .addListener(ChannelFutureListener.CLOSE);
            }
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
        clientWait = ClientWait.NONE;
    }

    private void backendTimedOut() {
        if (exchange != null) {
            exchange.backendTimedOut();
        }
    }
}
