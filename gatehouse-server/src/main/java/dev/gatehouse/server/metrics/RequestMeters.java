package dev.gatehouse.server.metrics;

import dev.gatehouse.core.backend.Backend;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the {@link RequestSeries} of a finished request without allocating, on any event loop.
 *
 * <p>Design notes. The series are canonical per {@link SeriesKey}, but building a key per request
 * would allocate, so the hot path looks them up by what the request already holds: its
 * {@link Backend} (a record whose hash combines cached string hashes; the snapshot's object, so
 * equality is usually decided by identity), or its pool's name when no backend was reached. Both
 * indexes are {@link ConcurrentHashMap}s: a hit is a lock-free read. A miss (the first request
 * to a backend, or a backend object of a snapshot published since the last {@link #retain})
 * builds the key once and registers or finds the series.
 *
 * <p>{@link #retain} drops what the current snapshot no longer names and takes those series'
 * meters out of the registry. A request that ends after its backend left may register that
 * backend's series again; the next {@link #retain} removes it. Counts of that request are the only
 * ones that can be lost, by a race with the removal, and only for a backend that is gone.
 */
final class RequestMeters {

    private final MeterRegistry registry;
    /** The canonical series. */
    private final ConcurrentHashMap<SeriesKey, RequestSeries> series = new ConcurrentHashMap<>();
    /** The hot-path index of requests that reached a backend. */
    private final ConcurrentHashMap<Backend, RequestSeries> byBackend = new ConcurrentHashMap<>();
    /** The hot-path index of requests routed to a pool that reached no backend. */
    private final ConcurrentHashMap<String, RequestSeries> byPool = new ConcurrentHashMap<>();
    private final RequestSeries unrouted;

    RequestMeters(MeterRegistry registry) {
        this.registry = registry;
        this.unrouted = find(SeriesKey.UNROUTED);
    }

    /** Records one finished exchange; see {@link dev.gatehouse.server.proxy.ExchangeRecorder#ended}. */
    void record(String pool, Backend backend, int status, long totalNanos, long upstreamNanos) {
        series(pool, backend).record(status, totalNanos, upstreamNanos);
    }

    /** The series of a request: by its backend, else by its pool, else the unrouted one. */
    RequestSeries series(String pool, Backend backend) {
        if (backend != null) {
            RequestSeries s = byBackend.get(backend);
            return s != null ? s : byBackend.computeIfAbsent(backend, b -> find(SeriesKey.of(b)));
        }
        if (pool != null) {
            RequestSeries s = byPool.get(pool);
            return s != null ? s : byPool.computeIfAbsent(pool, p -> find(SeriesKey.pool(p)));
        }
        return unrouted;
    }

    /** Registers a backend's series ahead of its first request, so that it reads 0 until then. */
    void register(Backend backend) {
        byBackend.computeIfAbsent(backend, b -> find(SeriesKey.of(b)));
    }

    /**
     * Keeps only what a snapshot names and removes the other series' meters from the registry.
     * Called by one thread at a time (the metrics' sync).
     *
     * @param backends the snapshot's backends
     * @param pools    the snapshot's pool names
     */
    void retain(Set<Backend> backends, Set<String> pools) {
        byBackend.keySet().retainAll(backends);
        byPool.keySet().retainAll(pools);
        Set<SeriesKey> live = new HashSet<>();
        live.add(SeriesKey.UNROUTED);
        backends.forEach(b -> live.add(SeriesKey.of(b)));
        pools.forEach(p -> live.add(SeriesKey.pool(p)));
        for (RequestSeries s : series.values()) {
            if (!live.contains(s.key()) && series.remove(s.key(), s)) {
                s.remove(registry);
            }
        }
    }

    /** Number of series, for tests. */
    int size() {
        return series.size();
    }

    private RequestSeries find(SeriesKey key) {
        return series.computeIfAbsent(key, k -> RequestSeries.register(registry, k));
    }
}
