package dev.gatehouse.server.proxy;

import dev.gatehouse.core.trace.TraceParent;
import dev.gatehouse.server.trace.ExchangeSpan;

/**
 * What the access log and the metrics read of an exchange beside its outcome ({@link ExchangeLog}):
 * when it started (on the node's clock, and on the wall clock for the log line), who the client is
 * and how it spoke, its trace, the bytes of response sent and the time spent queued for a slot. Kept apart so
 * that the exchange's logic is not interleaved with bookkeeping. Loop-confined.
 */
final class ExchangeFacts {

    private final ClientSide client;
    private final TriedBackends tried;
    private final QueueWait queue;
    private final long startNanos;
    private final long startMillis = System.currentTimeMillis();
    /** The status sent to the client; 0 while none was. */
    private int status;
    private long bytesOut;
    /** What answered without a backend ({@code static}), or null. */
    private String served;
    /** The route that answered by itself, as {@code host/prefix}; null with {@link #served}. */
    private String servedRoute;
    /** What the route's cache did: hit, stale, revalidated, collapsed, miss, bypass; null without a cache. */
    private String cache;
    /** The request's trace (received or started); null when tracing is off. */
    private TraceParent trace;
    /** The request's span, or {@link ExchangeSpan#NONE} without a span export. */
    private ExchangeSpan span = ExchangeSpan.NONE;

    /** @param startNanos when the request head arrived, on the node's clock */
    ExchangeFacts(ClientSide client, TriedBackends tried, QueueWait queue, long startNanos) {
        this.client = client;
        this.tried = tried;
        this.queue = queue;
        this.startNanos = startNanos;
    }

    /** The request's trace (received or started); null when tracing is off. */
    TraceParent trace() {
        return trace;
    }

    void trace(TraceParent t) {
        trace = t;
    }

    /** The request's span (its phases are events), or {@link ExchangeSpan#NONE}. */
    ExchangeSpan span() {
        return span;
    }

    void span(ExchangeSpan s) {
        span = s;
    }

    /** The status sent to the client; 0 while none was. */
    int status() {
        return status;
    }

    void status(int code) {
        status = code;
    }

    /** Counts bytes of response sent to the client (a tunnel's too, from the backend). */
    void responseBytes(long n) {
        bytesOut += n;
    }

    long bytesOut() {
        return bytesOut;
    }

    /** Marks the exchange as answered by the node itself: {@code static} for a static file, by {@code route}. */
    void served(String what, String route) {
        served = what;
        servedRoute = route;
    }

    /** What the route's cache did ({@code hit}, {@code stale}, {@code revalidated}, {@code collapsed}, {@code miss}, {@code bypass}). */
    void cache(String result) {
        cache = result;
    }

    /** What the route's cache did, or null without a cache. */
    String cache() {
        return cache;
    }

    /** The route that answered by itself ({@link #served}), as {@code host/prefix}; null otherwise. */
    String servedRoute() {
        return servedRoute;
    }

    /** What answered without a backend ({@code static}), or null for a backend or an error. */
    String served() {
        return served;
    }

    /** When the request head arrived, on the node's clock. */
    long startNanos() {
        return startNanos;
    }

    /** When the request head arrived, on the wall clock, in milliseconds. */
    long startMillis() {
        return startMillis;
    }

    /** Nanoseconds spent waiting for a backend slot, over every try. */
    long queueNanos() {
        return queue.totalNanos();
    }

    /** How the client speaks: {@code h1} or {@code h2}. */
    String protocol() {
        return client.protocol();
    }

    /** The client connection's TLS version, or null on plaintext. */
    String tlsProtocol() {
        return client.tls().protocol();
    }

    /** The client's address as text. */
    String clientAddress() {
        return tried.clientAddress();
    }
}
