package dev.gatehouse.server.proxy;

import dev.gatehouse.core.cache.CacheStatusHeader;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.state.PoolSnapshot;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What a route does besides sending to its pool, for one exchange: its own answer (a redirect, a
 * static file: {@link LocalAnswer}) and its cache ({@link CacheFront}). The exchange asks it at the
 * few points where they may step in, and goes on as a proxy when they do not. Loop-confined.
 */
final class RouteAnswers {

    private LocalAnswer local;
    private CacheFront cache;
    private ResponseCompression compression;

    /** What the route made of a backend's final response head. */
    enum Head {
        /** The cache answered instead (a 304 to its revalidation, a stale copy for a failure): drop the backend's response. */
        ANSWERED,
        /** The body is recoded (compressed): its framing is the node's. */
        RECODED,
        /** The response goes as the backend framed it. */
        AS_IS
    }

    /**
     * Lets the route answer by itself or from its cache.
     *
     * @return true when it answered, or the exchange waits (for another fetch of the same key);
     *         false when the request goes to the pool now
     */
    boolean start(Exchange exchange, ClientSide client, ProxyContext context, RouteConfig route, PoolSnapshot pool,
                  long contentLength) {
        // Set before it starts: it may read body parts, which come back through content() at once.
        local = LocalAnswer.of(exchange, client, context, route, contentLength);
        if (local != null) {
            if (local.start()) {
                return true;
            }
            // No file answers: the route's pool does.
            local = null;
        }
        if (route.compress() != null) {
            compression = new ResponseCompression(route.compress(), route.label(), context);
        }
        if (route.cache() != null) {
            cache = new CacheFront(exchange, client, context, context.caches().of(route), pool,
                    compression == null ? null : compression.offered());
            return cache.lookup();
        }
        return false;
    }

    /** A part of the request body: true when the route's own answer took it. */
    boolean content(HttpContent content) {
        if (local == null) {
            return false;
        }
        local.content(content);
        return true;
    }

    /** The client's writability changed: true when the route's own answer is the one writing. */
    boolean clientWritabilityChanged() {
        if (local == null) {
            return false;
        }
        local.clientWritabilityChanged();
        return true;
    }

    /**
     * The backend's final response head, before it is rewritten for the client: the cache may
     * answer instead ({@link CacheFront#answeredFromStore}), compression may recode it, and the
     * cache decides whether to keep it (as the client gets it: the compressed variant).
     */
    Head responseHead(HttpRequest request, int status, HttpResponse response) {
        if (cache != null && cache.answeredFromStore(status, response)) {
            return Head.ANSWERED;
        }
        boolean recoded = compression != null && compression.head(request, status, response);
        if (cache != null) {
            cache.storeDecision(status, response);
        }
        return recoded ? Head.RECODED : Head.AS_IS;
    }

    /** The response head as the client gets it: the cache adds its status. */
    void decorate(HttpHeaders headers) {
        if (cache != null) {
            cache.decorate(headers);
        }
    }

    /**
     * A part of the response body on its way to the client: compressed if the route compresses,
     * then copied by the cache. Takes ownership of {@code content}; returns what to send instead.
     */
    HttpContent responseContent(HttpContent content) {
        HttpContent out = compression == null ? content : compression.outgoing(content);
        if (cache != null) {
            cache.content(out);
        }
        return out;
    }

    /** The backend failed before answering: true when a stale stored copy answered instead. */
    boolean answerStale(int status) {
        return cache != null && cache.answerStale(CacheStatusHeader.Forward.STALE, status);
    }

    /** The exchange ended: an open file goes back, a cache fetch others wait for lets them go. */
    void release() {
        if (local != null) {
            local.release();
        }
        if (cache != null) {
            cache.release();
        }
        if (compression != null) {
            compression.release();
        }
    }
}
