package dev.gatehouse.bench.scenario;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker's share of an open-loop schedule: {@code rate} slots a second over all workers, worker
 * {@code w} taking slots {@code w}, {@code w + workers}, ... A slot already past when the worker is
 * free again (it was busy with a slow request) is skipped and counted, rather than sent late in a
 * burst. Not thread-safe: one worker's.
 */
public final class SlotPacer {

    private final int worker;
    private final int workers;
    private final double slotNanos;
    private final long startNanos;
    private final long endNanos;
    private final AtomicLong skipped;
    private long k;

    /**
     * @param worker     this worker's index, 0 to {@code workers - 1}
     * @param workers    how many workers share the schedule
     * @param rate       slots per second over all workers
     * @param startNanos the schedule's start, {@link System#nanoTime()}
     * @param endNanos   no slot at or after this
     * @param skipped    counts the slots skipped, shared by the workers
     */
    public SlotPacer(int worker, int workers, double rate, long startNanos, long endNanos, AtomicLong skipped) {
        this.worker = worker;
        this.workers = workers;
        this.slotNanos = 1e9 / rate;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
        this.skipped = skipped;
    }

    /**
     * Waits until the next slot is due.
     *
     * @return the slot's due time (nanoTime), from which latency counts; or -1 when the schedule is over
     */
    public long awaitNext() {
        while (true) {
            long due = startNanos + (long) ((worker + k * (double) workers) * slotNanos);
            if (due >= endNanos) {
                return -1;
            }
            long now = System.nanoTime();
            if (now - due > workers * slotNanos) {
                // Busy past the next slot: skip to the first slot not yet past.
                long behind = (long) ((now - due) / (workers * slotNanos));
                k += behind;
                skipped.addAndGet(behind);
                continue;
            }
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            k++;
            return due;
        }
    }
}
