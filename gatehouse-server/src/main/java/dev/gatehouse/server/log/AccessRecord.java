package dev.gatehouse.server.log;

/**
 * What the access log says about one request.
 *
 * @param timeMillis       when the request arrived, epoch milliseconds
 * @param requestId        the request id, as sent to the backend and the client
 * @param traceId          the W3C trace-id sent to the backend in {@code traceparent} (received or
 *                         started by the node), or {@code null} when tracing is off
 * @param client           the client's IP address
 * @param method           the request method
 * @param path             the request target as received (path and query), truncated to 2 KiB
 * @param status           the status sent to the client; 0 when the client left before any
 * @param bytesIn          request body bytes received from the client
 * @param bytesOut         response body bytes sent to the client
 * @param totalMicros      from request head received to the exchange's end
 * @param queueMicros      time spent waiting in the pool's queue for a backend slot; 0 when not queued
 * @param upstreamMicros   from asking for a backend connection to the response's end; -1 without a backend
 * @param pool             the pool, or {@code null} when none was routed to
 * @param backend          the backend {@code host:port}, or {@code null}
 * @param version          the backend's version label, or {@code null}
 * @param tries            backends tried: 1 without a retry, 0 when none was
 * @param epoch            the pool's epoch when the request arrived (its live version's number), or -1
 * @param error            why the proxy failed or cut the exchange, or {@code null}
 * @param protocol         how the client spoke: {@code h1} (HTTP/1.x) or {@code h2} (an HTTP/2 stream)
 * @param tls              the client connection's TLS version ({@code TLSv1.3}), or {@code null} on plaintext
 * @param served           what answered without a backend: {@code static} (a static file), or {@code null}
 * @param cache            what the route's cache did: {@code hit}, {@code stale}, {@code revalidated},
 *                         {@code collapsed}, {@code miss} or {@code bypass}; {@code null} without a cache
 */
public record AccessRecord(
        long timeMillis,
        String requestId,
        String traceId,
        String client,
        String method,
        String path,
        int status,
        long bytesIn,
        long bytesOut,
        long totalMicros,
        long queueMicros,
        long upstreamMicros,
        String pool,
        String backend,
        String version,
        int tries,
        long epoch,
        String error,
        String protocol,
        String tls,
        String served,
        String cache) {
}
