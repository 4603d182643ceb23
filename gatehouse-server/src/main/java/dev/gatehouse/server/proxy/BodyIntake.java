package dev.gatehouse.server.proxy;

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
 * backend gets what was buffered at once, then the rest as it streams. Loop-confined.
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
        e.body().buffer(new BodyBuffer(client.alloc(), context.bodyBudget(), context.settings().bufferRequest()));
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
        if (body.buffer().offer(content)) {
            if (!last) {
                client.readRequest();
                return;
            }
            body.endBuffering(true);
            body.done(true);
            client.bodyComplete();
        } else {
            // A bound is reached: what was buffered goes first, then this part, then the rest streams.
            body.endBuffering(false);
            body.hold(content);
            if (last) {
                body.done(true);
                client.bodyComplete();
            } else {
                body.paused(true, context.clock().nanoTime());
            }
        }
        e.buffered();
    }
}
