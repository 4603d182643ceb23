package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.protocol.PgMessage;
import dev.gatehouse.postgres.protocol.PgReaders;

/**
 * The front door's own query on a fresh server connection, before it serves any client: the
 * server's {@code max_connections} and the slots it reserves, so the budget is checked against
 * the server it really talks to (a config can be wrong, and a restart or a new primary can change
 * them). One simple query; its answers are read here and never reach a client.
 */
final class LimitsProbe {

    /**
     * {@code current_setting(name, true)} is NULL for a setting the server lacks
     * ({@code reserved_connections} before PostgreSQL 16), so one query fits every version.
     */
    static final String SQL = "SELECT current_setting('max_connections'), current_setting('superuser_reserved_connections'),"
            + " current_setting('reserved_connections', true), current_setting('server_version_num')";

    private final int configured;
    private String[] row;
    private String error;

    LimitsProbe(int configured) {
        this.configured = configured;
    }

    /**
     * Reads one answer to {@link #SQL} (the caller releases it).
     *
     * @return whether the answer is complete (the ReadyForQuery came)
     */
    boolean read(PgMessage m) {
        switch (m.type()) {
            case 'D' -> {
                try {
                    row = PgReaders.readDataRow(m).toArray(new String[0]);
                } catch (RuntimeException e) {
                    error = "an unreadable DataRow (" + e.getMessage() + ")";
                }
            }
            case 'E' -> error = PgReaders.readErrorFields(m).message();
            case 'Z' -> {
                return true;
            }
            default -> { }   // RowDescription, CommandComplete, notices, ParameterStatus
        }
        return false;
    }

    /**
     * What the server said.
     *
     * @throws IllegalStateException when the query failed or answered something unreadable (the reason named)
     */
    ServerLimits result() {
        if (error != null) {
            throw new IllegalStateException("the query of the server's limits failed: " + error);
        }
        if (row == null || row.length != 4 || row[0] == null || row[1] == null || row[3] == null) {
            throw new IllegalStateException("the query of the server's limits answered no usable row");
        }
        try {
            return new ServerLimits(Integer.parseInt(row[0]), Integer.parseInt(row[1]),
                    row[2] == null ? 0 : Integer.parseInt(row[2]), Integer.parseInt(row[3]), configured);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the server's limits are not numbers: " + e.getMessage());
        }
    }
}
