package dev.gatehouse.core.api;

import java.util.List;

/**
 * {@code GET /api/v1/cache}: every route cache that has seen a request.
 *
 * @param caches one per route, sorted by route
 */
public record CacheList(List<CacheView> caches) {

    /** Copies. */
    public CacheList {
        caches = List.copyOf(caches);
    }
}
