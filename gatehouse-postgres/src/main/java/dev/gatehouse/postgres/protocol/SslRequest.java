package dev.gatehouse.postgres.protocol;

/**
 * A client's request to switch to TLS before its startup message. The answer is one byte,
 * {@code 'S'} (then the TLS handshake) or {@code 'N'} (then the client sends a startup packet in
 * the clear, or gives up).
 */
public record SslRequest() implements StartupPacket {

    /** The one instance the decoder produces. */
    public static final SslRequest INSTANCE = new SslRequest();
}
