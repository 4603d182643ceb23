package dev.gatehouse.core.config;

import dev.gatehouse.core.cache.CachePolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * A route's HTTP cache (RFC 9111, a shared cache): where responses of the route's pool are kept and
 * what may be kept beyond what the responses allow.
 *
 * @param memoryBytes     the memory tier's bound, in bytes of bodies and fields
 * @param disk            the disk tier, or null for memory only
 * @param collapseTimeout how long concurrent misses for one key wait for the first one's response
 *                        before each goes to the backend itself
 * @param policy          what may be stored, heuristics, stale defaults and the largest object
 */
public record CacheConfig(long memoryBytes, Disk disk, Duration collapseTimeout, CachePolicy policy) {

    /** 64 MiB of responses in memory. */
    public static final long DEFAULT_MEMORY = 64L * 1024 * 1024;
    /** nginx's proxy_cache_lock_timeout is 5 s too. */
    public static final Duration DEFAULT_COLLAPSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The disk tier: responses pushed out of memory are kept in files below {@code path}, up to
     * {@code maxBytes}, and found again after a restart.
     */
    public record Disk(String path, long maxBytes) {
        /** Validates the parts. */
        public Disk {
            Objects.requireNonNull(path, "path");
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("size: " + maxBytes + " (expected: > 0)");
            }
        }
    }

    /** Validates the parts. */
    public CacheConfig {
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("memory: " + memoryBytes + " (expected: > 0)");
        }
        Objects.requireNonNull(collapseTimeout, "collapseTimeout");
        Objects.requireNonNull(policy, "policy");
    }

    /** A memory-only cache with every default. */
    public static CacheConfig defaults() {
        return new CacheConfig(DEFAULT_MEMORY, null, DEFAULT_COLLAPSE_TIMEOUT, CachePolicy.DEFAULTS);
    }
}
