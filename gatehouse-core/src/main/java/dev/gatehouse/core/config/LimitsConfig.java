package dev.gatehouse.core.config;

/**
 * Bounds on what a client may send.
 *
 * @param maxRequestLine longest request line in bytes (414 past it)
 * @param maxHeaderSize  largest header section in bytes (431 past it)
 * @param maxRequestBody largest request body in bytes (413 past it); 0 means no limit
 */
public record LimitsConfig(int maxRequestLine, int maxHeaderSize, long maxRequestBody) {

    /** Request line 8 KiB, headers 32 KiB, body 2 GiB. */
    public static final LimitsConfig DEFAULTS = new LimitsConfig(8 * 1024, 32 * 1024, 2L * 1024 * 1024 * 1024);

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
    }
}
