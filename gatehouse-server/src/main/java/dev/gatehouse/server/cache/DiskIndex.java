package dev.gatehouse.server.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which keys the disk tier has a file for and how big each is, bounded by the files' total size:
 * past the bound the least valuable keys (Caffeine's W-TinyLFU) are evicted and their files
 * deleted. Every change of a key's file (moving a new one in, deleting it) happens under that key's
 * lock in the index, together with the index's change, so the index and the directory agree and an
 * eviction never deletes a file written after the entry it evicts.
 *
 * <p>Does file I/O: only for the disk tier's executor. Thread-safe.
 */
final class DiskIndex {

    private static final Logger LOG = LoggerFactory.getLogger(DiskIndex.class);

    /** A key's file as indexed; {@code serial} tells one write's entry from the next. */
    record Entry(long bytes, long serial) {
    }

    private final Path dir;
    private final Cache<String, Entry> entries;
    // Kept here rather than asked of Caffeine, whose weightedSize() may run evictions, hence
    // deletions, on the asking thread. Moved under the key's lock, with the entries.
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong serials = new AtomicLong();

    DiskIndex(Path dir, long maxBytes) {
        this.dir = dir;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, Entry file) -> (int) Math.min(Integer.MAX_VALUE, file.bytes()))
                // The index is only used on the disk tier's executor, so evictions (and their
                // deletions) run there too.
                .executor(Runnable::run)
                .evictionListener((String key, Entry file, RemovalCause cause) -> {
                    if (key != null && file != null) {
                        // Runs inside the eviction, under the key's lock.
                        drop(key, file);
                    }
                })
                .build();
    }

    /** The file holding {@code key}'s variants (which may not exist). */
    Path file(String key) {
        return dir.resolve(DiskFormat.fileName(key));
    }

    /** {@code key}'s entry, null when it has no file; counts as a use for eviction. */
    Entry get(String key) {
        return entries.getIfPresent(key);
    }

    /**
     * Indexes a file found at start, of {@code size} bytes, unless the key has one already, and
     * evicts past the bound (which may be smaller than the last run's).
     */
    void adopt(String key, long size) {
        entries.asMap().computeIfAbsent(key, k -> counted(new Entry(size, serials.incrementAndGet()), +1));
        entries.cleanUp();
    }

    /**
     * Moves {@code written} (a complete file in the directory) into place as {@code key}'s file,
     * replacing any, and evicts past the bound.
     *
     * @throws UncheckedIOException when it cannot be moved; the index is then unchanged
     */
    void replace(String key, Path written, long size) {
        Path target = file(key);
        entries.asMap().compute(key, (k, old) -> {
            try {
                Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move " + written + " to " + target, e);
            }
            if (old != null) {
                counted(old, -1);
            }
            return counted(new Entry(size, serials.incrementAndGet()), +1);
        });
        // Evict now, on this thread, rather than at some later read.
        entries.cleanUp();
    }

    /** Deletes {@code key}'s file; whether it had one. */
    boolean remove(String key) {
        boolean[] removed = {false};
        entries.asMap().computeIfPresent(key, (k, file) -> {
            drop(k, file);
            removed[0] = true;
            return null;
        });
        return removed[0];
    }

    /**
     * Deletes {@code key}'s file if it is still the one {@code seen} describes, as after reading it
     * failed: a newer file put in since is kept.
     */
    void forget(String key, Entry seen) {
        entries.asMap().computeIfPresent(key, (k, now) -> {
            if (!now.equals(seen)) {
                return now;
            }
            drop(k, now);
            return null;
        });
    }

    /** The keys indexed now (a live view: keys may come and go while it is read). */
    Set<String> keys() {
        return entries.asMap().keySet();
    }

    /** The indexed files' total size. */
    long bytes() {
        return bytes.get();
    }

    /** How many keys have a file. */
    long entries() {
        return count.get();
    }

    /** Deletes the file if it exists, logging a failure; for files that must go but need not. */
    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", file, e);
        }
    }

    /** Uncounts {@code file} and deletes it; only as its entry leaves the index, under the key's lock. */
    private void drop(String key, Entry file) {
        counted(file, -1);
        deleteQuietly(file(key));
    }

    private Entry counted(Entry file, int sign) {
        bytes.addAndGet(sign * file.bytes());
        count.addAndGet(sign);
        return file;
    }
}
