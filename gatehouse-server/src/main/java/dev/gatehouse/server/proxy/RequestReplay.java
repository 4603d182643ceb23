package dev.gatehouse.server.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The request as a {@link BackendTry} sends it: its head for the backend, and the whole request
 * again on a new connection when some of it was read before (a retry, a stale pooled connection
 * replaced, or a body buffered before its slot). Loop-confined, stateless.
 */
final class RequestReplay {

    private RequestReplay() {
    }

    /**
     * The request head as it goes to the backend: HTTP/1.1, and no framing header without a body.
     * Shares {@code request}'s headers, already rewritten for the backend.
     */
    static HttpRequest backendRequest(HttpRequest request, boolean expectsBody) {
        HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), request.headers());
        if (!expectsBody) {
            // RFC 9112: no body, no framing header (a stray "Content-Length: 0" is harmless).
            out.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        }
        return out;
    }

    /**
     * Sends the request on {@code upstream} for try {@code t}: the head, then the body's temporary
     * file if it has one, then the body parts kept so far; then the rest of the body streams as
     * usual, or, when the body is complete, the try waits for the response head.
     */
    static void send(BackendTry t, Exchange exchange, ClientSide client, Channel upstream, HttpRequest out,
                     ChannelPromise headWritten) {
        // Reads were paused while the retry connected, and a part held meanwhile may have been the
        // last: clear that before writing, because the writes below may report writability at once.
        exchange.body().paused(false, exchange.context().clock().nanoTime());
        if (exchange.expectsBody() && exchange.body().started()) {
            // The body follows at once: a second "100 Continue" would only confuse the client.
            // Before any body arrived, the client may still wait for one: the next backend must send it.
            out.headers().remove(HttpHeaderNames.EXPECT);
        }
        upstream.write(out, headWritten);
        BodySpool spool = exchange.body().spool();
        if (spool == null) {
            sendKept(t, exchange, client, upstream);
            return;
        }
        // A body that went to a temporary file: the file first, then what is kept. Until the file is
        // sent the request is not complete on this connection (an early answer makes it unusable
        // for the next request), the client is not read and its pause is ours, and the backend has
        // backend_idle to take each part.
        t.sendingFile(true);
        exchange.body().paused(true, exchange.context().clock().nanoTime());
        if (!exchange.streaming()) {
            client.startBackendTimer(exchange.context().settings().backendIdle());
        }
        upstream.flush();
        // An early answer (a 413, a redirect) is read while the file goes out.
        upstream.read();
        spool.sendTo(upstream, () -> t.current(upstream), client::touchBackendTimer, () -> {
            t.sendingFile(false);
            exchange.body().paused(false, exchange.context().clock().nanoTime());
            if (!exchange.streaming()) {
                client.stopBackendTimer();
            }
            sendKept(t, exchange, client, upstream);
        });
    }

    /** The rest of {@link #send}: the parts kept, then the rest of the body as it streams. */
    private static void sendKept(BackendTry t, Exchange exchange, ClientSide client, Channel upstream) {
        if (!exchange.body().writeKept(upstream) && exchange.body().done()) {
            upstream.write(LastHttpContent.EMPTY_LAST_CONTENT, upstream.voidPromise());
        }
        upstream.flush();
        upstream.read();
        if (exchange.body().done()) {
            t.awaitHead();
        } else {
            if (exchange.expectsBody()) {
                // The first try's acquired() never ran when its connect failed: count the client's pauses here.
                client.awaitBody();
            }
            client.readRequest();
        }
    }
}
