package dev.gatehouse.core.config;

/**
 * Bounds on what a client may send, for the whole node (a route may set its own
 * {@link RouteConfig#maxRequestBody()}).
 *
 * @param maxRequestLine          longest request line in bytes (414 past it); it bounds the URI too
 * @param maxHeaderSize           largest header section in bytes (431 past it)
 * @param maxRequestBody          largest request body in bytes (413 past it); 0 means no limit
 * @param maxHeaders              most header fields in a request (431 past it)
 * @param maxConnectionsPerClient most open connections from one client IP, over all listeners;
 *                                more are closed when accepted. 0 means no limit
 */
public record LimitsConfig(int maxRequestLine, int maxHeaderSize, long maxRequestBody, int maxHeaders,
                           int maxConnectionsPerClient) {

    /** Default {@code max_headers}: Apache's {@code LimitRequestFields}, about HAProxy's {@code tune.http.maxhdr}. */
    public static final int DEFAULT_MAX_HEADERS = 100;
    /** The most {@code max_headers} may be: a header section of 1 MiB holds no more fields of 4 bytes and more. */
    public static final int MAX_HEADERS = 10_000;
    /** The most {@code max_connections_per_client} may be. */
    public static final int MAX_CONNECTIONS_PER_CLIENT = 1_000_000;

    /** Request line 8 KiB, headers 32 KiB and 100 fields, body 2 GiB, connections per client unlimited. */
    public static final LimitsConfig DEFAULTS = new LimitsConfig(8 * 1024, 32 * 1024, 2L * 1024 * 1024 * 1024,
            DEFAULT_MAX_HEADERS, 0);

    /** Validates the bounds. */
    public LimitsConfig {
        if (maxRequestLine < 256 || maxRequestLine > 1024 * 1024) {
            throw new IllegalArgumentException("max_request_line: " + maxRequestLine + " (expected: 256 bytes to 1 MiB)");
        }
        if (maxHeaderSize < 1024 || maxHeaderSize > 1024 * 1024) {
            throw new IllegalArgumentException("max_header_size: " + maxHeaderSize + " (expected: 1 KiB to 1 MiB)");
        }
        if (maxRequestBody < 0) {
            throw new IllegalArgumentException("max_request_body: " + maxRequestBody + " (expected: >= 0)");
        }
        if (maxHeaders < 1 || maxHeaders > MAX_HEADERS) {
            throw new IllegalArgumentException("max_headers: " + maxHeaders + " (expected: 1-" + MAX_HEADERS + ")");
        }
        if (maxConnectionsPerClient < 0 || maxConnectionsPerClient > MAX_CONNECTIONS_PER_CLIENT) {
            throw new IllegalArgumentException("max_connections_per_client: " + maxConnectionsPerClient
                    + " (expected: 0 for no limit, or up to " + MAX_CONNECTIONS_PER_CLIENT + ")");
        }
    }

    /** The three size limits, with the defaults for header count and connections per client. */
    public LimitsConfig(int maxRequestLine, int maxHeaderSize, long maxRequestBody) {
        this(maxRequestLine, maxHeaderSize, maxRequestBody, DEFAULT_MAX_HEADERS, 0);
    }
}
