package dev.gatehouse.postgres.protocol;

/** The transaction status a ReadyForQuery reports: what a pool in transaction mode waits for. */
public enum TransactionStatus {
    /** Idle, not in a transaction ({@code 'I'}). */
    IDLE('I'),
    /** In a transaction block ({@code 'T'}). */
    IN_TRANSACTION('T'),
    /** In a failed transaction block, which only a rollback ends ({@code 'E'}). */
    FAILED('E');

    private final char code;

    TransactionStatus(char code) {
        this.code = code;
    }

    /** The status byte. */
    public char code() {
        return code;
    }

    /**
     * The status for a byte.
     *
     * @throws PgProtocolException 08P01 for any byte other than I, T, E
     */
    public static TransactionStatus of(int code) {
        return switch (code) {
            case 'I' -> IDLE;
            case 'T' -> IN_TRANSACTION;
            case 'E' -> FAILED;
            default -> throw PgProtocolException.violation("malformed ReadyForQuery message: transaction status "
                    + PgMessageTypes.describe(code) + " (expected: 'I', 'T' or 'E')");
        };
    }
}
