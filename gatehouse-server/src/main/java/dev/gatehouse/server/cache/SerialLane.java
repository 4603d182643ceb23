package dev.gatehouse.server.cache;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were submitted, on a shared executor, taking one of
 * its threads only while there is work. The disk tier writes through one so that a purge runs
 * after every write submitted before it (no evicted entry lands on disk behind a purge) and two
 * writes of one key land in order.
 */
final class SerialLane implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SerialLane.class);

    private final Executor executor;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** Whether a drain is submitted or running: at most one is. */
    private final AtomicBoolean draining = new AtomicBoolean();

    SerialLane(Executor executor) {
        this.executor = executor;
    }

    /**
     * Queues {@code task} behind those already submitted.
     *
     * @throws RejectedExecutionException when the executor refuses to run the queue and the task has
     *                                    not been taken (it will then not run)
     */
    @Override
    public void execute(Runnable task) {
        queue.add(task);
        try {
            startDraining();
        } catch (RejectedExecutionException e) {
            if (queue.remove(task)) {
                throw e;
            }
        }
    }

    private void startDraining() {
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false);
                throw e;
            }
        }
    }

    private void drain() {
        try {
            Runnable task;
            while ((task = queue.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // Tasks report their own failures; this one must not stop those behind it.
                    LOG.warn("a disk cache task failed", e);
                }
            }
        } finally {
            draining.set(false);
            // A task queued after the last poll but before the flag fell found a drain running and
            // left it to us.
            if (!queue.isEmpty()) {
                try {
                    startDraining();
                } catch (RejectedExecutionException e) {
                    LOG.debug("the disk cache executor refused work; {} task(s) left queued", queue.size());
                }
            }
        }
    }
}
