package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.core.config.RateLimitConfig;
import dev.gatehouse.core.limit.ConnectionCounts;
import dev.gatehouse.core.limit.RateLimiter;
import dev.gatehouse.core.route.Router;
import dev.gatehouse.core.time.Clock;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits on what a client controls that the decoder does not enforce by itself, and what
 * happens when one is hit: counted ({@link ExchangeRecorder#limitHit}) and logged at WARN at most
 * once per {@link #LOG_INTERVAL_SECONDS} per limit, with how many more were hit in between, so
 * that a flood of bad requests cannot flood the log. One per listener; the count of connections per
 * client address is the node's ({@link ClientConnections}). Thread-safe.
 */
public final class ClientLimits {

    /** The logger of limit hits; tests listen to it. */
    static final Logger LOG = LoggerFactory.getLogger(ClientLimits.class);
    /** At most one WARN per limit in this many seconds. */
    static final long LOG_INTERVAL_SECONDS = 10;
    /** Header values longer than this are cut before they become a rate-limit key, bounding the key table's memory. */
    static final int MAX_KEY_LENGTH = 256;

    private final int maxHeaders;
    private final int maxConnectionsPerClient;
    private final ConnectionCounts<InetAddress> perClient;
    private final ExchangeRecorder recorder;
    private final Clock clock;
    /** Per limit: when the next WARN may be written, on {@link #clock}. */
    private final AtomicLongArray nextLog;
    /** Per limit: hits not logged since the last WARN. */
    private final AtomicLongArray unlogged;

    ClientLimits(LimitsConfig limits, ConnectionCounts<InetAddress> perClient, ExchangeRecorder recorder, Clock clock) {
        this.maxHeaders = limits.maxHeaders();
        this.maxConnectionsPerClient = limits.maxConnectionsPerClient();
        this.perClient = perClient;
        this.recorder = recorder;
        this.clock = clock;
        int n = ClientLimit.values().length;
        this.nextLog = new AtomicLongArray(n);
        this.unlogged = new AtomicLongArray(n);
        long now = clock.nanoTime();
        for (int i = 0; i < n; i++) {
            nextLog.set(i, now);
        }
    }

    /** {@code limits.max_headers}. */
    int maxHeaders() {
        return maxHeaders;
    }

    /**
     * Counts a newly accepted connection against its client's {@code max_connections_per_client}.
     * A counted one is released when it closes.
     *
     * @return false when the client already has as many as allowed: the caller closes {@code ch}
     */
    boolean admitConnection(Channel ch) {
        if (maxConnectionsPerClient == 0 || !(ch.remoteAddress() instanceof InetSocketAddress remote)) {
            return true;
        }
        InetAddress address = remote.getAddress();
        if (perClient.tryAcquire(address, maxConnectionsPerClient)) {
            ch.closeFuture().addListener(f -> perClient.release(address));
            return true;
        }
        hit(ClientLimit.CONNECTIONS_PER_CLIENT, ch.id(), address.getHostAddress(),
                "max_connections_per_client: " + maxConnectionsPerClient + " connections already open; closed when accepted");
        return false;
    }

    /**
     * The route's own limits on a request just routed: a declared body over the route's limit
     * (413, before any backend is asked), then the route's request rate (429 with {@code Retry-After}).
     *
     * @param maxBody       the route's body limit ({@link dev.gatehouse.core.config.RouteConfig#maxRequestBody(long)}), 0 for none
     * @param contentLength the request's {@code Content-Length}, -1 for none
     * @param request       the client's address and the request's headers
     * @return the refusal, or {@code null} when the request may go on
     */
    Refusal checkRoute(Router.Route route, long maxBody, long contentLength, TriedBackends request) {
        if (maxBody > 0 && contentLength > maxBody) {
            return new Refusal(ClientLimit.REQUEST_BODY, ProxyError.BODY_TOO_LARGE,
                    "max_request_body: content-length " + contentLength + " over " + maxBody + " bytes" + where(route), 0);
        }
        RateLimiter limiter = route.rateLimiter();
        if (limiter == null) {
            return null;
        }
        RateLimitConfig c = limiter.config();
        String key = null;
        if (c.key() == RateLimitConfig.Key.HEADER) {
            String value = request.header(c.header());
            if (value != null && !value.isEmpty()) {
                // Apart from addresses, so that a header cannot spend another client's address bucket.
                key = "h:" + (value.length() > MAX_KEY_LENGTH ? value.substring(0, MAX_KEY_LENGTH) : value);
            }
        }
        if (key == null) {
            key = request.clientAddress();
        }
        long wait = limiter.acquire(key, clock.nanoTime());
        if (wait == 0) {
            return null;
        }
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L));
        // A header's value may be a secret (an API key): only its name is logged.
        String whose = key.startsWith("h:") ? "header " + c.header() : request.clientAddress();
        return new Refusal(ClientLimit.RATE, ProxyError.TOO_MANY_REQUESTS, "rate_limit " + c.rateText() + " burst "
                + c.burst() + " of route " + describe(route) + " for " + whose + ": next request in "
                + TimeUnit.NANOSECONDS.toMillis(wait + 999_999L) + " ms", seconds);
    }

    /**
     * Counts a hit of {@code limit} and logs it, unless one was logged less than
     * {@link #LOG_INTERVAL_SECONDS} ago: then the next line says how many were not.
     *
     * @param logId  the connection's id
     * @param client the client's address
     * @param why    what was refused, naming the setting
     */
    void hit(ClientLimit limit, Object logId, String client, String why) {
        recorder.limitHit(limit);
        int i = limit.ordinal();
        long now = clock.nanoTime();
        long next = nextLog.get(i);
        if (now - next >= 0 && nextLog.compareAndSet(i, next, now + TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS))) {
            long more = unlogged.getAndSet(i, 0);
            LOG.warn("{} refused {}: {}{}", logId, client, why, more == 0 ? ""
                    : " (and " + more + " more " + limit.setting() + " refusals since the last one logged)");
        } else {
            unlogged.incrementAndGet(i);
        }
    }

    private static String where(Router.Route route) {
        return route.config().maxRequestBody() == null ? "" : " (route " + describe(route) + ")";
    }

    private static String describe(Router.Route route) {
        String host = route.config().host();
        return (host == null ? "" : host) + route.config().pathPrefix();
    }
}
