package dev.gatehouse.server.admin;

import dev.gatehouse.core.config.HostPort;
import java.util.concurrent.CompletableFuture;

/**
 * What the admin API needs of a node's PostgreSQL front door, so that the server module serves
 * {@code /api/v1/databases...} without depending on the module that implements it (the front
 * door registers one with {@link AdminServer#databases}).
 *
 * <p>Every method may be called from any thread and must not block: it answers with a future,
 * completed with a value the admin API writes as JSON (a record), or exceptionally with
 * {@link java.util.NoSuchElementException} for an unknown server or pool (404),
 * {@link IllegalStateException} for an operation refused in the server's state, its reason named
 * (409), or {@link IllegalArgumentException} for bad input (400).
 */
public interface DatabasesAdmin {

    /** Every server and pool: {@code GET /api/v1/databases}. */
    CompletableFuture<?> status();

    /** Pauses a server; completes once it is paused (every connection closed), with its view. */
    CompletableFuture<?> pause(String server);

    /** Resumes a server, with its view. */
    CompletableFuture<?> resume(String server);

    /** Moves a paused server to {@code address} (a new epoch), with its view. */
    CompletableFuture<?> repoint(String server, HostPort address);

    /** Reconnects a server (a new epoch, the same address), with its view. */
    CompletableFuture<?> reconnect(String server);

    /** Closes every client and server connection of a pool (a database clients ask for). */
    CompletableFuture<?> killPool(String database);

    /** Closes every client and server connection of a server's pools. */
    CompletableFuture<?> killServer(String server);
}
