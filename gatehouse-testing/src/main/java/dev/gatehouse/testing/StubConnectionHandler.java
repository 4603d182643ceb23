package dev.gatehouse.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one stub connection: hands decoded requests to the behaviour one at a time and reads from
 * the socket only when someone wants the next message.
 *
 * <p>Design notes. {@code AUTO_READ} is off. The decoder may still turn one socket read into
 * several messages (a head, body pieces, a pipelined next request), so every message goes into
 * {@link #inbound} first and {@link #pump()} moves messages out only as the current
 * {@link StubExchange} accepts them: a head when there is no current exchange, body pieces while
 * the exchange's consumer has demand. A new socket read is requested only when the queue is empty
 * and someone wants input, so a slow consumer or a response still being written holds the client
 * back through TCP instead of filling the heap. Invariants: messages in {@link #inbound} are
 * retained by the queue and released on delivery or when the channel goes away; {@link #pump()}
 * is not re-entered (callbacks it triggers set {@link #repump}); everything runs on the channel's
 * event loop.
 */
final class StubConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(StubConnectionHandler.class);

    private final StubBackend backend;
    private final long connectionId;
    private final ArrayDeque<HttpObject> inbound = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private StubExchange current;
    private boolean draining;
    private boolean closing;
    private boolean closed;
    private boolean pumping;
    private boolean repump;
    private boolean readPending;

    StubConnectionHandler(StubBackend backend, long connectionId) {
        this.backend = backend;
        this.connectionId = connectionId;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        pump();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed || !(msg instanceof HttpObject object)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        inbound.add(object);
        pump();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readPending = false;
        pump();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        releaseInbound();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closed = true;
        releaseInbound();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{} connection error, closing: {}", this, cause.toString());
        } else {
            log.warn("{} unexpected error, closing", this, cause);
        }
        close();
    }

    // ---- called by StubExchange --------------------------------------------------------------

    /** Moves queued messages to the current exchange as far as it accepts them, then reads if wanted. */
    void pump() {
        if (pumping) {
            repump = true;
            return;
        }
        pumping = true;
        try {
            do {
                repump = false;
                deliverQueued();
            } while (repump);
        } finally {
            pumping = false;
        }
        if (!closed && !closing && !readPending && inbound.isEmpty() && wantsInput()) {
            readPending = true;
            ctx.read();
        }
    }

    /** The exchange's response has ended and its request body has been read (or given up on). */
    void exchangeFinished(StubExchange exchange, boolean keepAlive, ChannelFuture lastWrite) {
        if (exchange != current) {
            return;
        }
        if (!keepAlive) {
            closing = true;
            lastWrite.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        current = null;
        pump();
    }

    void record(RecordedRequest request) {
        backend.record(request);
    }

    void close() {
        closing = true;
        ctx.close();
    }

    /** From now on read and drop everything until the peer closes the connection. */
    void drainForever() {
        draining = true;
        pump();
    }

    /** Writes bytes past the HTTP encoder, then closes. */
    ChannelFuture writeRawAndClose(ByteBuf bytes) {
        closing = true;
        HttpServerCodec codec = ctx.pipeline().get(HttpServerCodec.class);
        if (codec != null) {
            // The connection ends after these bytes, so the encoder is not needed again.
            codec.removeOutboundHandler();
        }
        ChannelFuture f = ctx.writeAndFlush(bytes);
        f.addListener(ChannelFutureListener.CLOSE);
        return f;
    }

    // ---- internals ---------------------------------------------------------------------------

    private boolean wantsInput() {
        return draining || current == null || current.wantsContent();
    }

    private void deliverQueued() {
        while (!closed && !closing && !inbound.isEmpty()) {
            if (draining) {
                ReferenceCountUtil.release(inbound.poll());
            } else if (current == null) {
                HttpObject msg = inbound.poll();
                if (msg instanceof HttpRequest head) {
                    begin(head);
                } else {
                    // Body bytes with no request: the decoder only emits these after a head, so
                    // this is leftover of a request given up on; drop it.
                    ReferenceCountUtil.release(msg);
                }
            } else if (current.wantsContent()) {
                HttpObject msg = inbound.poll();
                if (msg instanceof HttpContent piece) {
                    current.deliver(piece);
                } else {
                    ReferenceCountUtil.release(msg);
                    log.warn("{} a new request head arrived inside a request body, closing", this);
                    close();
                }
            } else {
                return;
            }
        }
    }

    private void begin(HttpRequest head) {
        if (head.decoderResult().isFailure()) {
            ReferenceCountUtil.release(head);
            rejectMalformed(head.decoderResult().cause());
            return;
        }
        backend.requestStarted();
        StubExchange exchange = new StubExchange(this, ctx, head, backend.name(), connectionId);
        current = exchange;
        if (head instanceof HttpContent) {
            // Only a decoder failure yields a full request, and that was handled above; never
            // leave its buffer behind anyway.
            ReferenceCountUtil.release(head);
        }
        try {
            backend.behavior().handle(exchange);
        } catch (RuntimeException e) {
            log.warn("{} behaviour failed on {}, closing", this, exchange, e);
            close();
        }
    }

    private void rejectMalformed(Throwable cause) {
        log.debug("{} malformed request, answering 400: {}", this, String.valueOf(cause));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                Unpooled.copiedBuffer("malformed request\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(StubBackend.BACKEND_HEADER, backend.name());
        closing = true;
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseInbound() {
        HttpObject msg;
        while ((msg = inbound.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public String toString() {
        return backend.name() + " #" + connectionId;
    }
}
