package dev.gatehouse.server.metrics;

import dev.gatehouse.server.cache.ResponseStore;
import dev.gatehouse.server.cache.RouteCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A route cache's meters: what it answered by result, what it stored, and its size per tier. The
 * meters read the route's current cache through {@code current} at each scrape, so a reload that
 * replaces the cache (a changed {@code cache} section) keeps one series per route. Function
 * counters hold what they read weakly: the caller keeps {@code current} reachable.
 */
final class CacheMeters {

    private CacheMeters() {
    }

    /** Registers the meters of the cache that {@code current} finds for {@code route}. */
    static void register(MeterRegistry registry, String route, Supplier<RouteCache> current) {
        counter(registry, route, "hit", current, c -> c.counts().hits);
        counter(registry, route, "stale", current, c -> c.counts().stale);
        counter(registry, route, "revalidated", current, c -> c.counts().revalidated);
        counter(registry, route, "collapsed", current, c -> c.counts().collapsed);
        counter(registry, route, "miss", current, c -> c.counts().misses);
        counter(registry, route, "bypass", current, c -> c.counts().bypassed);
        FunctionCounter.builder(Names.CACHE_STORED, current, s -> count(s.get(), c -> c.counts().stored))
                .tag(Names.ROUTE, route).description("Responses the route's cache stored").register(registry);
        gauge(registry, route, "memory", Names.CACHE_BYTES, current, ResponseStore.Usage::memoryBytes);
        gauge(registry, route, "memory", Names.CACHE_ENTRIES, current, ResponseStore.Usage::memoryEntries);
        gauge(registry, route, "disk", Names.CACHE_BYTES, current, ResponseStore.Usage::diskBytes);
        gauge(registry, route, "disk", Names.CACHE_ENTRIES, current, ResponseStore.Usage::diskEntries);
    }

    private static void counter(MeterRegistry registry, String route, String result, Supplier<RouteCache> current,
                                Function<RouteCache, LongAdder> adder) {
        FunctionCounter.builder(Names.CACHE_REQUESTS, current, s -> count(s.get(), adder))
                .tag(Names.ROUTE, route).tag(Names.RESULT, result)
                .description("Requests to a route with a cache, by what the cache did").register(registry);
    }

    private static double count(RouteCache c, Function<RouteCache, LongAdder> adder) {
        return c == null ? 0 : adder.apply(c).sum();
    }

    private static void gauge(MeterRegistry registry, String route, String tier, String name, Supplier<RouteCache> current,
                              ToDoubleFunction<ResponseStore.Usage> value) {
        Gauge.builder(name, current, s -> {
            RouteCache c = s.get();
            return c == null ? 0 : value.applyAsDouble(c.store().usage());
        }).tag(Names.ROUTE, route).tag(Names.TIER, tier).strongReference(true).register(registry);
    }
}
