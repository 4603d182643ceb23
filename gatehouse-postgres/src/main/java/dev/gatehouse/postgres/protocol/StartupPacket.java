package dev.gatehouse.postgres.protocol;

/**
 * What a client sends before its typed messages: an untyped packet (int32 length, int32 code) that
 * {@link PgFrameDecoder#forClient()} decodes into one of these.
 */
public sealed interface StartupPacket permits SslRequest, GssEncRequest, CancelRequest, StartupMessage {

    /** The code of an SSLRequest, 1234.5679. */
    int SSL_REQUEST_CODE = 80877103;

    /** The code of a GSSENCRequest, 1234.5680. */
    int GSSENC_REQUEST_CODE = 80877104;

    /** The code of a CancelRequest, 1234.5678. */
    int CANCEL_REQUEST_CODE = 80877102;

    /** The version code of protocol 3.0 (major 3 in the high 16 bits, minor 0 in the low). */
    int PROTOCOL_3_0 = 3 << 16;
}
