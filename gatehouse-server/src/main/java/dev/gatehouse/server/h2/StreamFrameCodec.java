package dev.gatehouse.server.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseNotifier;
import java.util.Map;

/**
 * The first handler of a stream's channel: turns the stream's frames into the HTTP/1.1 objects an
 * exchange reads, and the exchange's response objects into frames.
 *
 * <p>Inbound: the first HEADERS is the request head ({@link StreamRequests}), followed by an empty
 * last content when it ended the stream; DATA is body (its buffer is handed on, not copied); a second
 * HEADERS is the trailers and must end the stream (else the stream is reset with PROTOCOL_ERROR,
 * RFC 9113 §8.1); pseudo-header fields in trailers are malformed too. Other frames are dropped.
 *
 * <p>Outbound: a response head becomes HEADERS with {@code :status}, its connection-specific fields
 * dropped and names lowercased (Netty's {@link HttpConversionUtil#toHttp2Headers(HttpHeaders, Http2Headers)});
 * an interim (1xx) head is sent as such and its empty end swallowed; body parts become DATA (empty
 * ones that do not end the response are not sent); the last part ends the stream, with a trailing
 * HEADERS when the backend sent trailers. A response with neither body nor trailers ends the stream
 * on its HEADERS. A response that has no content (to HEAD, or 204, 304) ends the stream on its
 * HEADERS whatever it carries: body bytes and trailers are dropped, as HTTP/1.1's response encoder
 * drops them, and Content-Length stays as the GET would have it (RFC 9113 §8.1.1: DATA there would be
 * malformed). Frames (a reset) pass through. Loop-confined, one per stream.
 */
public final class StreamFrameCodec extends ChannelDuplexHandler {

    private boolean headRead;
    /** Body bytes still to come by the request's Content-Length; -1 without one. */
    private long remaining = -1;
    /** The request's last part went on (END_STREAM, or the declared length reached). */
    private boolean requestEnded;
    /** An interim response went out: its (empty) end is not the stream's. */
    private boolean interim;
    /** The request is a HEAD: its response has no content. */
    private boolean headRequest;
    /**
     * The write of the HEADERS that ended a response without content, or {@code null}: what is
     * left of that response is dropped, its writes complete with this one.
     */
    private ChannelFuture bodilessEnd;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame h) {
            if (!headRead) {
                headRead = true;
                io.netty.handler.codec.http.HttpRequest request = StreamRequests.toRequest(h.headers(), h.isEndStream());
                remaining = declaredLength(request);
                headRequest = HttpMethod.HEAD.equals(request.method());
                ctx.fireChannelRead(request);
                if (h.isEndStream() || remaining == 0) {
                    requestEnded = true;
                    ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
                }
                return;
            }
            if (requestEnded) {
                // Trailers after a body framed by its length: the backend hop has ended already.
                ReferenceCountUtil.release(msg);
                return;
            }
            LastHttpContent trailers = trailers(h);
            if (trailers == null) {
                resetMalformed(ctx);
                return;
            }
            requestEnded = true;
            ctx.fireChannelRead(trailers);
        } else if (msg instanceof Http2DataFrame d) {
            ByteBuf content = d.content();
            if (requestEnded) {
                // Only an empty END_STREAM can come after the declared length (the codec checks it).
                content.release();
                return;
            }
            if (remaining > 0) {
                remaining -= content.readableBytes();
            }
            // The body ends with the declared length, as over HTTP/1.1, even when END_STREAM comes
            // in a frame of its own later: the exchange need not wait for it to be complete.
            boolean last = d.isEndStream() || remaining == 0;
            requestEnded = last;
            ctx.fireChannelRead(last ? new DefaultLastHttpContent(content) : new DefaultHttpContent(content));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The request's Content-Length, or -1 (none, or one the exchange will refuse). */
    private static long declaredLength(io.netty.handler.codec.http.HttpRequest request) {
        try {
            return io.netty.handler.codec.http.HttpUtil.getContentLength(request, -1L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The trailers of {@code h}, or {@code null} when they are malformed. */
    private static LastHttpContent trailers(Http2HeadersFrame h) {
        if (!h.isEndStream()) {
            return null;
        }
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        for (Map.Entry<CharSequence, CharSequence> e : h.headers()) {
            CharSequence name = e.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                return null;
            }
            if (StreamRequests.fieldProblem(name, e.getValue()) != null) {
                return null;
            }
            try {
                last.trailingHeaders().add(name, e.getValue());
            } catch (IllegalArgumentException ex) {
                return null;
            }
        }
        return last;
    }

    private static void resetMalformed(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR)).addListener(f -> ctx.channel().close());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            writeHead(ctx, response, promise);
        } else if (msg instanceof HttpContent content) {
            writeContent(ctx, content, promise);
        } else if (msg instanceof Http2StreamFrame) {
            ctx.write(msg, promise);
        } else {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new IllegalArgumentException("not a response part: " + msg.getClass().getName()));
        }
    }

    private void writeHead(ChannelHandlerContext ctx, HttpResponse response, ChannelPromise promise) {
        Http2Headers headers = new DefaultHttp2Headers(false);
        headers.status(response.status().codeAsText());
        HttpConversionUtil.toHttp2Headers(response.headers(), headers);
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            // 100 Continue, 103 Early Hints: allowed before the final head (RFC 9113 §8.1). 101 never
            // gets here: a stream cannot switch protocols, so an exchange never sees one as asked for.
            interim = true;
            ReferenceCountUtil.release(response);
            ctx.write(new DefaultHttp2HeadersFrame(headers, false), promise);
            return;
        }
        int status = response.status().code();
        if (headRequest || status == 204 || status == 304) {
            writeBodiless(ctx, response, headers, promise);
            return;
        }
        if (response instanceof FullHttpResponse full) {
            ByteBuf body = full.content();
            HttpHeaders trailing = full.trailingHeaders();
            if (!body.isReadable() && trailing.isEmpty()) {
                body.release();
                ctx.write(new DefaultHttp2HeadersFrame(headers, true), promise);
                return;
            }
            ctx.write(new DefaultHttp2HeadersFrame(headers, false), ctx.voidPromise());
            writeLast(ctx, body, trailing, promise);
            return;
        }
        ctx.write(new DefaultHttp2HeadersFrame(headers, false), promise);
    }

    /**
     * A response without content: HEADERS that end the stream. The end of a response given in parts
     * completes with these HEADERS ({@link #writeContent}), so that whoever waits for the response's
     * last write waits for them.
     */
    private void writeBodiless(ChannelHandlerContext ctx, HttpResponse response, Http2Headers headers,
                               ChannelPromise promise) {
        boolean whole = response instanceof FullHttpResponse;
        ReferenceCountUtil.release(response);
        ChannelPromise written = promise;
        if (!whole) {
            written = ctx.newPromise();
            notify(written, promise);
            bodilessEnd = written;
        }
        ctx.write(new DefaultHttp2HeadersFrame(headers, true), written);
    }

    private void writeContent(ChannelHandlerContext ctx, HttpContent content, ChannelPromise promise) {
        boolean last = content instanceof LastHttpContent;
        if (bodilessEnd != null) {
            // The response ended on its HEADERS: its body and trailers have nowhere to go.
            content.release();
            if (last) {
                notify(bodilessEnd, promise);
            } else {
                promise.trySuccess();
            }
            return;
        }
        if (interim) {
            // The interim response's end: nothing to send.
            if (last) {
                interim = false;
            }
            content.release();
            promise.trySuccess();
            return;
        }
        if (last) {
            writeLast(ctx, content.content(), ((LastHttpContent) content).trailingHeaders(), promise);
            return;
        }
        if (!content.content().isReadable()) {
            content.release();
            promise.trySuccess();
            return;
        }
        ctx.write(new DefaultHttp2DataFrame(content.content(), false), promise);
    }

    /** Completes {@code promise} as {@code future} completes (nothing to do for a void promise). */
    private static void notify(ChannelFuture future, ChannelPromise promise) {
        if (!promise.isVoid()) {
            future.addListener(new PromiseNotifier<>(promise));
        }
    }

    /** The end of the response: its last bytes, then its trailers if any. Takes ownership of {@code body}. */
    private static void writeLast(ChannelHandlerContext ctx, ByteBuf body, HttpHeaders trailing, ChannelPromise promise) {
        if (trailing.isEmpty()) {
            ctx.write(new DefaultHttp2DataFrame(body, true), promise);
            return;
        }
        if (body.isReadable()) {
            ctx.write(new DefaultHttp2DataFrame(body, false), ctx.voidPromise());
        } else {
            body.release();
        }
        Http2Headers t = new DefaultHttp2Headers(false);
        HttpConversionUtil.toHttp2Headers(trailing, t);
        ctx.write(new DefaultHttp2HeadersFrame(t, true), promise);
    }
}
