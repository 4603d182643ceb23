package dev.gatehouse.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One request body's temporary file ({@link BodySpools}): written while the body arrives, before
 * the request has a backend slot, and read back to each backend the request is sent to.
 *
 * <p>The file is unlinked as soon as it is made: it has no name while the request uses it, so a
 * node that dies leaves nothing behind in the directory, and closing it frees the disk. Its bytes
 * are reserved in the node's total before they are written, and given back by {@link #release}.
 *
 * <p>Threads: the methods are called on the request's event loop; the file is touched only on the
 * node's I/O thread, and every callback comes back on the loop. One operation at a time: the
 * caller waits for a write's callback before the next write (it reads no more from the client
 * until then), and sends to one backend at a time.
 */
final class BodySpool {

    /** Bytes read back from the file per part sent to the backend. */
    static final int CHUNK = 128 * 1024;

    private final BodySpools spools;
    private final EventLoop loop;
    /** Touched on the I/O thread only. */
    private FileChannel file;
    /** Bytes written (and confirmed) so far; loop-confined. */
    private long size;
    private long reserved;
    private HttpHeaders trailers;
    private volatile boolean released;

    BodySpool(BodySpools spools, EventLoop loop) {
        this.spools = spools;
        this.loop = loop;
    }

    /** Reserves room for {@code n} more bytes within this request's bound and the node's; false if none. */
    boolean reserve(long n) {
        if (released || reserved + n > spools.perRequest() || !spools.budget().tryReserve(n)) {
            return false;
        }
        reserved += n;
        return true;
    }

    /** Bytes written so far. */
    long size() {
        return size;
    }

    /** The trailers of the body's last part, kept for the backend; null when none. */
    HttpHeaders trailers() {
        return trailers;
    }

    void trailers(HttpHeaders trailers) {
        this.trailers = trailers;
    }

    /**
     * Appends {@code bytes} (reserved first with {@link #reserve}) and releases them; then runs
     * {@code done} on the loop, or {@code failed} there when the file could not be written. Nothing
     * runs when the spool was released meanwhile.
     */
    void write(ByteBuf bytes, Runnable done, Consumer<IOException> failed) {
        int n = bytes.readableBytes();
        boolean queued = spools.submit(() -> {
            try {
                if (released) {
                    return;
                }
                if (file == null) {
                    Path path = Files.createTempFile(spools.dir(), "gatehouse-body-", ".tmp");
                    file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    Files.delete(path);
                }
                long at = file.size();
                while (bytes.isReadable()) {
                    at += bytes.readBytes(file, at, bytes.readableBytes());
                }
                onLoop(() -> {
                    size += n;
                    done.run();
                });
            } catch (IOException | RuntimeException e) {
                IOException failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
                onLoop(() -> failed.accept(failure));
            } finally {
                bytes.release();
            }
        });
        if (!queued) {
            bytes.release();
            failed.accept(new IOException("the node is stopping"));
        }
    }

    /**
     * Sends the whole file to {@code ch} as body parts, each after the one before was written
     * ({@code progress} runs then), then runs {@code done} on the loop. Stops, without running
     * {@code done}, as soon as {@code current} is false (the try ended: its own failure handling
     * takes over) or a write fails; when the file cannot be read, closes {@code ch} (its close
     * ends the try).
     */
    void sendTo(Channel ch, BooleanSupplier current, Runnable progress, Runnable done) {
        sendFrom(0, ch, current, progress, done);
    }

    private void sendFrom(long position, Channel ch, BooleanSupplier current, Runnable progress, Runnable done) {
        if (position >= size) {
            done.run();
            return;
        }
        int n = (int) Math.min(CHUNK, size - position);
        ByteBuf chunk = ch.alloc().directBuffer(n);
        boolean queued = spools.submit(() -> {
            try {
                if (released) {
                    chunk.release();
                    return;
                }
                int read = 0;
                while (read < n) {
                    int got = chunk.writeBytes(file, position + read, n - read);
                    if (got < 0) {
                        throw new IOException("temporary body file shorter than written");
                    }
                    read += got;
                }
                onLoop(() -> {
                    if (!current.getAsBoolean()) {
                        chunk.release();
                        return;
                    }
                    ch.writeAndFlush(new DefaultHttpContent(chunk)).addListener(f -> {
                        if (f.isSuccess() && current.getAsBoolean()) {
                            progress.run();
                            sendFrom(position + n, ch, current, progress, done);
                        }
                    });
                }, chunk);
            } catch (IOException | RuntimeException e) {
                chunk.release();
                onLoop(() -> {
                    if (current.getAsBoolean()) {
                        ch.close();
                    }
                });
            }
        });
        if (!queued) {
            chunk.release();
            ch.close();
        }
    }

    /** Gives back the reservation and closes the file (on the I/O thread). Idempotent. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        spools.budget().release(reserved);
        reserved = 0;
        spools.submit(() -> {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException ignored) {
                    // The file has no name: closing it is all that frees it.
                }
                file = null;
            }
        });
    }

    private void onLoop(Runnable task) {
        onLoop(task, null);
    }

    /** Runs {@code task} on the loop; releases {@code orphan} when the loop is gone. */
    private void onLoop(Runnable task, ByteBuf orphan) {
        try {
            loop.execute(task);
        } catch (RuntimeException shuttingDown) {
            if (orphan != null) {
                orphan.release();
            }
        }
    }
}
