package dev.gatehouse.server.log;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes access log lines to a stream in batches, off the event loops, as nginx's
 * {@code access_log ... buffer= flush=} does: the event loops put each line in a bounded lock-free
 * queue (no lock, no wake-up, no system call), and one thread takes all the lines waiting, writes
 * them with one {@code write}, and sleeps a few milliseconds when there are none. A line is written
 * at most {@value #MAX_WAIT_MILLIS} ms after it was logged, at once under load. Through logback's
 * asynchronous appender, each line was a logging event, a lock and a wake-up of its thread, and a
 * {@code write} of its own: 14.5 µs of CPU per request (proxy-bench, gatehouse-log).
 *
 * <p>When the queue is full (the stream does not keep up), lines are dropped and counted, and the
 * node's log says how many once a minute at most, as logback's {@code neverBlock} appender dropped
 * them silently. Thread-safe.
 */
public final class AccessLogWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);

    /** Lines waiting at most; past it they are dropped. */
    static final int CAPACITY = 65_536;
    /** The longest sleep of an idle writer: a line waits at most this long. */
    static final long MAX_WAIT_MILLIS = 100;
    private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int BATCH_BYTES = 64 * 1024;
    private static final long DROP_REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Queue<String> lines = PlatformDependent.newFixedMpscQueue(CAPACITY);
    private final OutputStream out;
    private final boolean closeOut;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closing;
    /** When a write last failed and was reported (the writer thread's own). */
    private long lastErrorNanos;
    private boolean failedBefore;

    private AccessLogWriter(OutputStream out, boolean closeOut, String name) {
        this.out = out;
        this.closeOut = closeOut;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    }

    /**
     * Starts a writer.
     *
     * @param out      where the lines go: a file opened for appending, or standard output
     * @param closeOut whether {@link #close()} closes {@code out} (not standard output: it flushes it)
     * @param name     the writer thread's name
     */
    public static AccessLogWriter start(OutputStream out, boolean closeOut, String name) {
        AccessLogWriter w = new AccessLogWriter(out, closeOut, name);
        w.thread.start();
        return w;
    }

    /** Queues one line (without its line break). Never blocks: a line that finds the queue full is dropped and counted. */
    public void write(String line) {
        if (!lines.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    /** Lines dropped so far because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    private void run() {
        byte[] batch = new byte[BATCH_BYTES];
        long waitNanos = MIN_WAIT_NANOS;
        long reported = 0;
        long lastReport = System.nanoTime();
        while (true) {
            int n = 0;
            boolean any = false;
            String line;
            while ((line = lines.poll()) != null) {
                any = true;
                byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
                if (n + bytes.length > batch.length) {
                    n = flush(batch, n);
                    if (bytes.length > batch.length) {
                        writeOut(bytes, bytes.length);
                        continue;
                    }
                }
                System.arraycopy(bytes, 0, batch, n, bytes.length);
                n += bytes.length;
            }
            flush(batch, n);
            long drops = dropped.get();
            if (drops != reported && System.nanoTime() - lastReport > DROP_REPORT_NANOS) {
                LOG.warn("access log: {} lines dropped so far: the output did not keep up", drops);
                reported = drops;
                lastReport = System.nanoTime();
            }
            if (any) {
                waitNanos = MIN_WAIT_NANOS;
                continue;
            }
            if (closing) {
                return;
            }
            LockSupport.parkNanos(this, waitNanos);
            waitNanos = Math.min(waitNanos * 2, TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS));
        }
    }

    private int flush(byte[] batch, int n) {
        if (n > 0) {
            writeOut(batch, n);
        }
        return 0;
    }

    private void writeOut(byte[] bytes, int n) {
        try {
            out.write(bytes, 0, n);
            out.flush();
        } catch (IOException e) {
            // A full disk or a closed pipe: these lines are lost, the node goes on serving. Said
            // the first time and then at most once a minute.
            long now = System.nanoTime();
            if (!failedBefore || now - lastErrorNanos > DROP_REPORT_NANOS) {
                LOG.warn("access log: cannot write, lines lost: {}", e.toString());
                failedBefore = true;
                lastErrorNanos = now;
            }
        }
    }

    /** Writes what is queued, stops the thread (waiting up to 5 s) and closes the stream. Idempotent. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (closeOut) {
                out.close();
            } else {
                out.flush();
            }
        } catch (IOException e) {
            LOG.warn("access log: cannot close: {}", e.toString());
        }
    }
}
