package dev.gatehouse.server.tunnel;

/** How a tunnel ended: the first cause wins, whatever follows from it. */
public enum TunnelEnd {
    /** The client closed its connection (or sent a Close frame and then closed). */
    CLIENT_CLOSED,
    /** The backend closed its connection. */
    BACKEND_CLOSED,
    /** No byte went either way for the idle timeout. */
    IDLE,
    /** Ended on purpose by {@link Tunnel#closeGracefully} or {@link Tunnel#close} (a deploy, a drain). */
    POLICY_CLOSE,
    /** A connection failed: a reset, a write error, a malformed WebSocket frame header. */
    ERROR
}
