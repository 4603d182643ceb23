package dev.gatehouse.core.admission;

/**
 * A queued request, told when a slot is granted to it. Called at most once, on whatever thread
 * released the slot and never while a lock of the admission is held, so implementations must hop
 * to their own thread (an event loop) before acting.
 */
@FunctionalInterface
public interface Waiter {

    /** A slot was granted; the waiter now owns {@code ticket} and must release it. */
    void granted(Ticket ticket);

    /**
     * A held request (see {@link PoolAdmission#hold}) could not be placed when the hold was lifted
     * (no backend, a full queue); it is out of the admission and must be answered. Same threading
     * as {@link #granted}. The default does nothing, for waiters that are never held.
     */
    default void rejected(String reason) {
    }
}
