package dev.gatehouse.server.proxy;

import dev.gatehouse.core.cache.CacheKey;
import dev.gatehouse.core.cache.CachePolicy;
import dev.gatehouse.core.cache.CacheStatusHeader;
import dev.gatehouse.core.cache.CacheStatusHeader.Forward;
import dev.gatehouse.core.cache.CacheStatusHeader.Report;
import dev.gatehouse.core.cache.Invalidation;
import dev.gatehouse.core.cache.Lookup;
import dev.gatehouse.core.cache.Revalidation;
import dev.gatehouse.core.cache.Storability;
import dev.gatehouse.core.cache.StoredMeta;
import dev.gatehouse.core.cache.VaryKey;
import dev.gatehouse.core.content.CompressionChoice;
import dev.gatehouse.core.content.HeaderView;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.server.cache.CachedResponse;
import dev.gatehouse.server.cache.Collapser;
import dev.gatehouse.server.cache.RouteCache;
import dev.gatehouse.server.files.NettyHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import java.util.Map;

/**
 * The route's cache in front of one exchange (RFC 9111, a shared cache). Before the request is
 * forwarded: a fresh stored response answers it ({@link CacheAnswer}); a stale one is revalidated
 * with the stored validators; a miss waits for a concurrent fetch of the same key
 * ({@link Collapser}) or becomes that fetch. When the response comes: a {@code 304} to our
 * revalidation is answered from the store, freshened; a {@code 5xx} (or no backend at all) may be
 * answered by a stale copy ({@code stale-if-error}); a storable response is copied as it streams
 * to the client and stored when it is complete ({@link ResponseCapture}).
 *
 * <p>The key holds the pool's serving version: after a cutover every lookup names the new version,
 * so nothing the old version answered can be a hit; a response from a backend of another version
 * (a canary) is stored under that version's key, apart. The client's own preconditions are taken
 * off the forwarded request (the cache wants the whole response) and evaluated against what it
 * answers from the store. Loop-confined.
 */
final class CacheFront {

    private static final List<String> PRECONDITIONS = List.of("If-Match", "If-None-Match", "If-Modified-Since",
            "If-Unmodified-Since", "If-Range");

    private final Exchange exchange;
    private final ClientSide client;
    private final ProxyContext context;
    private final RouteCache cache;
    private final PoolSnapshot pool;
    private final HttpRequest request;
    private final CachePolicy policy;
    private final long requestTimeEpoch;
    private String key;
    /** The client's precondition fields, taken off the request. */
    private final HttpHeaders preconditions = new DefaultHttpHeaders(false);
    /** The stored response that matched, kept for a 304 or a failure. */
    private CachedResponse candidate;
    private boolean revalidating;
    /** The collapse ticket while this exchange is the fetch others wait for; null otherwise. */
    private Collapser.Ticket leader;
    private ResponseCapture capture;
    private Report report;

    /** The codings the route compresses with, or null: variants are then keyed by the negotiated one. */
    private final List<String> compressed;

    /**
     * @param compressed the codings the route compresses its responses with, or null when it does
     *                   not: a stored variant is then keyed by the coding a request negotiates, not
     *                   by its exact Accept-Encoding
     */
    CacheFront(Exchange exchange, ClientSide client, ProxyContext context, RouteCache cache, PoolSnapshot pool,
               List<String> compressed) {
        this.compressed = compressed;
        this.exchange = exchange;
        this.client = client;
        this.context = context;
        this.cache = cache;
        this.pool = pool;
        this.request = exchange.request();
        this.policy = cache.config().policy();
        this.requestTimeEpoch = context.wallClock().epochSeconds();
    }

    /**
     * Looks the request up.
     *
     * @return true when the store answered, or the exchange waits (for another fetch, or the disk);
     *         false when the request goes to the pool now
     */
    boolean lookup() {
        String method = request.method().name();
        if (!method.equals("GET") && !method.equals("HEAD") || request.headers().contains(HttpHeaderNames.RANGE)) {
            // Partial and unsafe requests are not the cache's; an unsafe one may invalidate (responseHead).
            cache.counts().bypassed.increment();
            exchange.facts().cache("bypass");
            report = Report.bypass(Forward.METHOD);
            return false;
        }
        key = keyFor(null);
        List<CachedResponse> stored = cache.store().memory(key);
        if (stored.isEmpty() && cache.config().disk() != null) {
            cache.store().disk(key).whenComplete((found, failure) -> client.eventLoop().execute(() -> {
                if (!exchange.ended() && !decide(found == null ? List.of() : found)) {
                    exchange.forward();
                }
            }));
            return true;
        }
        return decide(stored);
    }

    /** Decides on what the store holds; false when the request is to be forwarded. */
    private boolean decide(List<CachedResponse> stored) {
        HeaderView req = varyView();
        long now = context.wallClock().epochSeconds();
        CachedResponse match = null;
        for (CachedResponse r : stored) {
            if (VaryKey.matches(r.varyKey(), r.meta().headers(), req)) {
                match = r;
                break;
            }
        }
        Lookup.Decision d = match == null ? Lookup.nothingStored(req) : Lookup.decide(req, match.meta(), now, policy);
        boolean head = request.method().name().equals("HEAD");
        if (head && d.outcome() != Lookup.Outcome.FRESH && d.outcome() != Lookup.Outcome.STALE) {
            // A HEAD is answered from a stored GET when it may be; else it goes to the pool as it
            // came: its answer has no body to store, so it neither revalidates nor collapses.
            key = null;
            cache.counts().bypassed.increment();
            exchange.facts().cache("bypass");
            report = Report.bypass(Forward.METHOD);
            return false;
        }
        takePreconditions();
        switch (d.outcome()) {
            case FRESH -> {
                cache.counts().hits.increment();
                exchange.facts().cache("hit");
                CacheAnswer.serve(exchange, client, match.meta(), match.body(), Report.hit(d.ttlSeconds()), view(), now);
                return true;
            }
            case STALE -> {
                cache.counts().stale.increment();
                exchange.facts().cache("stale");
                CacheAnswer.serve(exchange, client, match.meta(), match.body(), Report.staleHit(d.ttlSeconds(), "max-stale"),
                        view(), now);
                return true;
            }
            case ONLY_IF_CACHED_MISS -> {
                cache.counts().misses.increment();
                exchange.facts().cache("miss");
                CacheAnswer.onlyIfCachedMiss(exchange, client, Report.miss(Forward.URI_MISS, 0, false, Report.NO_TTL));
                return true;
            }
            case STALE_WHILE_REVALIDATE, REVALIDATE -> {
                // Revalidated before answering: a background revalidation is not built yet (the
                // stale copy would answer sooner; this answers correctly, a round trip later).
                candidate = match;
                revalidating = true;
                for (Map.Entry<String, String> c : Revalidation.conditionalHeaders(match.meta())) {
                    request.headers().set(c.getKey(), c.getValue());
                }
                report = Report.miss(Forward.STALE, 0, false, Report.NO_TTL);
            }
            case MISS -> {
                candidate = match;
                report = Report.miss(stored.isEmpty() ? Forward.URI_MISS : match == null ? Forward.VARY_MISS : Forward.MISS,
                        0, false, Report.NO_TTL);
            }
        }
        cache.counts().misses.increment();
        exchange.facts().cache("miss");
        return waitForOthers();
    }

    /** Joins the fetch of this key already under way, or becomes it. */
    private boolean waitForOthers() {
        Collapser.Ticket ticket = cache.collapser().join(key);
        switch (ticket.role()) {
            case LEADER -> leader = ticket;
            case FOLLOWER -> {
                ticket.outcome().whenComplete((stored, failure) -> client.eventLoop().execute(
                        () -> afterWait(Boolean.TRUE.equals(stored))));
                return true;
            }
            case BYPASS -> { }
        }
        return false;
    }

    /** The fetch this exchange waited for ended: answer from what it stored, or go to the backend. */
    private void afterWait(boolean stored) {
        if (exchange.ended()) {
            return;
        }
        long now = context.wallClock().epochSeconds();
        HeaderView req = varyView();
        if (stored) {
            for (CachedResponse r : cache.store().memory(key)) {
                if (VaryKey.matches(r.varyKey(), r.meta().headers(), req)) {
                    Lookup.Decision d = Lookup.decide(req, r.meta(), now, policy);
                    if (d.outcome() == Lookup.Outcome.FRESH) {
                        cache.counts().collapsed.increment();
                        exchange.facts().cache("collapsed");
                        CacheAnswer.serve(exchange, client, r.meta(), r.body(),
                                Report.collapsed(Forward.MISS, r.meta().status(), false, d.ttlSeconds()), view(), now);
                        return;
                    }
                }
            }
        }
        exchange.forward();
    }

    /**
     * The backend's final response head, before anything of it changes: the store answers instead
     * of a {@code 304} to our revalidation, or of a failure a stale copy may cover; a successful
     * unsafe request removes what is stored for its URI.
     *
     * @return true when the store answered: the backend's response is then dropped
     */
    boolean answeredFromStore(int status, HttpResponse response) {
        String method = request.method().name();
        if (key == null) {
            if (Invalidation.invalidatesTarget(method, status)) {
                // A successful unsafe request changed the resource: what is stored for its URI goes.
                cache.store().remove(keyFor(null));
            }
            return false;
        }
        long now = context.wallClock().epochSeconds();
        HeaderView headers = NettyHeaders.view(response.headers());
        if (status == 304 && revalidating && Revalidation.selects(candidate.meta().headers(), headers, now)) {
            StoredMeta fresh = Revalidation.freshen(candidate.meta(), response.headers(), requestTimeEpoch, now, policy);
            CachedResponse updated = candidate.withMeta(fresh);
            cache.store().put(key, updated);
            cache.counts().revalidated.increment();
            exchange.facts().cache("revalidated");
            done(true);
            CacheAnswer.serve(exchange, client, fresh, updated.body(), Report.revalidated(Forward.STALE, fresh.ttlSeconds(now)),
                    view(), now);
            return true;
        }
        return Lookup.isErrorStatus(status) && answerStale(Forward.STALE, status);
    }

    /**
     * The head as the client will get it (recoded, if the route compresses): whether the response
     * is stored, its body copied as it streams ({@link #content}).
     */
    void storeDecision(int status, HttpResponse response) {
        if (key == null) {
            return;
        }
        Storability.Decision d = Storability.check("GET", NettyHeaders.view(request.headers()), status,
                NettyHeaders.view(response.headers()), policy);
        if (d.store()) {
            capture = new ResponseCapture(status, Storability.fieldsToStore(response.headers()), policy.maxObjectBytes());
            report = new Report(report.outcome(), report.forward(), status, true, Report.NO_TTL, null);
        } else {
            report = new Report(report.outcome(), report.forward(), status, false, Report.NO_TTL, d.reason());
            done(false);
        }
    }

    /** Adds {@code Cache-Status} to the response going to the client. */
    void decorate(HttpHeaders clientHeaders) {
        if (report != null) {
            clientHeaders.set(CacheStatusHeader.NAME, CacheStatusHeader.value(CacheAnswer.NAME, report));
        }
    }

    /** A part of the response body on its way to the client: copied while the response may be stored. */
    void content(HttpContent content) {
        if (capture == null) {
            return;
        }
        if (!capture.append(content.content())) {
            capture = null;
            done(false);
            return;
        }
        if (content instanceof LastHttpContent) {
            store();
        }
    }

    private void store() {
        long now = context.wallClock().epochSeconds();
        StoredMeta meta = StoredMeta.of(capture.status(), capture.headers(), requestTimeEpoch, now, policy);
        String vary = VaryKey.secondaryKey(meta.headers(), varyView());
        if (vary != null) {
            String version = exchange.backend() == null ? null : exchange.backend().version();
            String serving = pool.servingVersion();
            // A response from another version than the serving one (a canary) is kept under its own key.
            String storeKey = version == null || version.equals(serving) ? key : keyFor(version);
            cache.store().put(storeKey, new CachedResponse(meta, vary, capture.bytes()));
            cache.counts().stored.increment();
        }
        capture = null;
        done(vary != null);
    }

    /**
     * The backend could not be reached or failed before answering: a stale copy answers if its
     * {@code stale-if-error} (or the route's default) allows.
     */
    boolean answerStale(Forward why, int status) {
        if (candidate == null || exchange.ended()) {
            return false;
        }
        long now = context.wallClock().epochSeconds();
        if (!Lookup.staleIfErrorAllows(NettyHeaders.view(request.headers()), candidate.meta(), now, policy)) {
            return false;
        }
        cache.counts().stale.increment();
        exchange.facts().cache("stale");
        done(false);
        CacheAnswer.serve(exchange, client, candidate.meta(), candidate.body(),
                Report.staleOnError(why, status, candidate.meta().ttlSeconds(now)), view(), now);
        return true;
    }

    /** The exchange ended: a fetch others wait for that stored nothing lets them go. */
    void release() {
        capture = null;
        done(false);
    }

    private void done(boolean stored) {
        if (leader != null) {
            // A flight that timed out is over already; telling it now would end the next one's.
            if (!leader.outcome().isDone()) {
                cache.collapser().done(key, stored);
            }
            leader = null;
        }
    }

    /** Moves the client's preconditions off the request, once. */
    private void takePreconditions() {
        for (String name : PRECONDITIONS) {
            List<String> values = request.headers().getAll(name);
            if (!values.isEmpty()) {
                preconditions.set(name, values);
                request.headers().remove(name);
            }
        }
    }

    private HeaderView view() {
        return NettyHeaders.view(preconditions);
    }

    /** The request as variants are keyed: with the negotiated coding for Accept-Encoding when the route compresses. */
    private HeaderView varyView() {
        HeaderView req = NettyHeaders.view(request.headers());
        if (compressed == null) {
            return req;
        }
        List<String> coding = List.of(CompressionChoice.negotiated(req, compressed));
        return name -> name.equalsIgnoreCase("Accept-Encoding") ? coding : req.all(name);
    }

    private String keyFor(String canaryVersion) {
        return CacheKey.primary(cache.route(), pool.servingVersion(), canaryVersion, "GET", client.tls().scheme(),
                request.headers().get(HttpHeaderNames.HOST), request.uri());
    }
}
