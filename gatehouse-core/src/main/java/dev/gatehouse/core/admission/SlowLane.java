package dev.gatehouse.core.admission;

import dev.gatehouse.core.config.SlowLaneConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slow-lane isolation: learns each route key's latency and caps the slots slow requests hold.
 * Not thread-safe: guarded by the pool's lock.
 *
 * <p>A route's latency is an EWMA ({@link #ALPHA}) of its successful latencies; the first sample
 * sets it. Its <em>baseline</em>, the no-load latency that adaptive limits judge its samples
 * against, is the smallest latency seen over the last one to two {@link AimdLimit#WINDOW_NANOS
 * windows} ({@link WindowedMin}), as {@link AimdLimit} keeps its floor. Keys live in a {@link LinkedHashMap} in access
 * order bounded to {@code max_routes}: the least recently seen key (admitted or learned) is
 * forgotten first. A plain map under the pool's lock does this without a dependency (Caffeine's
 * asynchronous maintenance would buy nothing here: every access is already under that lock).
 *
 * <p>The cap: slow requests may hold {@code floor(share * totalSlots)} slots, at least 1, and when
 * the pool has 2 slots or more at least 1 is always left for fast requests.
 */
final class SlowLane {

    /** Weight of a new sample in a route's latency average. */
    static final double ALPHA = 0.2;

    private final double share;
    private final long thresholdNanos;
    private final Map<String, Route> routes;

    SlowLane(SlowLaneConfig config) {
        this.share = config.share();
        this.thresholdNanos = config.threshold().toNanos();
        int maxRoutes = config.maxRoutes();
        this.routes = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Route> eldest) {
                return size() > maxRoutes;
            }
        };
    }

    /** Whether requests of this route are slow now (unknown routes are fast). */
    boolean isSlow(String routeKey) {
        Route r = routes.get(routeKey);
        return r != null && r.average > thresholdNanos;
    }

    /** Learns one successful latency of a route, measured at {@code nowNanos}. */
    void record(String routeKey, long latencyNanos, long nowNanos) {
        Route r = routes.get(routeKey);
        if (r == null) {
            routes.put(routeKey, new Route(latencyNanos, nowNanos));
        } else {
            r.average += ALPHA * (latencyNanos - r.average);
            r.baseline.add(latencyNanos, nowNanos);
        }
    }

    /** The latency average of a route in nanoseconds, or -1 when unknown. */
    double latencyNanos(String routeKey) {
        Route r = routes.get(routeKey);
        return r == null ? -1 : r.average;
    }

    /** The no-load latency of a route in nanoseconds, or -1 when unknown. */
    long baselineNanos(String routeKey) {
        Route r = routes.get(routeKey);
        return r == null ? -1 : r.baseline.min();
    }

    /** Routes remembered. */
    int routes() {
        return routes.size();
    }

    /** The slots slow requests may hold in a pool of {@code totalSlots}. */
    int cap(int totalSlots) {
        int cap = Math.max(1, (int) Math.floor(share * totalSlots));
        return totalSlots >= 2 ? Math.min(cap, totalSlots - 1) : cap;
    }

    /** What is learned of one route. */
    private static final class Route {
        double average;
        final WindowedMin baseline = new WindowedMin();

        Route(long latencyNanos, long nowNanos) {
            average = latencyNanos;
            baseline.add(latencyNanos, nowNanos);
        }
    }
}
