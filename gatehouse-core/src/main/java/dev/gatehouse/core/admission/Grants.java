package dev.gatehouse.core.admission;

import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands grants to their waiters, after the pool's lock is released.
 *
 * <p>A waiter may release its ticket inside {@link Waiter#granted} (its loop is gone, or a test),
 * which grants the next waiter, whose waiter may release again... To keep that from growing the
 * stack by one level per queued request, deliveries started while this thread is already
 * delivering are appended to the outer call's list, which delivers them in order before it
 * returns (a trampoline).
 */
final class Grants {

    /** One grant to hand over. */
    record Delivery(Waiter waiter, Ticket ticket) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Grants.class);
    private static final ThreadLocal<ArrayDeque<Delivery>> PENDING = new ThreadLocal<>();

    private Grants() {
    }

    /** Delivers every grant, in order; a waiter that throws gets its ticket released as dropped. */
    static void deliver(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        ArrayDeque<Delivery> pending = PENDING.get();
        if (pending != null) {
            pending.addAll(deliveries);
            return;
        }
        pending = new ArrayDeque<>(deliveries);
        PENDING.set(pending);
        try {
            for (Delivery d = pending.poll(); d != null; d = pending.poll()) {
                deliverOne(d);
            }
        } finally {
            PENDING.remove();
        }
    }

    private static void deliverOne(Delivery d) {
        try {
            d.waiter().granted(d.ticket());
        } catch (RuntimeException e) {
            LOG.warn("Admission waiter {} failed to take its grant ({}); the slot is released", d.waiter(), d.ticket(), e);
            d.ticket().release(-1, Outcome.DROPPED);
        }
    }
}
