package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.RedirectConfig;
import dev.gatehouse.core.route.RedirectLocation;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The answer of a redirect route, given before admission and balancing: no backend is involved.
 * The location is decided in core ({@link RedirectLocation}); a request it refuses gets 400.
 *
 * <p>A request body is the delicate part: answered before it was read, the body's remaining bytes
 * would have to be skipped or the connection closed. A small body ({@value #MAX_DISCARD} bytes at
 * most) is read and dropped first, then the answer keeps the connection open for the next request;
 * a larger one, or one whose client waits for {@code 100 Continue} (it may never send it), is
 * answered at once with {@code Connection: close}. A 307 or 308 tells the client to send the body
 * again to the new location, so nothing is lost. Loop-confined.
 */
final class RedirectAnswer implements LocalAnswer {

    /** The most request body read and dropped to keep the connection; past it the answer closes it. */
    static final long MAX_DISCARD = 64 * 1024;

    private final Exchange exchange;
    private final ClientSide client;
    private final RedirectConfig config;
    private final long contentLength;
    /** Where the client is sent, once the request passed the checks. */
    private String location;

    RedirectAnswer(Exchange exchange, ClientSide client, RedirectConfig config, long contentLength) {
        this.exchange = exchange;
        this.client = client;
        this.config = config;
        this.contentLength = contentLength;
    }

    /**
     * Answers the request with the route's redirect, at once or once its body is read (its parts
     * then come to {@link #content}, possibly before this method returns).
     *
     * @return true: a redirect route always answers
     */
    @Override
    public boolean start() {
        HttpRequest request = exchange.request();
        RedirectLocation.Result result = RedirectLocation.build(config, request.headers().get(HttpHeaderNames.HOST), request.uri());
        if (result instanceof RedirectLocation.Invalid invalid) {
            exchange.endings().fail(ProxyError.BAD_REQUEST, invalid.problem());
            return true;
        }
        location = ((RedirectLocation.Location) result).uri();
        boolean waitsForContinue = request.headers().containsValue(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE, true);
        if (!exchange.expectsBody() || waitsForContinue || contentLength > MAX_DISCARD) {
            answer();
            return true;
        }
        client.awaitBody();
        client.readRequest();
        return true;
    }

    /** A part of the body: dropped; the answer goes with the last part, or once the body is too large to wait for. */
    @Override
    public void content(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        content.release();
        client.touchClientTimer();
        if (last) {
            exchange.body().done(true);
            client.bodyComplete();
            answer();
        } else if (exchange.body().bytes() > MAX_DISCARD) {
            answer();
        } else {
            client.readRequest();
        }
    }

    private void answer() {
        exchange.endings().redirected(config.status(), location);
    }
}
