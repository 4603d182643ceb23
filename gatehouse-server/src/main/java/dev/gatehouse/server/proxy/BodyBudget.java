package dev.gatehouse.server.proxy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's bound on request body bytes buffered at once ({@code bodies.buffer_requests_total}),
 * shared by every listener and event loop. Thread-safe; every reservation is given back exactly
 * once by its holder ({@link BodyBuffer}).
 */
public final class BodyBudget {

    private final long total;
    private final AtomicLong inUse = new AtomicLong();

    /** A budget of {@code total} bytes. */
    public BodyBudget(long total) {
        this.total = total;
    }

    /** Takes {@code n} bytes of the budget if they are free; false (and nothing taken) when not. */
    boolean tryReserve(long n) {
        long used;
        do {
            used = inUse.get();
            if (used + n > total) {
                return false;
            }
        } while (!inUse.compareAndSet(used, used + n));
        return true;
    }

    /** Gives back {@code n} bytes taken by {@link #tryReserve}. */
    void release(long n) {
        inUse.addAndGet(-n);
    }

    /** Bytes of request bodies buffered now. */
    public long inUse() {
        return inUse.get();
    }

    /** The bound. */
    public long total() {
        return total;
    }
}
