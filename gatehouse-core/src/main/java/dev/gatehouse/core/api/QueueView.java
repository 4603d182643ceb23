package dev.gatehouse.core.api;

import dev.gatehouse.core.admission.AdmissionStats;

/**
 * A pool's queue (requests waiting for a free backend slot).
 *
 * @param length        requests waiting now
 * @param queuedTotal   requests that ever waited
 * @param rejectedTotal requests answered 503 at once (no slot, no queue place, no backend)
 * @param timedOutTotal queued requests that left the queue without a slot (timeout or client gone)
 * @param waitMsTotal   the summed waits of the granted queued requests, in milliseconds
 */
public record QueueView(int length, long queuedTotal, long rejectedTotal, long timedOutTotal, long waitMsTotal) {

    /** The view of admission counters. */
    public static QueueView of(AdmissionStats s) {
        return new QueueView(s.queueLength(), s.queuedTotal(), s.rejectedTotal(), s.timedOutOrCancelledTotal(),
                s.queueWaitNanosTotal() / 1_000_000);
    }
}
