package dev.gatehouse.postgres.protocol;

/**
 * A client's request for GSSAPI encryption before its startup message. The front door answers
 * {@code 'N'} (it does not speak GSSAPI); the client may then send an SSLRequest or a startup
 * message.
 */
public record GssEncRequest() implements StartupPacket {

    /** The one instance the decoder produces. */
    public static final GssEncRequest INSTANCE = new GssEncRequest();
}
