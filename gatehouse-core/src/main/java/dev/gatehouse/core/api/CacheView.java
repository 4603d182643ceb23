package dev.gatehouse.core.api;

/**
 * One route's cache in {@code GET /api/v1/cache}.
 *
 * @param route        the route, {@code host/prefix} ({@code *} for any host)
 * @param memoryBytes  bytes held in memory (bodies and fields)
 * @param memoryLimit  the memory tier's bound
 * @param memoryEntries stored responses in memory
 * @param diskBytes    bytes in the disk tier's files; -1 without a disk tier
 * @param diskLimit    the disk tier's bound; -1 without one
 * @param diskEntries  stored keys on disk; -1 without a disk tier
 * @param hits         answered from the store, fresh
 * @param stale        answered stale (the request allowed it, or the backend failed)
 * @param revalidated  answered from the store after the backend's 304
 * @param collapsed    answered from another request's fetch
 * @param misses       forwarded because nothing usable was stored
 * @param bypassed     forwarded without a lookup (not a GET, or a range)
 * @param stored       responses stored
 */
public record CacheView(String route, long memoryBytes, long memoryLimit, long memoryEntries, long diskBytes, long diskLimit,
                        long diskEntries, long hits, long stale, long revalidated, long collapsed, long misses, long bypassed,
                        long stored) {
}
