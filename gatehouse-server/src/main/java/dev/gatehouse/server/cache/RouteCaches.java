package dev.gatehouse.server.cache;

import dev.gatehouse.core.config.CacheConfig;
import dev.gatehouse.core.config.RouteConfig;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The node's route caches, found by route: made when a route with a {@code cache} section first
 * sees a request, kept while its configuration stays the same, replaced (emptied) when a reload
 * changes it. Disk reads and writes run on two threads of their own, never on an event loop.
 * Thread-safe.
 */
public final class RouteCaches implements AutoCloseable {

    private final ConcurrentMap<String, RouteCache> caches = new ConcurrentHashMap<>();
    /** Told the first time a route gets a cache (the metrics register its meters). */
    private final BiConsumer<String, Supplier<RouteCache>> firstSeen;
    /** Two threads: the disk tier's writes run one after another, its reads beside them. */
    private final ExecutorService disk = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "gatehouse-cache-disk");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "gatehouse-cache-timer");
        t.setDaemon(true);
        return t;
    });

    {
        // Collapse timeouts are cancelled far more often than they fire: drop them at once.
        timers.setRemoveOnCancelPolicy(true);
    }

    /** Route caches without meters (tests, an admin API without a node). */
    public RouteCaches() {
        this((route, current) -> { });
    }

    /** @param firstSeen told the first time a route gets a cache, with a way to find its cache at any later time */
    public RouteCaches(BiConsumer<String, Supplier<RouteCache>> firstSeen) {
        this.firstSeen = firstSeen;
    }

    /** The cache of {@code route}, which has a {@code cache} section. */
    public RouteCache of(RouteConfig route) {
        String label = route.label();
        RouteCache c = caches.get(label);
        if (c != null && c.config().equals(route.cache())) {
            return c;
        }
        boolean[] first = {false};
        RouteCache made = caches.compute(label, (k, old) -> {
            if (old != null && old.config().equals(route.cache())) {
                return old;
            }
            if (old != null) {
                old.store().close();
            }
            first[0] = old == null;
            return create(label, route.cache());
        });
        if (first[0]) {
            firstSeen.accept(label, () -> caches.get(label));
        }
        return made;
    }

    private RouteCache create(String label, CacheConfig config) {
        DiskTier tier = config.disk() == null ? null
                : new DiskTier(Path.of(config.disk().path()), config.disk().maxBytes(), disk);
        ResponseStore store = new ResponseStore(config.memoryBytes(), tier);
        return new RouteCache(label, config, store, new Collapser(config.collapseTimeout(), COLLAPSE_WAITERS, timers),
                new RouteCache.Counts());
    }

    /** At most this many requests wait for one fetch; more go to the backend themselves. */
    static final int COLLAPSE_WAITERS = 1000;

    /** Every route cache made so far, for the status and the metrics. */
    public Collection<RouteCache> all() {
        return List.copyOf(caches.values());
    }

    /**
     * Removes every stored response whose key matches, in every route's cache and tier.
     *
     * @return how many keys were removed, once every tier is done
     */
    public CompletableFuture<Integer> purge(Predicate<String> key) {
        CompletableFuture<Integer> total = CompletableFuture.completedFuture(0);
        for (RouteCache c : caches.values()) {
            total = total.thenCombine(c.store().removeIf(key), Integer::sum);
        }
        return total;
    }

    @Override
    public void close() {
        caches.values().forEach(c -> c.store().close());
        caches.clear();
        disk.shutdown();
        timers.shutdownNow();
    }
}
