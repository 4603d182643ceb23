package dev.gatehouse.core.admission;

import dev.gatehouse.core.balance.Member;

/**
 * A backend slot held by one request. It must be released exactly once, whatever happens to the
 * request; releasing frees the slot for the next queued request.
 */
public interface Ticket {

    /** The member whose slot this is. */
    Member member();

    /**
     * Gives the slot back. Calls after the first are ignored.
     *
     * @param latencyNanos the request's latency at the backend, or -1 when not measured
     * @param outcome      how it ended
     */
    void release(long latencyNanos, Outcome outcome);
}
