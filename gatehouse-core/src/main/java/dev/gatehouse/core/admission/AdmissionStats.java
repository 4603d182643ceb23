package dev.gatehouse.core.admission;

/**
 * The counters of a pool's admission at one moment, for metrics.
 *
 * @param queueLength              requests waiting now
 * @param queuedTotal              requests that ever waited
 * @param rejectedTotal            requests answered at once for want of a slot, a queue place or a backend
 * @param timedOutOrCancelledTotal queued requests taken out of the queue before a grant
 * @param queueWaitNanosTotal      the summed waits of the queued requests that were granted
 * @param slowInFlight             slots held by requests of slow routes now
 */
public record AdmissionStats(int queueLength, long queuedTotal, long rejectedTotal, long timedOutOrCancelledTotal,
                             long queueWaitNanosTotal, int slowInFlight) {
}
