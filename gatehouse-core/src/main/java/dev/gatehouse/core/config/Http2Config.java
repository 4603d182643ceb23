package dev.gatehouse.core.config;

/**
 * HTTP/2 towards clients on one listener. On a TLS listener, {@code enabled} offers {@code h2} by
 * ALPN; on a plaintext listener, HTTP/2 is spoken only to clients that start with its connection
 * preface ("prior knowledge"), and only when {@code h2c} is set. Every stream is an exchange to an
 * HTTP/1.1 backend, exactly like an HTTP/1.1 request.
 *
 * @param enabled              whether the listener speaks HTTP/2 at all
 * @param h2c                  whether a plaintext listener accepts HTTP/2 with prior knowledge
 *                             (the connection preface on a new connection); HTTP/1.1 stays served
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS: streams a client may have open on one
 *                             connection; more are refused with RST_STREAM(REFUSED_STREAM)
 * @param initialWindowSize    SETTINGS_INITIAL_WINDOW_SIZE: request body bytes a client may send on
 *                             a stream before the node asks for more; what the node buffers per
 *                             stream at most while the backend does not read
 * @param connectionWindowSize the connection's receive window, over all its streams; 0 means
 *                             {@code max_concurrent_streams * initial_window_size} (capped at
 *                             2^31-1), so that streams whose backends do not read can never
 *                             stall the others
 * @param maxFrameSize         SETTINGS_MAX_FRAME_SIZE: the largest frame payload a client may send
 * @param maxHeaderListSize    SETTINGS_MAX_HEADER_LIST_SIZE: the largest decoded header list
 *                             (RFC 9113 §6.5.2: names, values and 32 bytes per field); 0 means
 *                             the node's {@code limits.max_header_size}
 */
public record Http2Config(boolean enabled, boolean h2c, int maxConcurrentStreams, int initialWindowSize,
                          int connectionWindowSize, int maxFrameSize, int maxHeaderListSize) {

    /** RFC 9113's smallest and default SETTINGS_MAX_FRAME_SIZE. */
    public static final int MIN_FRAME_SIZE = 16_384;
    /** RFC 9113's largest SETTINGS_MAX_FRAME_SIZE, 2^24-1. */
    public static final int MAX_FRAME_SIZE = 16_777_215;
    /** The largest flow-control window, 2^31-1. */
    public static final int MAX_WINDOW = Integer.MAX_VALUE;
    /** The most {@code max_concurrent_streams} may be. */
    public static final int MAX_STREAMS = 10_000;

    /** On (for TLS listeners), no h2c, 100 streams, 64 KiB windows, 16 KiB frames, header list from limits. */
    public static final Http2Config DEFAULTS = new Http2Config(true, false, 100, 65_535, 0, MIN_FRAME_SIZE, 0);

    /** Validates the bounds. */
    public Http2Config {
        if (maxConcurrentStreams < 1 || maxConcurrentStreams > MAX_STREAMS) {
            throw new IllegalArgumentException("max_concurrent_streams: " + maxConcurrentStreams
                    + " (expected: 1-" + MAX_STREAMS + ")");
        }
        if (initialWindowSize < 1024) {
            throw new IllegalArgumentException("initial_window_size: " + initialWindowSize
                    + " (expected: 1 KiB to 2^31-1 bytes)");
        }
        if (connectionWindowSize != 0 && connectionWindowSize < 65_535) {
            throw new IllegalArgumentException("connection_window_size: " + connectionWindowSize
                    + " (expected: 0 for max_concurrent_streams * initial_window_size, or 65535 to 2^31-1 bytes)");
        }
        if (maxFrameSize < MIN_FRAME_SIZE || maxFrameSize > MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("max_frame_size: " + maxFrameSize
                    + " (expected: " + MIN_FRAME_SIZE + "-" + MAX_FRAME_SIZE + ")");
        }
        if (maxHeaderListSize != 0 && (maxHeaderListSize < 1024 || maxHeaderListSize > 1024 * 1024)) {
            throw new IllegalArgumentException("max_header_list_size: " + maxHeaderListSize
                    + " (expected: 0 for limits.max_header_size, or 1 KiB to 1 MiB)");
        }
    }

    /** These settings with {@code enabled} set. */
    public Http2Config withEnabled(boolean on) {
        return new Http2Config(on, h2c, maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize,
                maxHeaderListSize);
    }

    /** These settings with {@code h2c} set (and HTTP/2 enabled when it is). */
    public Http2Config withH2c(boolean on) {
        return new Http2Config(enabled || on, on, maxConcurrentStreams, initialWindowSize, connectionWindowSize,
                maxFrameSize, maxHeaderListSize);
    }

    /** Whether a plaintext listener answers the HTTP/2 connection preface. */
    public boolean priorKnowledge() {
        return enabled && h2c;
    }

    /** The connection's receive window in force: the configured one, or one that never stalls a stream. */
    public int effectiveConnectionWindow() {
        if (connectionWindowSize != 0) {
            return connectionWindowSize;
        }
        return (int) Math.min(MAX_WINDOW, (long) maxConcurrentStreams * initialWindowSize);
    }

    /** The header list size in force, given the node's {@code limits.max_header_size}. */
    public int effectiveMaxHeaderListSize(LimitsConfig limits) {
        return maxHeaderListSize != 0 ? maxHeaderListSize : limits.maxHeaderSize();
    }
}
