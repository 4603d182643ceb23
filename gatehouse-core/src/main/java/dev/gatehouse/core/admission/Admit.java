package dev.gatehouse.core.admission;

/** What admission decided for a request. */
public sealed interface Admit {

    /** A slot now: send the request to the ticket's member. */
    record Granted(Ticket ticket) implements Admit {
    }

    /** Every eligible backend is at its limit: the request waits; its {@link Waiter} will be told. */
    record Queued() implements Admit {
    }

    /**
     * No slot and no room to wait (or no candidate at all): answer 503.
     *
     * @param reason for the log, e.g. {@code queue full (1000)}
     */
    record Rejected(String reason) implements Admit {
    }
}
