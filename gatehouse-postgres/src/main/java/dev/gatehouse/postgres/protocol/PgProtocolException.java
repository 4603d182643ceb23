package dev.gatehouse.postgres.protocol;

import io.netty.handler.codec.DecoderException;
import java.util.Objects;

/**
 * Input that breaks the PostgreSQL protocol, or goes over one of its bounds, with the SQLSTATE
 * the front door answers it with (in an ErrorResponse before it closes the connection).
 *
 * <p>A {@link DecoderException}, so that {@link PgFrameDecoder} hands it to
 * {@code exceptionCaught} as it is rather than wrapped. The readers in {@link PgReaders} throw it
 * too, for a message whose payload is malformed.
 */
public final class PgProtocolException extends DecoderException {

    /** SQLSTATE 08P01 protocol_violation: the input is not what the protocol allows. */
    public static final String PROTOCOL_VIOLATION = "08P01";

    /** SQLSTATE 54000 program_limit_exceeded: a message or packet is longer than allowed. */
    public static final String PROGRAM_LIMIT_EXCEEDED = "54000";

    /** SQLSTATE 28000 invalid_authorization_specification: a startup packet names no user. */
    public static final String INVALID_AUTHORIZATION_SPECIFICATION = "28000";

    private static final long serialVersionUID = 1L;

    private final String sqlState;

    /**
     * Creates the exception.
     *
     * @param sqlState the five-character SQLSTATE
     * @param message what was wrong, as a sentence a client may be shown
     */
    public PgProtocolException(String sqlState, String message) {
        super(Objects.requireNonNull(message, "message"));
        if (sqlState == null || sqlState.length() != 5) {
            throw new IllegalArgumentException("sqlState: " + sqlState + " (expected: five characters)");
        }
        this.sqlState = sqlState;
    }

    /** A protocol violation (08P01) with this message. */
    static PgProtocolException violation(String message) {
        return new PgProtocolException(PROTOCOL_VIOLATION, message);
    }

    /** A too-large message or packet (54000) with this message. */
    static PgProtocolException tooLarge(String message) {
        return new PgProtocolException(PROGRAM_LIMIT_EXCEEDED, message);
    }

    /** The SQLSTATE to answer with, e.g. {@value #PROTOCOL_VIOLATION}. */
    public String sqlState() {
        return sqlState;
    }

    @Override
    public String toString() {
        return "PgProtocolException[" + sqlState + "]: " + getMessage();
    }
}
