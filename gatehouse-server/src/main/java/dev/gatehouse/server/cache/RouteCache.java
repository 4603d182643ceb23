package dev.gatehouse.server.cache;

import dev.gatehouse.core.config.CacheConfig;
import java.util.concurrent.atomic.LongAdder;

/**
 * One route's cache: its store (memory, and disk when configured), its collapser, its
 * configuration and what it counted. Shared by every event loop. Thread-safe.
 *
 * @param route     the route as {@code host/prefix} ({@code *} for any host), the cache's scope
 * @param config    the route's {@code cache} section
 * @param store     the stored responses
 * @param collapser concurrent misses of one key wait for the first
 * @param counts    hits, misses and the rest, for the metrics and the status
 */
public record RouteCache(String route, CacheConfig config, ResponseStore store, Collapser collapser, Counts counts) {

    /** What a route's cache did, by outcome. Lock-free. */
    public static final class Counts {
        /** Answered from the store, fresh. */
        public final LongAdder hits = new LongAdder();
        /** Answered from the store, stale (allowed by the request, or the backend failed). */
        public final LongAdder stale = new LongAdder();
        /** Answered from the store after the backend said 304. */
        public final LongAdder revalidated = new LongAdder();
        /** Answered from the store once another request's fetch stored it. */
        public final LongAdder collapsed = new LongAdder();
        /** Forwarded: nothing usable was stored. */
        public final LongAdder misses = new LongAdder();
        /** Forwarded without looking (not a GET, a range, or the request forbids it). */
        public final LongAdder bypassed = new LongAdder();
        /** Responses put in the store. */
        public final LongAdder stored = new LongAdder();
    }
}
