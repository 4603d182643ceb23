package dev.gatehouse.postgres.session;

/** Why a transaction-mode client is pinned to its server connection: state that outlives a transaction. */
public enum PinReason {
    /** A session setting: {@code SET} (not {@code SET LOCAL}), {@code set_config(..., false)}, a role. */
    SET,
    /** A {@code LISTEN}: notifications come to this server connection only. */
    LISTEN,
    /** A session-level advisory lock ({@code pg_advisory_lock} and its shared and try forms). */
    ADVISORY_LOCK,
    /** A temporary table, view or sequence: it lives on this server connection. */
    TEMP_TABLE,
    /** A cursor declared {@code WITH HOLD}: it outlives its transaction. */
    HOLD_CURSOR,
    /** A statement prepared with SQL's {@code PREPARE} (not the protocol's Parse). */
    SQL_PREPARE
}
