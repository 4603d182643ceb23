package dev.gatehouse.testing;

/**
 * How a {@link WebSocketTestClient}'s connection ended, known once the TCP connection is closed.
 *
 * @param code the status code of the peer's Close frame; {@value #NO_STATUS} when the frame had
 *             none, {@value #ABNORMAL} when no Close frame arrived (RFC 6455, 7.4.1)
 * @param reason the reason of the peer's Close frame, empty when it had none or there was none
 * @param closeFrameReceived whether the peer sent a Close frame before the TCP connection closed
 */
public record WebSocketClose(int code, String reason, boolean closeFrameReceived) {

    /** The code reported for a Close frame without one. */
    public static final int NO_STATUS = 1005;

    /** The code reported when the connection closed without a Close frame. */
    public static final int ABNORMAL = 1006;

    /**
     * Checks the parts.
     *
     * @param code the status code
     * @param reason the reason, never null
     * @param closeFrameReceived whether a Close frame arrived
     */
    public WebSocketClose {
        if (reason == null) {
            throw new IllegalArgumentException("reason: null (expected: a string, empty for none)");
        }
    }

    /** What a connection closed without a Close frame looks like. */
    static WebSocketClose abnormal() {
        return new WebSocketClose(ABNORMAL, "", false);
    }
}
