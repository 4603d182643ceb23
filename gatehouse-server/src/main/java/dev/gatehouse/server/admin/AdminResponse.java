package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.ApiJson;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A response of the admin API before it becomes Netty objects: made on any thread, written on the
 * connection's event loop.
 *
 * @param status      the status
 * @param contentType the body's media type
 * @param body        the body
 * @param headers     extra headers ({@code Location}, {@code Allow}, {@code WWW-Authenticate}, {@code Retry-After})
 * @param error       the error message, for the audit line of a refused change; null for a success
 */
record AdminResponse(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers,
                     String error) {

    static final String JSON = "application/json; charset=utf-8";
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    /** Copies. */
    AdminResponse {
        headers = Map.copyOf(headers);
    }

    /** A JSON success. */
    static AdminResponse json(HttpResponseStatus status, Object value) {
        return new AdminResponse(status, JSON, ApiJson.write(value), Map.of(), null);
    }

    /** A JSON success with an extra header. */
    static AdminResponse json(HttpResponseStatus status, Object value, String header, String headerValue) {
        return new AdminResponse(status, JSON, ApiJson.write(value), Map.of(header, headerValue), null);
    }

    /** The Prometheus text exposition. */
    static AdminResponse metrics(String text) {
        return new AdminResponse(HttpResponseStatus.OK, PROMETHEUS, text.getBytes(StandardCharsets.UTF_8), Map.of(), null);
    }

    /** The Netty response, framed by Content-Length; {@code keepAlive} false adds {@code Connection: close}. */
    FullHttpResponse toHttp(HttpVersion version, boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(body));
        HttpHeaders h = r.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        h.set("X-Content-Type-Options", "nosniff");
        headers.forEach(h::set);
        HttpUtil.setKeepAlive(r, keepAlive);
        return r;
    }
}
