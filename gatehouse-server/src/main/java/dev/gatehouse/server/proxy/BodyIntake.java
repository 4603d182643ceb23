package dev.gatehouse.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Reads a request body before the request asks for a backend slot, in pools that buffer bodies
 * ({@code request_buffering}, the default where backends have a concurrency limit): a client
 * that trickles its upload then holds a connection and a little memory of the node, never one of
 * the backend's few workers. The body goes to a {@link BodyBuffer}; when it is complete, or the
 * buffer's bounds are reached, the exchange asks for its slot ({@link Exchange#buffered}) and the
 * backend gets what was buffered at once, then the rest as it streams. A body too large for its
 * memory buffer goes on into a temporary file ({@link BodySpool}), the buffer's bytes first, within
 * the file stage's bounds; the backend then gets the file, then the rest. Loop-confined.
 */
final class BodyIntake {

    private BodyIntake() {
    }

    /** Whether the exchange reads its body before asking for a slot. */
    static boolean buffers(Exchange e, ProxyContext context) {
        return e.pool().config().admission().bufferBodies() && context.settings().bufferRequest() > 0
                && e.expectsBody() && !e.upgrading() && !e.body().done();
    }

    /**
     * Starts reading the body. A client that waits for {@code 100 Continue} gets it now, from
     * the node: no backend is asked yet, and the client would otherwise wait for one that never
     * comes (the backend then gets the body without the expectation).
     */
    static void start(Exchange e, ClientSide client, ProxyContext context) {
        e.body().buffer(new BodyBuffer(client.alloc(), context.bodies().memory(), context.settings().bufferRequest()));
        if (HttpUtil.is100ContinueExpected(e.request())) {
            client.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            client.write(LastHttpContent.EMPTY_LAST_CONTENT);
            client.flush();
        }
        client.awaitBody();
        client.readRequest();
    }

    /** A part of the body while it is buffered. Takes ownership of {@code content}. */
    static void part(Exchange e, ClientSide client, ProxyContext context, HttpContent content, boolean last) {
        RequestBody body = e.body();
        BodySpool spool = body.spool();
        if (spool == null) {
            if (body.buffer().offer(content)) {
                if (last) {
                    complete(e, client);
                } else {
                    client.readRequest();
                }
                return;
            }
            spool = spill(e, client, context, content);
            if (spool == null) {
                boundReached(e, client, context, content, last);
                return;
            }
            // The memory buffer's bytes and this part were reserved and are on their way to the file.
            toFile(e, client, context, spool, spilled(body, content), content, last);
        } else if (spool.reserve(content.content().readableBytes())) {
            toFile(e, client, context, spool, content.content(), content, last);
        } else {
            boundReached(e, client, context, content, last);
        }
    }

    /**
     * Starts the file stage when the memory buffer is full: a spool with room for what the buffer
     * holds and this part, or null (no file stage, or no room: the body then streams as before).
     */
    private static BodySpool spill(Exchange e, ClientSide client, ProxyContext context, HttpContent content) {
        BodySpools spools = context.bodies().files();
        if (!spools.enabled()) {
            return null;
        }
        BodySpool spool = spools.open(client.eventLoop());
        if (!spool.reserve(e.body().buffer().bytes() + content.content().readableBytes())) {
            spool.release();
            return null;
        }
        e.body().spool(spool);
        return spool;
    }

    /** The memory buffer's bytes then {@code content}'s, as one buffer; the memory is given back. */
    private static ByteBuf spilled(RequestBody body, HttpContent content) {
        ByteBuf memory = body.buffer().drain(false).content();
        body.buffer().release();
        return Unpooled.wrappedBuffer(memory, content.content());
    }

    /** Writes {@code bytes} (of {@code content}, which it owns) to the file, then reads on. */
    private static void toFile(Exchange e, ClientSide client, ProxyContext context, BodySpool spool, ByteBuf bytes,
                               HttpContent content, boolean last) {
        if (last && content instanceof LastHttpContent end && !end.trailingHeaders().isEmpty()) {
            spool.trailers(end.trailingHeaders().copy());
        }
        RequestBody body = e.body();
        // The disk's time is ours, not the client's: it does not count against its rate.
        body.paused(true, context.clock().nanoTime());
        spool.write(bytes, () -> {
            if (e.ended()) {
                return;
            }
            body.paused(false, context.clock().nanoTime());
            if (last) {
                complete(e, client);
            } else {
                client.readRequest();
            }
        }, failure -> {
            if (!e.ended()) {
                e.endings().fail(ProxyError.BODY_NOT_BUFFERED,
                        "bodies: could not write the request body to a temporary file: " + failure.getMessage());
            }
        });
    }

    /** The whole body is buffered: the request asks for its slot. */
    private static void complete(Exchange e, ClientSide client) {
        RequestBody body = e.body();
        body.endBuffering(true);
        body.done(true);
        client.bodyComplete();
        e.buffered();
    }

    /** A bound is reached: what was buffered goes first, then this part, then the rest streams. */
    private static void boundReached(Exchange e, ClientSide client, ProxyContext context, HttpContent content,
                                     boolean last) {
        RequestBody body = e.body();
        body.endBuffering(false);
        body.hold(content);
        if (last) {
            body.done(true);
            client.bodyComplete();
        } else {
            body.paused(true, context.clock().nanoTime());
        }
        e.buffered();
    }
}
