package dev.gatehouse.server.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Every way a request can fail at the proxy, and the status each one becomes. This is the one
 * place where failures map to statuses (design guide §2).
 */
public enum ProxyError {
    /** The request could not be parsed or is not allowed by HTTP/1.1's rules. */
    BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, true),
    /** The client was too slow sending its headers or body. */
    CLIENT_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, true),
    /** The request body is larger than {@code limits.max_request_body} (or its route's own). */
    BODY_TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, true),
    /** The request line is longer than {@code limits.max_request_line}. */
    URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, true),
    /** The header section is larger than {@code limits.max_header_size}, or has more than {@code limits.max_headers} fields. */
    HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, true),
    /** The route's {@code rate_limit} has no token left for the request's key. */
    TOO_MANY_REQUESTS(HttpResponseStatus.TOO_MANY_REQUESTS, false),
    /** No route matches the host and path. */
    NO_ROUTE(HttpResponseStatus.NOT_FOUND, false),
    /** A method the proxy does not forward (CONNECT). */
    NOT_IMPLEMENTED(HttpResponseStatus.NOT_IMPLEMENTED, false),
    /** An HTTP version other than 1.0 and 1.1 on this listener. */
    VERSION_NOT_SUPPORTED(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, true),
    /** The backend refused the connection, reset it, or sent something unusable. */
    BACKEND_FAILED(HttpResponseStatus.BAD_GATEWAY, false),
    /** The pool has no backend that can take the request. */
    NO_BACKEND(HttpResponseStatus.SERVICE_UNAVAILABLE, false),
    /** This node's fleet state is stale and the pool does not serve from it ({@code fleet.serve_when_stale}). */
    NODE_STALE(HttpResponseStatus.SERVICE_UNAVAILABLE, false),
    /** The backend did not connect or answer in time. */
    BACKEND_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, false),
    /** The request body could not be written to its temporary file (a full disk, an I/O error). */
    BODY_NOT_BUFFERED(HttpResponseStatus.INTERNAL_SERVER_ERROR, true);

    private final HttpResponseStatus status;
    private final boolean framingLost;

    ProxyError(HttpResponseStatus status, boolean framingLost) {
        this.status = status;
        this.framingLost = framingLost;
    }

    /** The status sent to the client. */
    public HttpResponseStatus status() {
        return status;
    }

    /**
     * Whether the client connection must close after the response because what the client sends
     * next can no longer be told apart from the rest of this request.
     */
    public boolean framingLost() {
        return framingLost;
    }
}
