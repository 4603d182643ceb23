package dev.gatehouse.postgres.extended;

/**
 * A client would keep more prepared statements than its limit: answered with SQLSTATE 54000
 * (program_limit_exceeded) and the connection closed, so that no client can grow the front
 * door's memory without bound.
 */
public final class StatementLimitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** With the message the client gets. */
    public StatementLimitException(String message) {
        super(message);
    }
}
