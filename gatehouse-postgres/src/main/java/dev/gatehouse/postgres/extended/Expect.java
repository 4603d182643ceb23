package dev.gatehouse.postgres.extended;

/**
 * What a message sent to a server is answered with, by the type bytes of the server's messages
 * (PostgreSQL's protocol, "Message Flow"). Notices, parameter statuses and notifications may
 * come at any time and answer nothing.
 */
public enum Expect {
    /** Parse: ParseComplete ('1'). */
    PARSE,
    /** Bind: BindComplete ('2'). */
    BIND,
    /** Close of a statement or portal: CloseComplete ('3'). */
    CLOSE,
    /** Describe of a statement: ParameterDescription ('t'), then RowDescription ('T') or NoData ('n'). */
    DESCRIBE_STATEMENT,
    /** Describe of a portal: RowDescription ('T') or NoData ('n'). */
    DESCRIBE_PORTAL,
    /**
     * Execute: rows or a COPY, ended by CommandComplete ('C'), EmptyQueryResponse ('I') or
     * PortalSuspended ('s').
     */
    EXECUTE,
    /** Sync: ReadyForQuery ('Z'); it also ends the skipping that follows an error. */
    SYNC,
    /** A simple Query or a FunctionCall: everything up to ReadyForQuery ('Z'). */
    QUERY;

    /** Whether the server message of type {@code type} is the last one answering this. */
    boolean endsWith(char type) {
        return switch (this) {
            case PARSE -> type == '1';
            case BIND -> type == '2';
            case CLOSE -> type == '3';
            case DESCRIBE_STATEMENT, DESCRIBE_PORTAL -> type == 'T' || type == 'n';
            case EXECUTE -> type == 'C' || type == 'I' || type == 's';
            case SYNC, QUERY -> type == 'Z';
        };
    }

    /** Messages a server may send at any moment, answering no client message. */
    static boolean asynchronous(char type) {
        return type == 'N' || type == 'S' || type == 'A';
    }
}
