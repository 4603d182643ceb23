package dev.gatehouse.server.metrics;

/**
 * Meter names and tag keys, in one place so that the code, the tests and
 * {@code docs/operations.md} agree. Dotted and lowercase; Prometheus shows {@code a.b} as
 * {@code a_b} and adds {@code _total} to counters and {@code _seconds} to timers.
 */
final class Names {

    static final String REQUESTS = "gatehouse.requests";
    static final String REQUEST_DURATION = "gatehouse.request.duration";
    static final String REQUEST_DURATION_QUANTILES = "gatehouse.request.duration.quantiles";
    static final String UPSTREAM_DURATION = "gatehouse.upstream.duration";

    static final String BACKEND_IN_FLIGHT = "gatehouse.backend.in.flight";
    static final String BACKEND_HEALTH = "gatehouse.backend.health";
    static final String BACKEND_TUNNELS = "gatehouse.backend.tunnels";

    static final String POOL_QUEUE_LENGTH = "gatehouse.pool.queue.length";
    static final String POOL_QUEUE_WAIT = "gatehouse.pool.queue.wait";
    static final String POOL_QUEUED = "gatehouse.pool.queued";
    static final String POOL_QUEUE_ABANDONED = "gatehouse.pool.queue.abandoned";
    static final String POOL_REJECTED = "gatehouse.pool.rejected";
    static final String POOL_RETRIES = "gatehouse.pool.retries";
    static final String POOL_RETRIES_DENIED = "gatehouse.pool.retries.denied";
    static final String POOL_PANIC = "gatehouse.pool.panic";

    static final String CLIENT_CONNECTIONS = "gatehouse.client.connections";
    static final String UPSTREAM_CONNECTIONS = "gatehouse.upstream.connections";
    static final String SNAPSHOT_GENERATION = "gatehouse.snapshot.generation";
    static final String LIMIT_REJECTIONS = "gatehouse.limit.rejections";
    static final String EVENT_LOOP_LAG = "gatehouse.event.loop.lag";
    static final String CLIENT_REQUESTS = "gatehouse.client.requests";
    static final String H2_STREAMS_REFUSED = "gatehouse.h2.streams.refused";
    static final String STATIC_RESPONSES = "gatehouse.static.responses";
    static final String STATIC_BYTES = "gatehouse.static.bytes";
    static final String CACHE_REQUESTS = "gatehouse.cache.requests";
    static final String COMPRESSED_RESPONSES = "gatehouse.compression.responses";
    static final String COMPRESSED_IN = "gatehouse.compression.in";
    static final String COMPRESSED_SAVED = "gatehouse.compression.saved";
    static final String CACHE_STORED = "gatehouse.cache.stored";
    static final String CACHE_BYTES = "gatehouse.cache.bytes";
    static final String CACHE_ENTRIES = "gatehouse.cache.entries";

    static final String POOL = "pool";
    static final String BACKEND = "backend";
    static final String VERSION = "version";
    /** The status class, {@code 2xx}, as HAProxy's exporter names it. */
    static final String CODE = "code";
    static final String STATE = "state";
    /** The setting a client went past, {@code max_headers}: {@link dev.gatehouse.server.proxy.ClientLimit#setting()}. */
    static final String LIMIT = "limit";
    /** An event loop's index in its group, {@code 0} to threads - 1. */
    static final String LOOP = "loop";
    /** A client listener's index in the configuration, {@code 0} for the first. */
    static final String LISTENER = "listener";
    /** How a client spoke: {@code h1} or {@code h2}. */
    static final String PROTOCOL = "protocol";
    static final String TLS = "tls";
    /** Why an HTTP/2 stream was refused before it became an exchange: {@code malformed}, {@code connect}, {@code stream_error}. */
    static final String REASON = "reason";
    /** A route, as {@code host/prefix} with {@code *} for any host: {@code * /static/} reads {@code *}{@code /static/}. */
    static final String ROUTE = "route";
    /** What a route's cache did: {@code hit}, {@code stale}, {@code revalidated}, {@code collapsed}, {@code miss}, {@code bypass}. */
    static final String RESULT = "result";
    /** A content coding: {@code br}, {@code zstd}, {@code gzip}. */
    static final String CODING = "coding";
    /** A cache tier: {@code memory} or {@code disk}. */
    static final String TIER = "tier";

    /** The tag value when there is no pool or backend to name (no route; nothing available). */
    static final String NONE = "none";

    private Names() {
    }
}
