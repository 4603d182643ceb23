package dev.gatehouse.core.limit;

import dev.gatehouse.core.config.RateLimitConfig;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A token bucket per key, for one route's {@code rate_limit}. Thread-safe: every event loop of the
 * node shares one limiter per route.
 *
 * <p>Design notes. A bucket of {@code burst} tokens that gains one token every {@code interval} is
 * kept as one number: the time at which it will be full again ({@code full}; a bucket whose
 * {@code full} has passed is full). A request at {@code now} takes a token when
 * {@code max(full, now) + interval - now <= burst * interval}, and then moves {@code full} on by one
 * interval; otherwise it waits {@code max(full, now) + interval - now - burst * interval} for the
 * next token (the {@code Retry-After}). A refused request takes nothing, so a client that keeps
 * knocking is let in again at the rate, not later. This is the generic cell rate algorithm, the
 * same decisions as a bucket that counts tokens, without a division or a fraction per request.
 *
 * <p>Bounds. A full bucket is the same as no bucket, so a key whose bucket is full can be forgotten
 * without changing any decision: each acquire forgets up to two such keys among the least recently
 * used, so idle keys leave the table as traffic goes on. The table holds at most
 * {@code max_keys}; when it is full of keys still refilling, the least recently used one is
 * forgotten, and its client gets a full bucket back (the limit errs on the side of letting in).
 *
 * <p>Threading. Keys are spread over up to 16 segments by hash, each a map in access order under its
 * own lock, held for a lookup and a few arithmetic operations: event loops rarely wait for each
 * other. Time is passed in by the caller (the node's monotonic clock), never read here.
 */
public final class RateLimiter {

    /** Idle keys forgotten per acquire, at most. */
    private static final int SWEEP = 2;

    private final RateLimitConfig config;
    private final long interval;
    private final long tolerance;
    private final Segment[] segments;

    /** Creates the limiter of a route's {@code rate_limit}, with every bucket full. */
    public RateLimiter(RateLimitConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.interval = config.intervalNanos();
        this.tolerance = interval * config.burst();
        // Small tables in one segment, so that max_keys holds exactly; larger ones in 16.
        int n = config.maxKeys() >= 1024 ? 16 : 1;
        this.segments = new Segment[n];
        for (int i = 0; i < n; i++) {
            segments[i] = new Segment(config.maxKeys() / n);
        }
    }

    /** The configuration this limiter enforces. */
    public RateLimitConfig config() {
        return config;
    }

    /**
     * Takes a token from {@code key}'s bucket if there is one.
     *
     * @param key the request's key (its client IP, or its header's value)
     * @param now the node's monotonic clock, in nanoseconds
     * @return 0 when the request may go on; otherwise the nanoseconds until the bucket has a token
     */
    public long acquire(String key, long now) {
        Segment s = segments[(key.hashCode() & 0x7fffffff) % segments.length];
        synchronized (s) {
            Bucket b = s.buckets.get(key);
            if (b == null) {
                b = new Bucket(now);
                s.buckets.put(key, b);
            }
            long start = b.full - now > 0 ? b.full : now;
            long next = start + interval;
            long wait = next - now - tolerance;
            if (wait > 0) {
                return wait;
            }
            b.full = next;
            s.forgetIdle(now);
            return 0;
        }
    }

    /** The number of keys remembered now. */
    public int size() {
        int n = 0;
        for (Segment s : segments) {
            synchronized (s) {
                n += s.buckets.size();
            }
        }
        return n;
    }

    /** One key's bucket: when it will be full again. */
    private static final class Bucket {
        long full;

        Bucket(long full) {
            this.full = full;
        }
    }

    /** A share of the keys, in access order, bounded. Guarded by itself. */
    private static final class Segment {
        final Map<String, Bucket> buckets;

        Segment(int max) {
            this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                    return size() > max;
                }
            };
        }

        /** Forgets up to {@link #SWEEP} least recently used keys whose buckets are full again. */
        void forgetIdle(long now) {
            Iterator<Bucket> it = buckets.values().iterator();
            for (int i = 0; i < SWEEP && it.hasNext(); i++) {
                if (it.next().full - now > 0) {
                    return;
                }
                it.remove();
            }
        }
    }
}
