package dev.gatehouse.server.proxy;

import dev.gatehouse.core.backend.Backend;

/**
 * Told once about every exchange when it ends, whatever the ending (a response, an error the proxy
 * answered, a cut, a client that left). The metrics implement it; the proxy knows only this
 * interface, so that it does not depend on a metrics library.
 *
 * <p>Called on the client connection's event loop for every request: an implementation must not
 * block and should not allocate.
 */
@FunctionalInterface
public interface ExchangeRecorder {

    /** Records nothing. */
    ExchangeRecorder NONE = (pool, backend, status, totalNanos, upstreamNanos) -> { };

    /**
     * One exchange ended.
     *
     * @param pool          the pool it was routed to, or {@code null} when no route matched (or
     *                      the request was refused before routing)
     * @param backend       the last backend tried, or {@code null} when none was
     * @param status        the status sent to the client; 0 when the client left before any
     * @param totalNanos    from the request head to the end of the exchange
     * @param upstreamNanos from asking for a backend connection to the end; -1 without a backend
     */
    void ended(String pool, Backend backend, int status, long totalNanos, long upstreamNanos);

    /**
     * A client went past {@code limit}: a request refused, or a connection closed (counted on
     * top of {@link #ended} for a refused request). Called on an event loop; must not block.
     */
    default void limitHit(ClientLimit limit) {
    }

    /**
     * One client request ended (with {@link #ended}; a tunnel's handshake counts when it opens), by
     * the listener it came in on and how the client spoke. Called on an event loop; must not block.
     *
     * @param listenerIndex the listener's index in the configuration
     * @param protocol      {@code h1} or {@code h2}
     * @param tls           the connection's TLS version ({@code TLSv1.2}, {@code TLSv1.3}), or null on plaintext
     */
    default void clientRequest(int listenerIndex, String protocol, String tls) {
    }

    /**
     * An HTTP/2 stream was refused before it became an exchange (so without {@link #ended} or
     * {@link #clientRequest}): a malformed request reset with PROTOCOL_ERROR, a CONNECT answered
     * 501, a stream error. Called on an event loop; must not block.
     *
     * @param reason {@code malformed}, {@code connect} or {@code stream_error}
     */
    default void h2StreamRefused(String reason) {
    }

    /**
     * A route answered by itself from static files (with {@link #ended}, whose pool is then null).
     * Called on an event loop; must not block.
     *
     * @param route  the route, as {@code host/prefix} ({@code *} for any host)
     * @param status the status sent
     * @param bytes  the body bytes sent
     */
    default void staticServed(String route, int status, long bytes) {
    }

    /**
     * A route compressed a response: {@code in} body bytes from the backend became {@code out}.
     * Called on an event loop; must not block.
     */
    default void compressed(String route, String coding, long in, long out) {
    }
}
