package dev.gatehouse.core.api;

/**
 * {@code POST /api/v1/cache/purge} done.
 *
 * @param purged how many stored URLs (each with its versions and variants) were removed
 */
public record CachePurgeResult(int purged) {
}
