package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.BodiesConfig;
import io.netty.channel.EventLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The node's second stage of request buffering ({@code bodies.buffer_request_file}): request
 * bodies too large for their memory buffer go on into temporary files before their request asks
 * for a backend slot, up to a bound per request and a total for the node ({@link BodyBudget}).
 *
 * <p>Every file operation (create, write, read, close) runs on one I/O thread of the node's,
 * never on an event loop: a write into the page cache is usually quick, but a disk under
 * write-back pressure can stall it for as long as it likes, and a loop stalled that long stalls
 * every connection it serves. One thread keeps each file's operations in order without locks, and
 * a thread writing into the page cache outruns the network that feeds it. Thread-safe.
 */
public final class BodySpools implements AutoCloseable {

    private final Path dir;
    private final long perRequest;
    private final BodyBudget budget;
    private final ExecutorService io;

    /** The file stage of {@code bodies}; off when its per-request bound is 0. */
    public BodySpools(BodiesConfig config) {
        this.perRequest = config.bufferRequestFile();
        this.budget = new BodyBudget(config.bufferFilesTotal());
        this.dir = Path.of(config.tempDir().isEmpty() ? System.getProperty("java.io.tmpdir") : config.tempDir());
        if (perRequest == 0) {
            this.io = null;
        } else if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IllegalArgumentException("bodies.temp_dir: " + dir + " (expected: a writable directory;"
                    + " buffer_request_file: 0 turns the file stage off)");
        } else {
            // One thread, started on first use, gone after a minute idle.
            ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "gatehouse-body-files");
                t.setDaemon(true);
                return t;
            });
            pool.allowCoreThreadTimeOut(true);
            this.io = pool;
        }
    }

    /** Whether bodies may go to files at all. */
    boolean enabled() {
        return io != null;
    }

    /** A new, empty spool for one request on {@code loop}; its file is made with its first write. */
    BodySpool open(EventLoop loop) {
        return new BodySpool(this, loop);
    }

    /** Bytes of request bodies in temporary files now. */
    public long inUse() {
        return budget.inUse();
    }

    /** The node's bound on those bytes. */
    public long total() {
        return budget.total();
    }

    Path dir() {
        return dir;
    }

    long perRequest() {
        return perRequest;
    }

    BodyBudget budget() {
        return budget;
    }

    /** Runs a file operation on the I/O thread; false when the node is closing. */
    boolean submit(Runnable task) {
        try {
            io.execute(task);
            return true;
        } catch (RuntimeException closing) {
            return false;
        }
    }

    /** Stops the I/O thread once the operations queued have run (closing the files still open). */
    @Override
    public void close() {
        if (io != null) {
            io.shutdown();
        }
    }
}
