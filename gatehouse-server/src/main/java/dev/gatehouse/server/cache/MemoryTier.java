package dev.gatehouse.server.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The cache's memory tier: for each primary key ({@code CacheKey.toString()}), the variants stored
 * under it, bounded by an estimate of the bytes they hold ({@link CachedResponse#weight}).
 *
 * <p>Eviction is Caffeine's W-TinyLFU, a key with all its variants: when full, a new key is
 * admitted only if it has been used more often than the key it would displace, so a key just
 * stored may be the one evicted (and handed to the hook). A burst of one-off responses cannot
 * flush the popular ones.
 *
 * <p>Variants: a key holds at most {@link #MAX_VARIANTS}, most recently stored first. Storing one
 * whose secondary key is already there replaces it; storing one more than the maximum drops the
 * oldest. Dropped variants are gone (they do not go to the hook).
 *
 * <p>A response heavier than an eighth of the bound is not stored, so that one large response
 * cannot empty the tier; the variant it would have replaced is dropped, so that an older copy is
 * not served in its place.
 *
 * <p>No method does I/O or blocks for long: safe on event loops. Thread-safe. The eviction hook
 * runs on the thread whose write caused the eviction, inside the eviction (the key's entry is gone
 * from the map when it runs), so it must be quick: hand the entry to another tier, do not write it.
 */
public final class MemoryTier {

    /** The most variants a key holds. */
    public static final int MAX_VARIANTS = 8;

    /** The heaviest response stored is the bound divided by this. */
    private static final int LARGEST_SHARE = 8;

    /**
     * A key's variants; {@code copyOfLower} when they are exactly what a lower tier gave (so that
     * tier has them, and an eviction need not hand them back).
     */
    private record Held(List<CachedResponse> variants, boolean copyOfLower) {
    }

    private final Cache<String, Held> cache;
    private final long maxEntryBytes;
    /** Variants held, kept here because Caffeine counts keys; moved where the lists change. */
    private final AtomicLong variants = new AtomicLong();

    /**
     * @param maxBytes  the bound on the weights of the responses held, and their keys' lengths
     * @param onEvicted called with each key and its variants evicted to keep within the bound, unless
     *                  they were promoted from a lower tier unchanged (not for removals or
     *                  replacements either)
     */
    public MemoryTier(long maxBytes, Consumer<Map.Entry<String, List<CachedResponse>>> onEvicted) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
        }
        Objects.requireNonNull(onEvicted, "onEvicted");
        this.maxEntryBytes = maxBytes / LARGEST_SHARE;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, Held held) -> weigh(key, held.variants()))
                // Evictions run on the writer's thread: they only move references around, and the
                // hook is told of an eviction before anyone can purge the disk tier behind it.
                .executor(Runnable::run)
                .evictionListener((String key, Held held, RemovalCause cause) -> {
                    if (key == null || held == null) {
                        return;
                    }
                    variants.addAndGet(-held.variants().size());
                    // Handing back an unchanged copy would only write the same file again.
                    if (cause == RemovalCause.SIZE && !held.copyOfLower()) {
                        onEvicted.accept(Map.entry(key, held.variants()));
                    }
                })
                .build();
    }

    /** The variants stored for {@code primaryKey}, most recent first; empty when none. */
    public List<CachedResponse> get(String primaryKey) {
        Held held = cache.getIfPresent(primaryKey);
        return held == null ? List.of() : held.variants();
    }

    /** Whether {@code response} is light enough for this tier (an eighth of the bound at most). */
    public boolean fits(CachedResponse response) {
        return response.weight() <= maxEntryBytes;
    }

    /**
     * Stores {@code response} under {@code primaryKey}, replacing the variant with the same secondary
     * key; not stored when heavier than an eighth of the bound (see the class comment).
     */
    public void put(String primaryKey, CachedResponse response) {
        Objects.requireNonNull(response, "response");
        if (response.weight() > maxEntryBytes) {
            cache.asMap().computeIfPresent(primaryKey, (key, held) -> change(held, without(held, response.varyKey()), false));
            return;
        }
        cache.asMap().compute(primaryKey, (key, held) -> {
            List<CachedResponse> next = new ArrayList<>(MAX_VARIANTS + 1);
            next.add(response);
            next.addAll(without(held, response.varyKey()));
            return change(held, next.subList(0, Math.min(next.size(), MAX_VARIANTS)), false);
        });
    }

    /**
     * Adds variants found in a lower tier under {@code primaryKey}, as {@link #union} orders them;
     * those too heavy for this tier are left out.
     *
     * @return what the key holds now; null when nothing
     */
    List<CachedResponse> promote(String primaryKey, List<CachedResponse> lower) {
        List<CachedResponse> fitting = new ArrayList<>(lower.size());
        for (CachedResponse r : lower) {
            if (r.weight() <= maxEntryBytes) {
                fitting.add(r);
            }
        }
        Held now = cache.asMap().compute(primaryKey, (key, held) -> {
            List<CachedResponse> next = union(held == null ? null : held.variants(), fitting);
            return change(held, next, held == null && next.equals(lower));
        });
        return now == null ? null : now.variants();
    }

    /**
     * The variants of {@code first} (may be null), then those of {@code then} whose secondary key
     * {@code first} lacks, up to {@link #MAX_VARIANTS}: how a key's copies in two tiers combine, the
     * upper tier's winning.
     */
    static List<CachedResponse> union(List<CachedResponse> first, List<CachedResponse> then) {
        List<CachedResponse> out = new ArrayList<>(first == null ? List.of() : first);
        for (CachedResponse r : then) {
            if (out.size() < MAX_VARIANTS && !holds(out, r.varyKey())) {
                out.add(r);
            }
        }
        return out;
    }

    /** Removes {@code primaryKey} if it still holds exactly {@code variants} (the same list); whether it did. */
    boolean removeIfSame(String primaryKey, List<CachedResponse> variants) {
        boolean[] removed = {false};
        cache.asMap().computeIfPresent(primaryKey, (key, held) -> {
            if (held.variants() != variants) {
                return held;
            }
            removed[0] = true;
            return change(held, List.of(), false);
        });
        return removed[0];
    }

    /** Removes {@code primaryKey} and its variants; whether it held any. */
    public boolean remove(String primaryKey) {
        Held held = cache.asMap().remove(primaryKey);
        if (held == null) {
            return false;
        }
        variants.addAndGet(-held.variants().size());
        return true;
    }

    /**
     * Removes every key {@code which} accepts, as a purge by prefix does; keys stored meanwhile may
     * or may not be seen.
     *
     * @return how many keys it removed
     */
    public int removeIf(Predicate<String> which) {
        int removed = 0;
        for (String key : cache.asMap().keySet()) {
            if (which.test(key) && remove(key)) {
                removed++;
            }
        }
        return removed;
    }

    /** The weight held now, in bytes (runs any pending eviction first). */
    public long bytes() {
        return cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** How many variants are held now, over all keys. */
    public long entries() {
        return variants.get();
    }

    private static boolean holds(List<CachedResponse> variants, String varyKey) {
        for (CachedResponse r : variants) {
            if (r.varyKey().equals(varyKey)) {
                return true;
            }
        }
        return false;
    }

    /** The variants of {@code held} (may be null) whose secondary key is not {@code varyKey}. */
    private static List<CachedResponse> without(Held held, String varyKey) {
        if (held == null) {
            return List.of();
        }
        List<CachedResponse> rest = new ArrayList<>(held.variants().size());
        for (CachedResponse r : held.variants()) {
            if (!r.varyKey().equals(varyKey)) {
                rest.add(r);
            }
        }
        return rest;
    }

    /** {@code next} as the key's new value (null, removing the key, when empty), counting the change. */
    private Held change(Held held, List<CachedResponse> next, boolean copyOfLower) {
        variants.addAndGet(next.size() - (held == null ? 0 : held.variants().size()));
        return next.isEmpty() ? null : new Held(List.copyOf(next), copyOfLower);
    }

    private static int weigh(String key, List<CachedResponse> variants) {
        long w = key.length();
        for (CachedResponse r : variants) {
            w += r.weight();
        }
        return (int) Math.min(Integer.MAX_VALUE, w);
    }
}
