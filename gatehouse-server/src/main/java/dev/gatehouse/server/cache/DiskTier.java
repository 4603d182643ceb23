package dev.gatehouse.server.cache;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's optional disk tier: each primary key's variants in one file of a directory (format
 * and names: {@link DiskFormat}), bounded by the files' total size, least valuable evicted first
 * ({@link DiskIndex}). Built over a directory that holds files from an earlier run, it indexes
 * them (reading each one's header), so the tier survives a restart.
 *
 * <p>Every file operation runs on the executor given, never on the caller's thread: methods
 * return futures. Writes (puts, removals, and the start-up scan, which comes first) run one at a
 * time in submission order, so a removal covers every put submitted before it; reads run
 * alongside. Give it a small pool of its own, two threads or more so that reads need not wait for
 * writes. Callbacks on the futures run on that pool: hop back to an event loop before touching a
 * channel.
 *
 * <p>Reads are strict: a file that is corrupt, truncated, or missing is deleted, forgotten, and
 * read as a miss; reads never fail. Writes go to a temporary file moved over the old one
 * atomically, so a reader sees the old file or the new one, never half of one. Files are not
 * synced: after a crash a file may come back short, and then reads as a miss. Puts wait in memory
 * for their turn; past {@link #MAX_PENDING_BYTES} of them, puts are dropped, as a slow disk must
 * not grow the heap. One tier per directory at a time. Thread-safe.
 */
public final class DiskTier implements AutoCloseable {

    /** How much may wait to be written (by {@link CachedResponse#weight}) before puts are dropped. */
    public static final long MAX_PENDING_BYTES = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);
    private static final String TEMP_SUFFIX = ".tmp";
    /** The largest file read back: what fits in one array. */
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;

    private final Path dir;
    private final long maxBytes;
    private final Executor readers;
    private final SerialLane writer;
    private final DiskIndex index;
    private final AtomicLong pending = new AtomicLong();
    private final CompletableFuture<Void> ready;
    private volatile boolean closed;

    /**
     * Starts the tier: creates {@code dir} if need be and indexes the files in it, on {@code executor}.
     *
     * @param dir      the directory, the tier's alone
     * @param maxBytes the bound on the files' total size
     * @param executor where all file operations run
     */
    public DiskTier(Path dir, long maxBytes, Executor executor) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
        }
        this.dir = Objects.requireNonNull(dir, "dir");
        this.maxBytes = maxBytes;
        this.readers = Objects.requireNonNull(executor, "executor");
        this.writer = new SerialLane(executor);
        this.index = new DiskIndex(dir, maxBytes);
        this.ready = onWriter(() -> {
            scan();
            return null;
        }, null);
    }

    /**
     * Completes when the files found at start are indexed (a get waits for it); fails when the
     * directory cannot be created or listed.
     */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /**
     * The variants stored on disk for {@code key}, most recent first; an empty list when none. A get
     * before the start-up scan is done waits for it: a restarted node must not miss what it kept.
     * Never fails.
     */
    public CompletableFuture<List<CachedResponse>> get(String key) {
        if (closed) {
            return CompletableFuture.completedFuture(List.of());
        }
        try {
            if (!ready.isDone()) {
                return ready.handle((ok, failure) -> null).thenApplyAsync(ignored -> read(key), readers)
                        .exceptionally(e -> List.of());
            }
            return CompletableFuture.supplyAsync(() -> read(key), readers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(List.of());
        }
    }

    /**
     * Replaces {@code key}'s file with {@code variants} (the first {@link MemoryTier#MAX_VARIANTS};
     * none removes it). Dropped, completing normally, when closed, when too much already waits, or
     * when the file alone would pass the bound. Fails when the file cannot be written.
     */
    public CompletableFuture<Void> put(String key, List<CachedResponse> variants) {
        List<CachedResponse> kept = List.copyOf(variants.subList(0, Math.min(variants.size(), MemoryTier.MAX_VARIANTS)));
        if (kept.isEmpty()) {
            return remove(key).thenApply(removed -> null);
        }
        long weight = 0;
        for (CachedResponse r : kept) {
            weight += r.weight();
        }
        if (pending.addAndGet(weight) > MAX_PENDING_BYTES) {
            pending.addAndGet(-weight);
            return CompletableFuture.completedFuture(null);
        }
        long waiting = weight;
        CompletableFuture<Void> written = onWriter(() -> {
            write(key, kept);
            return null;
        }, null);
        return written.whenComplete((v, e) -> pending.addAndGet(-waiting));
    }

    /** Removes {@code key}'s file; whether there was one. */
    public CompletableFuture<Boolean> remove(String key) {
        return onWriter(() -> index.remove(key), false);
    }

    /** Removes the file of every key {@code which} accepts (tested on the executor); how many. */
    public CompletableFuture<Integer> removeIf(Predicate<String> which) {
        return onWriter(() -> {
            int removed = 0;
            for (String key : index.keys()) {
                if (which.test(key) && index.remove(key)) {
                    removed++;
                }
            }
            return removed;
        }, 0);
    }

    /** The files' total size, in bytes. */
    public long bytes() {
        return index.bytes();
    }

    /** How many keys have a file. */
    public long entries() {
        return index.entries();
    }

    /**
     * Stops taking work: later calls, and writes still queued, do nothing (gets miss). Files stay
     * for the next tier over the directory. The executor is the caller's to shut down.
     */
    @Override
    public void close() {
        closed = true;
    }

    /** Runs {@code task} on the write lane; {@code whenClosed} if the tier is closed by then. */
    private <T> CompletableFuture<T> onWriter(Supplier<T> task, T whenClosed) {
        if (closed) {
            return CompletableFuture.completedFuture(whenClosed);
        }
        try {
            return CompletableFuture.supplyAsync(() -> closed ? whenClosed : task.get(), writer);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(whenClosed);
        }
    }

    /** Indexes the files an earlier run left, deleting temporary files and files whose header does not parse. */
    private void scan() {
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    if (closed) {
                        return;
                    }
                    String name = file.getFileName().toString();
                    if (name.endsWith(TEMP_SUFFIX)) {
                        DiskIndex.deleteQuietly(file);
                    } else if (DiskFormat.isEntryName(name)) {
                        adopt(file, name);
                    }
                    // Anything else is not ours and is left alone.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot index the disk cache in " + dir, e);
        }
    }

    private void adopt(Path file, String name) {
        try {
            long size = Files.size(file);
            String key = DiskFormat.readKey(file);
            // The name must be the key's: a file copied under another name would shadow that key's.
            if (key != null && DiskFormat.fileName(key).equals(name)) {
                index.adopt(key, size);
                return;
            }
        } catch (IOException e) {
            LOG.debug("cannot read the disk cache file {}", file, e);
        }
        DiskIndex.deleteQuietly(file);
    }

    private List<CachedResponse> read(String key) {
        DiskIndex.Entry seen = index.get(key);
        if (seen == null) {
            return List.of();
        }
        try {
            if (seen.bytes() <= MAX_FILE_BYTES) {
                List<CachedResponse> variants = DiskFormat.read(Files.readAllBytes(index.file(key)), key);
                if (variants != null) {
                    return variants;
                }
            }
            LOG.debug("dropping an unreadable disk cache file for {}", key);
        } catch (NoSuchFileException e) {
            // Deleted behind the index's back; forget it.
        } catch (IOException | RuntimeException e) {
            LOG.debug("dropping a disk cache file that failed to read for {}", key, e);
        }
        index.forget(key, seen);
        return List.of();
    }

    private void write(String key, List<CachedResponse> variants) {
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, index.file(key).getFileName() + ".", TEMP_SUFFIX);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 64 * 1024)) {
                DiskFormat.write(out, key, variants);
            }
            long size = Files.size(temp);
            if (size <= maxBytes) {
                index.replace(key, temp, size);
                temp = null;
            } else {
                // Too big to keep, but what it replaces is out of date: it goes too.
                index.remove(key);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the disk cache file for " + key, e);
        } finally {
            if (temp != null) {
                DiskIndex.deleteQuietly(temp);
            }
        }
    }
}
