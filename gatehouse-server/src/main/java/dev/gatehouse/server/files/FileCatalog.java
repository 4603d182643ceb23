package dev.gatehouse.server.files;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.gatehouse.core.time.Clock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

/**
 * The node's cache of file metadata and open files, like nginx's {@code open_file_cache}: a lookup
 * of a path that was checked less than {@code valid} ago costs no system call; an older one is
 * checked again ({@code stat}), and a file whose size or modification time changed is opened
 * afresh. Missing paths and directories are remembered the same way, so a flood of requests for
 * files that do not exist does not become a flood of system calls. Bounded by entries (each regular
 * file holds a descriptor); the least used are closed first, once no response still sends them.
 *
 * <p>Lookups run on the event loops: a {@code stat} or {@code open} of a local file is a page-cache
 * hit in the common case (microseconds), as in nginx without thread pools. Thread-safe.
 */
public final class FileCatalog implements AutoCloseable {

    /** What a path is. */
    public enum Kind { FILE, DIRECTORY, MISSING }

    /**
     * A lookup's answer.
     *
     * @param kind     what the path is now (anything but a regular file or a directory is MISSING)
     * @param realPath the path with every symbolic link resolved; null when missing
     * @param file     for a FILE, the open file, retained for the caller (who must release it); else null
     */
    public record Found(Kind kind, Path realPath, OpenFile file) {
        static final Found MISSING = new Found(Kind.MISSING, null, null);
    }

    /** What the catalog keeps per path. {@code checkedNanos} moves forward when a check finds no change. */
    private static final class Entry {
        final Kind kind;
        final Path realPath;
        final OpenFile file;
        final long size;
        final long modifiedMillis;
        volatile long checkedNanos;

        Entry(Kind kind, Path realPath, OpenFile file, long size, long modifiedMillis, long checkedNanos) {
            this.kind = kind;
            this.realPath = realPath;
            this.file = file;
            this.size = size;
            this.modifiedMillis = modifiedMillis;
            this.checkedNanos = checkedNanos;
        }
    }

    /**
     * Files up to this size are kept in memory once opened (at most this times the entry bound in
     * all: 32 MiB), so answering one reads nothing: the common static asset is small.
     */
    public static final int SMALL_FILE = 8 * 1024;

    private final Cache<Path, Entry> entries;
    private final long validNanos;
    private final Clock clock;

    /**
     * @param maxEntries how many paths are remembered (and so at most how many files are held open)
     * @param valid      how long a check stays good: a file changed on disk is seen at most this late
     * @param clock      the node's monotonic clock
     */
    public FileCatalog(int maxEntries, Duration valid, Clock clock) {
        this.validNanos = valid.toNanos();
        this.clock = clock;
        this.entries = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                // Run on the thread that caused the removal: closing a descriptor is quick, and a
                // pool thread would only add a hop.
                .executor(Runnable::run)
                .removalListener((Path path, Entry e, RemovalCause cause) -> {
                    if (e != null && e.file != null) {
                        e.file.release();
                    }
                })
                .build();
    }

    /**
     * What {@code path} is now (at most {@code valid} old). A FILE comes with its open file,
     * retained for the caller.
     */
    public Found lookup(Path path) {
        // A file can be evicted and closed between our get and our retain; then look again.
        for (int attempt = 0; attempt < 3; attempt++) {
            long now = clock.nanoTime();
            Entry e = entries.getIfPresent(path);
            if (e == null || now - e.checkedNanos >= validNanos) {
                e = check(path, e, now);
            }
            if (e.kind != Kind.FILE) {
                return e.kind == Kind.MISSING ? Found.MISSING : new Found(e.kind, e.realPath, null);
            }
            if (e.file.tryRetain()) {
                return new Found(Kind.FILE, e.realPath, e.file);
            }
            entries.asMap().remove(path, e);
        }
        return Found.MISSING;
    }

    /** Looks at the disk: keeps {@code old} when nothing changed, else puts in what is there now. */
    private Entry check(Path path, Entry old, long now) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException | SecurityException e) {
            return remember(path, new Entry(Kind.MISSING, null, null, 0, 0, now));
        }
        if (old != null && old.kind == kindOf(a) && old.size == a.size() && old.modifiedMillis == a.lastModifiedTime().toMillis()) {
            old.checkedNanos = now;
            return old;
        }
        try {
            if (a.isDirectory()) {
                return remember(path, new Entry(Kind.DIRECTORY, path.toRealPath(), null, a.size(),
                        a.lastModifiedTime().toMillis(), now));
            }
            if (!a.isRegularFile()) {
                // Devices, pipes and sockets are never served.
                return remember(path, new Entry(Kind.MISSING, null, null, 0, 0, now));
            }
            return remember(path, open(path, now));
        } catch (IOException | SecurityException e) {
            return remember(path, new Entry(Kind.MISSING, null, null, 0, 0, now));
        }
    }

    private static Kind kindOf(BasicFileAttributes a) {
        return a.isRegularFile() ? Kind.FILE : a.isDirectory() ? Kind.DIRECTORY : Kind.MISSING;
    }

    private static Entry open(Path path, long now) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            // Read the metadata after opening: what we promise is what the descriptor holds, even if
            // the name was pointed at another file in between.
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            long size = channel.size();
            Path real = path.toRealPath();
            long modified = a.lastModifiedTime().toMillis();
            byte[] bytes = size <= SMALL_FILE ? readAll(channel, (int) size) : null;
            return new Entry(Kind.FILE, real, new OpenFile(channel, real, size, modified, bytes), size, modified, now);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The whole of a small file, or null when it is no longer as long as it was (it changes: read it at each answer). */
    private static byte[] readAll(FileChannel channel, int size) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size);
        while (b.hasRemaining()) {
            if (channel.read(b, b.position()) < 0) {
                return null;
            }
        }
        return channel.size() == size ? b.array() : null;
    }

    private Entry remember(Path path, Entry e) {
        // Replacing an entry releases the one it replaces (the removal listener).
        entries.put(path, e);
        return e;
    }

    /** How many paths are remembered now. */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /** Forgets every path; open files close once no response sends them. */
    @Override
    public void close() {
        entries.invalidateAll();
        entries.cleanUp();
    }
}
