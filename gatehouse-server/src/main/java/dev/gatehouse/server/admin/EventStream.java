package dev.gatehouse.server.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/events}: a server-sent event stream (the {@code text/event-stream} format of
 * the HTML standard) that sends the dashboard's whole view as one {@code dashboard} event at once,
 * then once a second, and within a tenth of a second of a change (a new snapshot, a deploy's
 * step), until the client goes. Everything runs on the connection's event loop.
 *
 * <p>Why the whole view each time rather than changes: it is a few KiB, a client that missed an
 * event (or skipped one, below) needs nothing else to be right again, and the node keeps no
 * per-client state. Backpressure: when the connection is not writable (a client that does not
 * read), a tick is skipped rather than queued, so a stalled dashboard holds at most a socket
 * buffer and one view, and one that stays stalled for {@value #STALL_SECONDS} s is closed, so that
 * it cannot keep its place. The number of open streams is bounded; past it the answer is 503.
 * The encoded view is shared by the streams ({@link Views}): more viewers do not mean more views.
 */
final class EventStream {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    /** Open streams a node serves at most (dashboards open at once). */
    static final int MAX_STREAMS = 32;
    static final long PERIOD_MILLIS = 1000;
    /** How often a change is looked for: an identity check, no view built. */
    static final long CHECK_MILLIS = 100;
    /** A stream that could not be written to for this long is closed. */
    static final long STALL_SECONDS = 30;
    private static final byte[] EVENT = "event: dashboard\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ChannelHandlerContext ctx;
    private final Views views;
    private final Changes changes;
    private Object sent;
    private long sentAt;
    private long unwritableSince;

    /** The view, encoded as one line of JSON, for a mark of its sources. */
    @FunctionalInterface
    interface Views {
        /** The view as of {@code mark}; may be one encoded a moment ago for the same mark. Must not block. */
        byte[] encoded(Object mark);
    }

    /** What the view is made of, cheaply: a different answer means the view may have changed. */
    @FunctionalInterface
    interface Changes {
        /** A mark of the sources now, compared with {@link Object#equals} to the last one sent. */
        Object mark();
    }

    private EventStream(ChannelHandlerContext ctx, Views views, Changes changes) {
        this.ctx = ctx;
        this.views = views;
        this.changes = changes;
    }

    /**
     * Opens a stream on a connection whose request was authorized, or answers 503 when
     * {@code open} streams are at the bound already. Called on the connection's event loop.
     *
     * @param views   the view to send (read on the event loop: it must not block)
     * @param changes tells when to send it before the second is up
     * @param open    the node's count of open streams, shared by its connections
     * @return whether the stream was opened (false: the caller answers 503)
     */
    static boolean open(ChannelHandlerContext ctx, HttpVersion version, Views views, Changes changes,
                        AtomicInteger open) {
        if (open.incrementAndGet() > MAX_STREAMS) {
            open.decrementAndGet();
            return false;
        }
        HttpResponse head = new DefaultHttpResponse(version, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("X-Content-Type-Options", "nosniff");
        if (version.equals(HttpVersion.HTTP_1_1)) {
            HttpUtil.setTransferEncodingChunked(head, true);
        } else {
            HttpUtil.setKeepAlive(head, false); // HTTP/1.0: the stream ends when the connection does
        }
        ctx.writeAndFlush(head);
        EventStream stream = new EventStream(ctx, views, changes);
        ScheduledFuture<?> tick = ctx.executor().scheduleAtFixedRate(stream::check, 0, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        ctx.channel().closeFuture().addListener(f -> {
            tick.cancel(false);
            open.decrementAndGet();
        });
        return true;
    }

    private void check() {
        long now = ctx.executor().ticker().nanoTime(); // the loop's clock: a test's EmbeddedChannel moves it
        if (!ctx.channel().isActive()) {
            return;
        }
        if (!ctx.channel().isWritable()) {
            // Not reading: a later tick sends the whole view again; never reading, the place goes.
            if (unwritableSince == 0) {
                unwritableSince = now;
            } else if (now - unwritableSince > TimeUnit.SECONDS.toNanos(STALL_SECONDS)) {
                LOG.info("closing a dashboard event stream that read nothing for {} s", STALL_SECONDS);
                ctx.close();
            }
            return;
        }
        unwritableSince = 0;
        Object mark = changes.mark();
        if (sent == null || !mark.equals(sent) || now - sentAt >= TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS)) {
            if (push(mark)) {
                sent = mark;
                sentAt = now;
            }
        }
    }

    private boolean push(Object mark) {
        byte[] json;
        try {
            json = views.encoded(mark);
        } catch (RuntimeException e) {
            LOG.warn("dashboard view failed, closing its event stream: {}", e.toString(), e);
            ctx.close();
            return false;
        }
        ByteBuf event = ctx.alloc().buffer(EVENT.length + json.length + END.length);
        event.writeBytes(EVENT).writeBytes(json).writeBytes(END);
        ctx.writeAndFlush(new DefaultHttpContent(event)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        return true;
    }
}
