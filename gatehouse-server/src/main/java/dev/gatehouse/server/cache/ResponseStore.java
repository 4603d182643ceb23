package dev.gatehouse.server.cache;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the cache keeps responses: a {@link MemoryTier} in front of an optional {@link DiskTier}.
 * New responses go to memory; what memory evicts for room goes to disk; what a disk read finds is
 * promoted back into memory.
 *
 * <p>A lookup asks {@link #memory} first, on the event loop; only when no variant there fits the
 * request does it ask {@link #disk}, whose answer arrives on the disk tier's executor. A key's
 * variants may be split between the tiers (a new variant in memory, older ones on disk); a disk
 * answer is the two merged, memory's copy of a variant winning, and leaves the merge in memory.
 * An eviction writes memory's variants over the key's file as they are: variants only the disk
 * had, never merged in, are lost then (a miss later, not a wrong answer).
 *
 * <p>Purges ({@link #remove}, {@link #removeIf}) cover both tiers, and also disk reads in flight:
 * a read begun before a purge that covers its key answers empty and promotes nothing. A response
 * being stored while a purge runs is the caller's to order. Thread-safe.
 */
public final class ResponseStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseStore.class);

    /**
     * What the tiers hold, for a status view.
     *
     * @param memoryBytes   the memory tier's weight
     * @param memoryEntries variants in memory
     * @param diskBytes     the disk files' total size, 0 without a disk tier
     * @param diskEntries   keys with a disk file, 0 without a disk tier
     */
    public record Usage(long memoryBytes, long memoryEntries, long diskBytes, long diskEntries) {
    }

    private final MemoryTier memory;
    private final DiskTier disk;
    private final Purges purges = new Purges();

    /**
     * @param memoryMaxBytes the memory tier's bound
     * @param diskOrNull     the disk tier, which this store now owns (closes), or null for none
     */
    public ResponseStore(long memoryMaxBytes, DiskTier diskOrNull) {
        this.disk = diskOrNull;
        this.memory = new MemoryTier(memoryMaxBytes, diskOrNull == null ? evicted -> { } : this::spill);
    }

    /** The variants memory holds for {@code key}, most recent first; empty when none. No I/O. */
    public List<CachedResponse> memory(String key) {
        return memory.get(key);
    }

    /**
     * The variants for {@code key} with the disk's added, memory's first; an empty list without a
     * disk tier, on a disk miss, or when a purge since covers the key. A disk hit is promoted into
     * memory. Completes on the disk tier's executor (or at once); never fails.
     */
    public CompletableFuture<List<CachedResponse>> disk(String key) {
        if (disk == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        long mark = purges.mark();
        return disk.get(key).thenApply(found -> promote(key, found, mark));
    }

    /**
     * Stores {@code response} in memory; one too heavy for memory (see {@link MemoryTier#put}) goes
     * straight to the disk tier when there is one, in place of what the disk held for the key.
     */
    public void put(String key, CachedResponse response) {
        memory.put(key, response);
        if (disk != null && !memory.fits(response)) {
            disk.put(key, List.of(response));
        }
    }

    /** Removes {@code key} from both tiers; completes with 1 when either held it, else 0. */
    public CompletableFuture<Integer> remove(String key) {
        Objects.requireNonNull(key, "key");
        purges.record(key::equals);
        boolean inMemory = memory.remove(key);
        if (disk == null) {
            return CompletableFuture.completedFuture(inMemory ? 1 : 0);
        }
        return disk.remove(key).thenApply(onDisk -> inMemory || onDisk ? 1 : 0);
    }

    /**
     * Removes every key {@code which} accepts from both tiers, as a purge by prefix does; completes
     * with how many keys were removed, a key held by both tiers counted once. {@code which} is
     * tested on the caller's thread for memory and on the disk tier's executor for disk.
     */
    public CompletableFuture<Integer> removeIf(Predicate<String> which) {
        purges.record(which);
        Set<String> inMemory = ConcurrentHashMap.newKeySet();
        int fromMemory = memory.removeIf(key -> which.test(key) && inMemory.add(key));
        if (disk == null) {
            return CompletableFuture.completedFuture(fromMemory);
        }
        AtomicInteger inBoth = new AtomicInteger();
        return disk.removeIf(key -> {
            if (!which.test(key)) {
                return false;
            }
            if (inMemory.contains(key)) {
                inBoth.incrementAndGet();
            }
            return true;
        }).thenApply(fromDisk -> fromMemory + fromDisk - inBoth.get());
    }

    /** What each tier holds now. */
    public Usage usage() {
        return new Usage(memory.bytes(), memory.entries(), disk == null ? 0 : disk.bytes(), disk == null ? 0 : disk.entries());
    }

    /** Closes the disk tier (its files stay); memory is left to the garbage collector. */
    @Override
    public void close() {
        if (disk != null) {
            disk.close();
        }
    }

    /** Memory's eviction hook: hands the key's variants to the disk, which writes them later. */
    private void spill(Map.Entry<String, List<CachedResponse>> evicted) {
        disk.put(evicted.getKey(), evicted.getValue()).whenComplete((v, e) -> {
            if (e != null) {
                LOG.debug("could not move {} to the disk cache", evicted.getKey(), e);
            }
        });
    }

    private List<CachedResponse> promote(String key, List<CachedResponse> found, long mark) {
        if (found.isEmpty() || purges.coveredSince(mark, key)) {
            return List.of();
        }
        List<CachedResponse> merged = memory.promote(key, found);
        // A purge recorded between the check and the promotion may have run its memory pass before
        // the promotion landed: take back what we put in.
        if (purges.coveredSince(mark, key)) {
            if (merged != null) {
                memory.removeIfSame(key, merged);
            }
            return List.of();
        }
        // What memory could not take (too heavy) is still part of the answer.
        return List.copyOf(MemoryTier.union(merged, found));
    }
}
