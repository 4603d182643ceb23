package dev.gatehouse.server.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/** Builds the short responses the proxy sends on its own behalf. */
final class ErrorResponses {

    /** Seconds a client is asked to wait before retrying a 503. */
    static final String RETRY_AFTER_SECONDS = "1";

    private ErrorResponses() {
    }

    /**
     * Classifies a decoder failure of a client request.
     *
     * @param result a failed decoder result
     */
    static ProxyError classify(DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof TooLongHttpLineException) {
            return ProxyError.URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return ProxyError.HEADERS_TOO_LARGE;
        }
        if (cause instanceof TooLongFrameException) {
            return ProxyError.BAD_REQUEST;
        }
        return ProxyError.BAD_REQUEST;
    }

    /**
     * Builds the response for {@code error} to a client of {@code clientVersion}: an HTTP/1.0
     * client that may keep its connection is told so ({@code Connection: keep-alive}).
     */
    static FullHttpResponse build(ByteBufAllocator alloc, ProxyError error, String requestId, boolean close,
                                  HttpVersion clientVersion) {
        return build(alloc, error, requestId, close, clientVersion, 0);
    }

    /**
     * Like {@link #build(ByteBufAllocator, ProxyError, String, boolean, HttpVersion)}, with a
     * {@code Retry-After} of {@code retryAfterSeconds} when it is positive (a 429).
     */
    static FullHttpResponse build(ByteBufAllocator alloc, ProxyError error, String requestId, boolean close,
                                  HttpVersion clientVersion, long retryAfterSeconds) {
        FullHttpResponse response = build(alloc, error, requestId, close);
        if (retryAfterSeconds > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        if (!close && clientVersion == HttpVersion.HTTP_1_0) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return response;
    }

    /**
     * A response for an error: the status line as body, then the request id, so that a user can
     * quote it and an operator find the access log line.
     *
     * @param close whether the response announces {@code Connection: close}
     */
    static FullHttpResponse build(ByteBufAllocator alloc, ProxyError error, String requestId, boolean close) {
        String text = error.status().code() + " " + error.status().reasonPhrase() + "\nrequest id: " + requestId + "\n";
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, error.status(), ByteBufUtil.writeAscii(alloc, text));
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, text.length());
        h.set(HeaderRewriter.X_REQUEST_ID, requestId);
        h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (error == ProxyError.NO_BACKEND || error == ProxyError.NODE_STALE) {
            h.set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (close) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /**
     * A redirect the proxy answers itself: the status, {@code Location}, no body, the request id.
     *
     * @param close whether the response announces {@code Connection: close}; an HTTP/1.0 client
     *              that may keep its connection is told {@code keep-alive}
     */
    static FullHttpResponse redirect(ByteBufAllocator alloc, int code, String location, String requestId, boolean close,
                                     HttpVersion clientVersion) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
                alloc.buffer(0));
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.LOCATION, location);
        h.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
        ownAnswer(h, requestId, close, clientVersion);
        return response;
    }

    /**
     * What every answer the node makes itself carries (a redirect, a static file, a stored
     * response): the request id, and how the connection goes on: {@code Connection: close}, or for
     * an HTTP/1.0 client that may keep it, {@code keep-alive}.
     */
    static void ownAnswer(HttpHeaders h, String requestId, boolean close, HttpVersion clientVersion) {
        h.set(HeaderRewriter.X_REQUEST_ID, requestId);
        if (close) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion == HttpVersion.HTTP_1_0) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }
}
