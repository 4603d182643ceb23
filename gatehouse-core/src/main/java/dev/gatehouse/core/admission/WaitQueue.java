package dev.gatehouse.core.admission;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The FIFO queue of a pool: a doubly linked list of {@link Waiting} nodes with an index by waiter
 * identity, so a cancel removes from the middle in O(1). Not thread-safe: guarded by the pool's lock.
 */
final class WaitQueue {

    private final Map<Waiter, Waiting> byWaiter = new IdentityHashMap<>();
    private Waiting head;
    private Waiting tail;
    private int fast;

    int size() {
        return byWaiter.size();
    }

    boolean isEmpty() {
        return head == null;
    }

    /** Queued requests not classified slow. */
    int fastCount() {
        return fast;
    }

    /** The oldest node; follow {@link Waiting#next}. */
    Waiting head() {
        return head;
    }

    boolean contains(Waiter waiter) {
        return byWaiter.containsKey(waiter);
    }

    /** Appends at the tail; the waiter must not be queued already. */
    void add(Waiting w) {
        byWaiter.put(w.waiter, w);
        w.prev = tail;
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        if (!w.slow) {
            fast++;
        }
    }

    /** Removes the node of this waiter; returns it, or null if the waiter is not queued. */
    Waiting remove(Waiter waiter) {
        Waiting w = byWaiter.get(waiter);
        if (w != null) {
            remove(w);
        }
        return w;
    }

    /** Unlinks a queued node. */
    void remove(Waiting w) {
        byWaiter.remove(w.waiter);
        if (w.prev == null) {
            head = w.next;
        } else {
            w.prev.next = w.next;
        }
        if (w.next == null) {
            tail = w.prev;
        } else {
            w.next.prev = w.prev;
        }
        w.prev = null;
        w.next = null;
        if (!w.slow) {
            fast--;
        }
    }
}
