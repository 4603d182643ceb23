package dev.gatehouse.postgres.budget;

/**
 * What the budget decided for a client that asks for a server connection, or for a connection
 * that came back or went away. The caller carries it out; the budget has already counted it.
 *
 * <p>Where a connection is closed to make room for another ({@link OpenAfterClosing}, and
 * {@link OpenFor} after {@link ServerBudget#released}), the caller opens the new one only once
 * the old one's close is done (Terminate sent, socket closed), so that the server never sees
 * more connections than the cap.
 *
 * @param <W> the caller's handle for a waiting client
 */
public sealed interface Grant<W> {

    /** The asking client takes one of its pool's idle connections. */
    record TakeIdle<W>() implements Grant<W> {}

    /** The asking client gets a new connection: open one for it. */
    record Open<W>() implements Grant<W> {}

    /**
     * The asking client gets a new connection, made room for: close one idle connection of
     * {@code victim} first (the server's budget is full), then open one.
     *
     * @param victim the pool that gives up an idle connection
     */
    record OpenAfterClosing<W>(PoolKey victim) implements Grant<W> {}

    /** The asking client waits in the queue; it is granted later, or times out. */
    record Queued<W>() implements Grant<W> {}

    /**
     * The asking client cannot wait: the queue is full, or its pool cannot ever be served.
     *
     * @param reason a sentence for the client's error
     */
    record Rejected<W>(String reason) implements Grant<W> {}

    /**
     * A returned connection goes to this waiting client of the same pool, as it is.
     *
     * @param waiter the client, no longer queued
     */
    record HandOver<W>(W waiter) implements Grant<W> {}

    /**
     * A connection goes to a waiting client: open a new connection for it in its pool
     * {@code pool}; when it follows a returned connection, close that one first (it made room).
     *
     * @param waiter the client, no longer queued
     * @param pool the waiter's pool
     */
    record OpenFor<W>(W waiter, PoolKey pool) implements Grant<W> {}

    /**
     * Close the returned connection: the budget is over a lowered cap. It stays counted until
     * the caller reports it {@link ServerBudget#closed closed}.
     */
    record Close<W>() implements Grant<W> {}

    /** A returned connection stays idle in its pool. */
    record KeepIdle<W>() implements Grant<W> {}

    /** Nothing to do. */
    record None<W>() implements Grant<W> {}
}
