package dev.gatehouse.postgres.budget;

import dev.gatehouse.core.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connection budget of one PostgreSQL server: a hard cap on its connections across all pools,
 * a minimum and a maximum per pool, and one fair queue of the clients waiting for a connection.
 *
 * <p>Design notes. The budget counts; it holds no connection. Every connection of a pool is
 * either <em>idle</em> (ready for a client) or in use (with a client, being opened, being reset);
 * {@code open} counts both. The caller reports each change ({@link #released}, {@link #closed})
 * and carries out each {@link Grant} it gets back, which the budget has already counted, so the
 * counts never run behind the connections that exist and the cap holds at every moment: a
 * connection is counted before it is opened and uncounted only once it is closed.
 *
 * <p>Order. Clients are served first come, first served, across all pools of the server: a slot
 * freed by a closed connection goes to the oldest waiter that can use it (its pool below its
 * maximum); a connection coming back to a pool goes to that pool's oldest waiter, unless a client
 * of another pool has waited longer for room under the cap: then the connection is closed and one
 * opened for that client (a connection per database and user cannot change hands). A new client
 * never overtakes an older one that waits for the same thing. When the cap is reached and a pool
 * has room but no connection, an idle connection of another pool (above that pool's minimum, from
 * the pool with the most idle ones) is closed at once to make room, instead of waiting for it to
 * time out. The price of fairness across pools at the cap is a new server connection per
 * handover between pools; within a pool, connections are reused.
 *
 * <p>Threading: every method is synchronized; the budget is shared by all event loops serving
 * this server's pools, and each call is short (no I/O, no allocation beyond a queue entry).
 *
 * @param <W> the caller's handle for a waiting client; compared by identity
 */
public final class ServerBudget<W> {

    private final String server;
    private final Clock clock;
    private final int maxWaiters;
    private final Map<PoolKey, Pool<W>> pools = new LinkedHashMap<>();
    private int cap;
    private int open;
    private int waiting;
    private long nextSeq;

    /**
     * A budget with nothing open.
     *
     * @param server the server's name, for messages
     * @param cap the most connections to the server at any moment, at least 1
     * @param maxWaiters the most clients waiting at once, across pools; more are rejected
     * @param clock the clock the waits are timed with
     */
    public ServerBudget(String server, int cap, int maxWaiters, Clock clock) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap: " + cap + " (expected: >= 1)");
        }
        if (maxWaiters < 0) {
            throw new IllegalArgumentException("maxWaiters: " + maxWaiters + " (expected: >= 0)");
        }
        this.server = server;
        this.cap = cap;
        this.maxWaiters = maxWaiters;
        this.clock = clock;
    }

    /**
     * Adds a pool, or leaves an existing one as it is.
     *
     * @param key the pool
     * @param min connections kept open even when idle (see {@link #fillMinimums})
     * @param max the most connections of this pool, at least 1 and at least {@code min}
     * @param waitTimeout how long a client of this pool waits in the queue
     */
    public synchronized void addPool(PoolKey key, int min, int max, Duration waitTimeout) {
        if (min < 0 || max < 1 || min > max) {
            throw new IllegalArgumentException(key + ": min " + min + ", max " + max
                    + " (expected: 0 <= min <= max, max >= 1)");
        }
        pools.computeIfAbsent(key, k -> new Pool<>(k, min, max, waitTimeout.toNanos()));
    }

    /**
     * A client of {@code key} asks for a connection.
     *
     * @return {@link Grant.TakeIdle}, {@link Grant.Open}, {@link Grant.OpenAfterClosing},
     *     {@link Grant.Queued} (the client is now queued under {@code waiter}) or
     *     {@link Grant.Rejected}
     * @throws IllegalArgumentException for a pool never added
     */
    public synchronized Grant<W> acquire(PoolKey key, W waiter) {
        Pool<W> p = pool(key);
        if (p.waiting == 0) {
            if (p.idle > 0) {
                p.idle--;
                return new Grant.TakeIdle<>();
            }
            if (p.open < p.max && oldestCapWaiter(null) == null) {
                if (open < cap) {
                    p.open++;
                    open++;
                    return new Grant.Open<>();
                }
                Pool<W> victim = victimFor(p);
                if (victim != null) {
                    victim.idle--;
                    victim.open--;
                    p.open++;
                    return new Grant.OpenAfterClosing<>(victim.key);
                }
            }
        }
        if (waiting >= maxWaiters) {
            return new Grant.Rejected<>("no connection to server " + server + " is free and "
                    + waiting + " clients already wait for one");
        }
        p.queue.addLast(new Waiting<>(waiter, nextSeq++, clock.nanoTime() + p.waitTimeoutNanos));
        p.waiting++;
        waiting++;
        return new Grant.Queued<>();
    }

    /**
     * A connection of {@code key} is back, clean and ready for another client.
     *
     * @return {@link Grant.HandOver} (give it to that waiter), {@link Grant.OpenFor} (close it:
     *     another pool's older waiter gets the room), {@link Grant.Close} (over a lowered cap) or
     *     {@link Grant.KeepIdle}
     */
    public synchronized Grant<W> released(PoolKey key) {
        Pool<W> p = pool(key);
        if (open > cap) {
            return new Grant.Close<>();
        }
        Waiting<W> own = p.peek();
        Pool<W> other = open >= cap && p.open > p.min ? oldestCapWaiter(p) : null;
        if (other != null && (own == null || other.peek().seq < own.seq)) {
            Waiting<W> w = other.poll();
            waiting--;
            p.open--;
            other.open++;
            return new Grant.OpenFor<>(w.waiter, other.key);
        }
        if (own != null) {
            p.poll();
            waiting--;
            return new Grant.HandOver<>(own.waiter);
        }
        p.idle++;
        return new Grant.KeepIdle<>();
    }

    /**
     * A connection of {@code key} is gone: closed, failed, or never opened.
     *
     * @param wasIdle whether it was idle (counted in {@link #released}) when it went
     * @return {@link Grant.OpenFor} for the oldest waiter the freed room lets in, or {@link Grant.None}
     */
    public synchronized Grant<W> closed(PoolKey key, boolean wasIdle) {
        Pool<W> p = pool(key);
        if (p.open == 0 || (wasIdle && p.idle == 0)) {
            throw new IllegalStateException(key + ": a connection closed that was not counted");
        }
        p.open--;
        open--;
        if (wasIdle) {
            p.idle--;
        }
        return serveOne();
    }

    /**
     * An idle connection of {@code key} is taken out to be closed (it stayed idle too long, or the
     * server is being left): counted as in use until {@link #closed} with {@code wasIdle} false.
     *
     * @return whether there was an idle connection above the pool's minimum to take
     */
    public synchronized boolean takeIdleForClosing(PoolKey key, boolean evenBelowMinimum) {
        Pool<W> p = pool(key);
        if (p.idle == 0 || (!evenBelowMinimum && p.open <= p.min)) {
            return false;
        }
        p.idle--;
        return true;
    }

    /**
     * Counts new connections for the pools below their minimum, as far as the cap allows and
     * nobody waits; the caller opens one per entry and reports each with {@link #released} once
     * ready (or {@link #closed} if it failed).
     */
    public synchronized List<PoolKey> fillMinimums() {
        List<PoolKey> toOpen = new ArrayList<>();
        for (Pool<W> p : pools.values()) {
            while (p.open < p.min && open < cap && waiting == 0) {
                p.open++;
                open++;
                toOpen.add(p.key);
            }
        }
        return toOpen;
    }

    /**
     * Takes the clients whose wait ran out out of the queue.
     *
     * @return them, oldest first within each pool; the caller answers each with an error
     */
    public synchronized List<W> expire() {
        long now = clock.nanoTime();
        List<W> expired = new ArrayList<>();
        for (Pool<W> p : pools.values()) {
            Waiting<W> head;
            while ((head = p.peek()) != null && now - head.deadline >= 0) {
                p.poll();
                waiting--;
                expired.add(head.waiter);
            }
        }
        return expired;
    }

    /**
     * Takes a client out of the queue (it left while waiting).
     *
     * @return whether it was queued
     */
    public synchronized boolean cancel(PoolKey key, W waiter) {
        Pool<W> p = pool(key);
        for (Iterator<Waiting<W>> it = p.queue.iterator(); it.hasNext(); ) {
            if (it.next().waiter == waiter) {
                it.remove();
                p.waiting--;
                waiting--;
                return true;
            }
        }
        return false;
    }

    /**
     * Changes the cap (the server's own limit was read again, or the config changed). A lower cap
     * closes nothing: connections above it are closed as they come back ({@link #released} then
     * finds the budget over its cap and returns no idle room to anyone).
     *
     * @return the grants a higher cap lets in, oldest waiter first
     */
    public synchronized List<Grant<W>> setCap(int newCap) {
        if (newCap < 1) {
            throw new IllegalArgumentException("cap: " + newCap + " (expected: >= 1)");
        }
        cap = newCap;
        List<Grant<W>> grants = new ArrayList<>();
        Grant<W> g;
        while (!((g = serveOne()) instanceof Grant.None<W>)) {
            grants.add(g);
        }
        return grants;
    }

    /** Whether the budget is over its cap (after a lower {@link #setCap}). */
    public synchronized boolean overCap() {
        return open > cap;
    }

    /** The counts as they are now. */
    public synchronized BudgetSnapshot snapshot() {
        long now = clock.nanoTime();
        List<BudgetSnapshot.PoolCounts> counts = new ArrayList<>(pools.size());
        for (Pool<W> p : pools.values()) {
            Waiting<W> head = p.peek();
            long oldestWait = head == null ? 0 : Math.max(0, now - (head.deadline - p.waitTimeoutNanos));
            counts.add(new BudgetSnapshot.PoolCounts(p.key, p.min, p.max, p.open, p.idle, p.waiting,
                    Duration.ofNanos(oldestWait)));
        }
        return new BudgetSnapshot(server, cap, open, waiting, counts);
    }

    private Grant<W> serveOne() {
        if (open >= cap) {
            return new Grant.None<>();
        }
        Pool<W> best = null;
        for (Pool<W> p : pools.values()) {
            Waiting<W> head = p.peek();
            if (head != null && p.open < p.max && (best == null || head.seq < best.peek().seq)) {
                best = p;
            }
        }
        if (best == null) {
            return new Grant.None<>();
        }
        Waiting<W> w = best.poll();
        waiting--;
        best.open++;
        open++;
        return new Grant.OpenFor<>(w.waiter, best.key);
    }

    /**
     * The pool, other than {@code except}, whose oldest waiter is the oldest of those that wait
     * for room under the cap (their pool has room), or null.
     */
    private Pool<W> oldestCapWaiter(Pool<W> except) {
        Pool<W> best = null;
        for (Pool<W> p : pools.values()) {
            Waiting<W> head = p.peek();
            if (p != except && head != null && p.open < p.max && p.idle == 0 && (best == null || head.seq < best.peek().seq)) {
                best = p;
            }
        }
        return best;
    }

    /** The pool other than {@code p} with the most idle connections above its minimum, or null. */
    private Pool<W> victimFor(Pool<W> p) {
        Pool<W> victim = null;
        for (Pool<W> q : pools.values()) {
            if (q != p && q.idle > 0 && q.open > q.min && (victim == null || q.idle > victim.idle)) {
                victim = q;
            }
        }
        return victim;
    }

    private Pool<W> pool(PoolKey key) {
        Pool<W> p = pools.get(key);
        if (p == null) {
            throw new IllegalArgumentException("pool: " + key + " (expected: one added to server " + server + ")");
        }
        return p;
    }

    /** A client in the queue: its handle, its place, and when its wait runs out. */
    private record Waiting<W>(W waiter, long seq, long deadline) {}

    /** One pool's counts and queue. */
    private static final class Pool<W> {
        final PoolKey key;
        final int min;
        final int max;
        final long waitTimeoutNanos;
        final ArrayDeque<Waiting<W>> queue = new ArrayDeque<>();
        int open;
        int idle;
        int waiting;

        Pool(PoolKey key, int min, int max, long waitTimeoutNanos) {
            this.key = key;
            this.min = min;
            this.max = max;
            this.waitTimeoutNanos = waitTimeoutNanos;
        }

        Waiting<W> peek() {
            return queue.peekFirst();
        }

        Waiting<W> poll() {
            Waiting<W> w = queue.pollFirst();
            if (w != null) {
                waiting--;
            }
            return w;
        }
    }
}
