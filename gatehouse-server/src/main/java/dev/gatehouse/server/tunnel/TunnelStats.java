package dev.gatehouse.server.tunnel;

/**
 * What a tunnel carried, given once when it ended.
 *
 * @param bytesClientToBackend bytes read from the client (those relayed and any swallowed after a
 *                             graceful close)
 * @param bytesBackendToClient bytes read from the backend, likewise
 * @param durationNanos        from {@link TunnelBuilder#open()} until both connections closed
 * @param end                  how it ended
 * @param cause                the failure when {@code end} is {@link TunnelEnd#ERROR}, else null
 */
public record TunnelStats(long bytesClientToBackend, long bytesBackendToClient, long durationNanos,
                          TunnelEnd end, Throwable cause) {
}
