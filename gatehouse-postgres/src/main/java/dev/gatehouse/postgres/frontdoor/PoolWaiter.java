package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.protocol.ErrorFields;

/**
 * Whoever asks a pool for a server connection and may have to wait for one: a client's
 * {@link ClientSession}, or the front door's own {@link AuthLookup}, which counts in the server's
 * budget and waits in the same queue and hold as the clients do. Called on the front door's event
 * loop; exactly one of {@link #attach}, {@link #waitTimedOut}, {@link #refuse} and
 * {@link #serverFailed} ends each wait (or none, when the waiter left and cancelled it).
 */
interface PoolWaiter {

    /** A connection for this waiter: use it, or give it back to the pool when no longer wanted. */
    void attach(ServerConnection c);

    /** No connection was free within the pool's {@code wait_timeout}. */
    void waitTimedOut(String serverName);

    /** The budget refused to queue this waiter (too many wait). */
    void refuse(String sqlState, String reason);

    /** The connection opened for this waiter could not connect or log in. */
    void serverFailed(ErrorFields reason);

    /** Whether the waiter is gone: a connection opened for it is not handed to it again. */
    boolean left();

    /** The pool it waits in. */
    PoolRuntime pool();
}
