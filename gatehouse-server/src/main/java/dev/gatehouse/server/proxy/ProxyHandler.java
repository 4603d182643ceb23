package dev.gatehouse.server.proxy;

import dev.gatehouse.server.codec.ClientCodec;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
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
 * exchange drives both timers. The timers and what they count are {@link ClientTimers}; what the
 * exchange may ask of the connection is {@link Http1ClientSide}. A connection idle for a while is
 * parked: its codec and timers are dropped until its next bytes ({@link IdleParking}). Loop-confined.
 */
final class ProxyHandler extends Http1ClientSide implements ClientConnection {

    final ProxyContext context;
    private final IdleParking parking;
    /** Null while parked, as {@link #timers} is. */
    private FirstByteHandler firstByte;
    private Exchange exchange;
    private boolean draining;
    private boolean closed;
    /** The connection will close once what was written is flushed: no more reads, no new exchange. */
    private boolean closing;
    private int readDepth;
    /**
     * How deep reads may nest before the next one is deferred: each request answered inside the
     * read that brought it adds two (its head, then its end).
     */
    static final int MAX_NESTED_READS = 8;
    /** The next request waits until the client reads what was written. */
    private boolean awaitingWritable;
    /** That request would be the connection's first. */
    private boolean awaitingFirst;
    /** A read was asked for and no message has come yet. */
    private boolean readWanted;
    /** Started: counted as open and waiting for its first request. */
    private boolean started;
    /** Idle and parked ({@link IdleParking}): no other handler of ours in the pipeline, no timer. */
    private boolean parked;
    /** While parked: since when it waits, on {@link System#nanoTime()}'s scale. */
    private long idleSince;
    /** In its loop's {@link IdleParking} sweep. */
    boolean swept;

    ProxyHandler(ProxyContext context, IdleParking parking) {
        this.context = context;
        this.parking = parking;
        this.firstByte = newFirstByte();
    }

    FirstByteHandler firstByteHandler() {
        return firstByte;
    }

    private FirstByteHandler newFirstByte() {
        // Bytes of a new request on an idle connection: the head must now come in time.
        return new FirstByteHandler(() -> timers.requestBytesArrived());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.timers = newTimers();
        if (ctx.channel().isActive()) {
            // Added once the connection was up (after h2c detection or ALPN): no channelActive will come.
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
    }

    private ClientTimers newTimers() {
        return new ClientTimers(ctx.channel().eventLoop(), context.settings(), () -> exchange, this::clientTimedOut);
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
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
        if (!ctx.channel().isWritable()) {
            // Answers the client has not read yet fill the outbound buffer (a pipeline of requests
            // for small files, read by nobody): its next request waits until it reads, bounded by
            // client_send, instead of being answered into the node's memory.
            awaitingWritable = true;
            awaitingFirst = first;
            timers.awaitClientRead();
            return;
        }
        timers.awaitRequest(first);
        if (draining) {
            // Handed over (else closed above): the last request's short wait, not client_idle.
            timers.awaitLastRequest();
        } else if (!first) {
            parking.idle(this, ctx.channel().eventLoop());
        }
        firstByte.armed = true;
        if (readDepth > MAX_NESTED_READS) {
            // A pipelined request may already be decoded: reading now starts it inside this call
            // stack, and a long pipeline of quickly answered requests would overflow it.
            ctx.channel().eventLoop().execute(this::readRequest);
        } else {
            // Asking inside the read cycle (an answer given at once, like a static file's) keeps
            // the socket's read interest: deferred past the cycle, the transport would drop it and
            // set it again, two epoll_ctl calls per request.
            readRequest();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readWanted = false;
        if (parked) {
            // The first bytes of a parked connection's next request: its handlers are back, and
            // read them as the first bytes of a request on an idle connection.
            unpark();
            firstByte.armed = false;
            timers.requestBytesArrived();
            ctx.pipeline().context(firstByte).fireChannelRead(msg);
            return;
        }
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
            timers.owedNothing();
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
        } else if (awaitingWritable && !closing && ctx.channel().isWritable()) {
            awaitingWritable = false;
            awaitRequest(awaitingFirst);
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
        if (timers != null) {
            timers.cancel();
        }
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
        timers.stopBackend();
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
        timers.awaitClientRead();
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Asks the client for the next message (a request head or a part of its body). */
    @Override
    public void readRequest() {
        if (closing) {
            return;
        }
        readWanted = true;
        awaitingWritable = false;
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
    @Override
    public void drain() {
        draining = true;
        if (parked) {
            if (closed) {
                return; // closed since the drain was queued: its pipeline is gone, nothing to drain
            }
            unpark(); // its handlers and timers back: then drained as any idle connection
        }
        if (exchange != null) {
            exchange.drain();
        } else if (timers.headArriving()) {
            // A request is arriving: it is served, and its response closes the connection.
        } else if (context.connections().handedOver() && !closing) {
            // A new process serves: a client in mid-stream gets its next answer with
            // Connection: close rather than a close racing its next request; one idle this long
            // is closed as by an idle timeout. (HAProxy before 2.4 waited the same way.)
            timers.awaitLastRequest();
        } else if (awaitingWritable) {
            // Answers are still on their way to a slow reader: they go out whole, then it closes.
            closeAfterFlush();
        } else {
            ctx.close();
        }
    }

    /**
     * Looked at by its loop's {@link IdleParking} sweep: parks the connection once it has waited
     * {@code parkAfter} for its next request with nothing buffered; closes a parked one once it
     * waited {@code clientIdle}, as its client timer would have.
     *
     * @return whether the sweep should look at it again (false: busy, or gone)
     */
    boolean sweep(long now, long parkAfter, long clientIdle) {
        if (parked) {
            if (now - idleSince < clientIdle) {
                return !closed;
            }
            ctx.close();
            return false;
        }
        if (closed || closing || draining || exchange != null || awaitingWritable || !timers.awaitingNextRequest()) {
            return false;
        }
        if (now - timers.clientIdleSince() >= parkAfter && readWanted && firstByte.armed
                && ctx.pipeline().get(ClientCodec.class).atRest()) {
            idleSince = timers.clientIdleSince();
            timers.cancel();
            timers = null;
            firstByte = null;
            parked = true;
            IdleParking.uninstall(ctx.pipeline());
        }
        return true;
    }

    /** Puts back what parking took: the handlers, waiting for a request, and the timers. */
    private void unpark() {
        parked = false;
        firstByte = newFirstByte();
        timers = newTimers();
        parking.install(ctx.pipeline(), ctx.name(), firstByte);
        timers.awaitRequest(false);
        firstByte.armed = true;
        readRequest(); // through the new flow-control handler, so that its next message comes on
    }

    /** The client timer expired while counting {@code wait}. */
    private void clientTimedOut(ClientTimers.Wait wait) {
        switch (wait) {
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
    }
}
