package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.ApiJson;
import dev.gatehouse.core.api.CacheList;
import dev.gatehouse.core.api.CachePurgeRequest;
import dev.gatehouse.core.api.CachePurgeResult;
import dev.gatehouse.core.api.CacheView;
import dev.gatehouse.core.cache.CacheKey;
import dev.gatehouse.server.cache.ResponseStore;
import dev.gatehouse.server.cache.RouteCache;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * {@code GET /api/v1/cache} (every route cache: its size and what it did) and
 * {@code POST /api/v1/cache/purge} (by URL or URL prefix, across routes, versions and variants).
 * A purge answers once both tiers are done; the disk tier works on its own thread.
 */
final class CacheResource {

    private final AdminContext context;

    CacheResource(AdminContext context) {
        this.context = context;
    }

    AdminResponse list() {
        var views = context.caches().all().stream().sorted(Comparator.comparing(RouteCache::route)).map(CacheResource::view).toList();
        return AdminResponse.json(HttpResponseStatus.OK, new CacheList(views));
    }

    static CacheView view(RouteCache c) {
        ResponseStore.Usage u = c.store().usage();
        RouteCache.Counts n = c.counts();
        boolean disk = c.config().disk() != null;
        return new CacheView(c.route(), u.memoryBytes(), c.config().memoryBytes(), u.memoryEntries(),
                disk ? u.diskBytes() : -1, disk ? c.config().disk().maxBytes() : -1, disk ? u.diskEntries() : -1,
                n.hits.sum(), n.stale.sum(), n.revalidated.sum(), n.collapsed.sum(), n.misses.sum(), n.bypassed.sum(),
                n.stored.sum());
    }

    CompletableFuture<AdminResponse> purge(AdminRequest request) {
        CachePurgeRequest.Target t = ApiJson.read(request.body(), CachePurgeRequest.class).target();
        Predicate<String> matches = key -> {
            CacheKey k = CacheKey.parse(key);
            if (k == null || !k.scheme().equals(t.scheme())) {
                return false;
            }
            return t.exact() ? k.matchesPurgePrefix(t.host(), t.target()) && k.target().equals(t.target())
                    : k.matchesPurgePrefix(t.host(), t.target());
        };
        return context.caches().purge(matches).thenApply(n -> AdminResponse.json(HttpResponseStatus.OK, new CachePurgeResult(n)));
    }
}
