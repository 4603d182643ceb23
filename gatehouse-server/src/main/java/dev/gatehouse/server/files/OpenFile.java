package dev.gatehouse.server.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open regular file and what was known about it when it was opened, shared by the
 * {@link FileCatalog} and every response that is sending it. Reference counted: the catalog holds
 * one reference while the file is cached, each response one while it sends; the descriptor closes
 * when the last is released, so a file evicted or replaced mid-response is still read to the end
 * (on Linux, even after it was deleted: the open descriptor keeps its data). Thread-safe.
 */
public final class OpenFile {

    private final FileChannel channel;
    private final Path realPath;
    private final long size;
    private final long modifiedMillis;
    /** The whole content of a small file, read once when it was opened; null for a larger one. */
    private final byte[] bytes;
    private final AtomicInteger refs = new AtomicInteger(1);
    /** What answers about this file repeat, worked out once (racy but idempotent: any thread may fill it). */
    private volatile Texts texts;

    /**
     * The header values every answer about this file carries, the same for every request.
     *
     * <p>Header values are kept as {@link io.netty.util.AsciiString}s, which Netty's encoder copies
     * as bytes instead of char by char.
     *
     * @param name          the requested name they were made for
     * @param coding        the coding they were made for, or null
     * @param mediaType     its Content-Type
     * @param etag          the strong validator
     * @param lastModified  the Last-Modified value, or null when no HTTP-date can name it
     * @param contentLength the whole file's Content-Length
     * @param headerValues  the Content-Type, ETag and Content-Length values, ready to encode
     */
    record Texts(String name, String coding, String mediaType, dev.gatehouse.core.content.EntityTag etag,
                 io.netty.util.AsciiString lastModified, io.netty.util.AsciiString contentLength,
                 io.netty.util.AsciiString typeValue, io.netty.util.AsciiString etagValue) {
    }

    /** The texts for {@code name} and {@code coding}, made by {@code make} the first time (or when asked for another name). */
    Texts texts(String name, String coding, java.util.function.Supplier<Texts> make) {
        Texts t = texts;
        if (t == null || !t.name().equals(name) || !java.util.Objects.equals(t.coding(), coding)) {
            t = make.get();
            texts = t;
        }
        return t;
    }

    OpenFile(FileChannel channel, Path realPath, long size, long modifiedMillis, byte[] bytes) {
        this.channel = channel;
        this.realPath = realPath;
        this.size = size;
        this.modifiedMillis = modifiedMillis;
        this.bytes = bytes;
    }

    /**
     * The content of a small file ({@link FileCatalog#SMALL_FILE} bytes at most), exactly
     * {@link #size()} long and never written to; null for a larger file. Shared: read only.
     */
    public byte[] bytes() {
        return bytes;
    }

    /** The file, for positional reads and transfers; never closed by the caller. */
    public FileChannel channel() {
        return channel;
    }

    /** The file's path with every symbolic link resolved. */
    public Path realPath() {
        return realPath;
    }

    /** The size when it was opened (the bytes a response promises). */
    public long size() {
        return size;
    }

    /** The modification time when it was opened, epoch milliseconds. */
    public long modifiedMillis() {
        return modifiedMillis;
    }

    /**
     * Takes a reference, unless the file was already closed (evicted and released by everyone):
     * the caller then looks the file up again.
     */
    public boolean tryRetain() {
        for (;;) {
            int n = refs.get();
            if (n == 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one closes the file. */
    public void release() {
        int n = refs.decrementAndGet();
        if (n == 0) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a file opened for reading loses nothing; there is no one to tell.
            }
        } else if (n < 0) {
            throw new IllegalStateException("released more often than retained: " + realPath);
        }
    }

    /** The references held now, for tests. */
    int refCount() {
        return refs.get();
    }
}
