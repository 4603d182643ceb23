package dev.gatehouse.postgres.extended;

/** A message the front door answers a client with itself, in place of a server's. */
public enum Synthetic {
    /** ParseComplete: the statement is already prepared on the server connection. */
    PARSE_COMPLETE,
    /** CloseComplete: a client's statement is forgotten; the server keeps it in its cache. */
    CLOSE_COMPLETE
}
