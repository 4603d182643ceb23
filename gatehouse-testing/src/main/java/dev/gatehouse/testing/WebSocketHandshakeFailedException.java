package dev.gatehouse.testing;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * Thrown by {@link WebSocketTestClient#connect} when the server answered the upgrade request with
 * something other than a valid 101: it carries that answer so that a test can assert on it.
 */
public final class WebSocketHandshakeFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient HttpHeaders headers;
    private final String body;

    WebSocketHandshakeFailedException(String url, int status, HttpHeaders headers, String body, String problem) {
        super("WebSocket handshake with " + url + " failed: " + problem + " (status " + status + ", body \""
                + abbreviate(body) + "\")");
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /**
     * Returns the status the server answered with (101 when the 101 itself was invalid).
     *
     * @return the status code
     */
    public int status() {
        return status;
    }

    /**
     * Returns the response's headers.
     *
     * @return a read-only copy
     */
    public HttpHeaders headers() {
        return headers;
    }

    /**
     * Returns the response body, decoded as UTF-8.
     *
     * @return the body, empty when there was none
     */
    public String body() {
        return body;
    }

    private static String abbreviate(String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }
}
