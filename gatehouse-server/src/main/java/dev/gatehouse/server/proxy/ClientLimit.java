package dev.gatehouse.server.proxy;

/**
 * Each limit on what a client controls, named as its setting: the {@code limit} label of
 * {@code gatehouse_limit_rejections_total} and the first words of the log line when one is hit.
 */
public enum ClientLimit {
    /** {@code limits.max_request_line}: 414. */
    REQUEST_LINE("max_request_line"),
    /** {@code limits.max_header_size}: 431. */
    HEADER_SIZE("max_header_size"),
    /** {@code limits.max_headers}: 431. */
    HEADERS("max_headers"),
    /** {@code limits.max_request_body} or a route's own: 413. */
    REQUEST_BODY("max_request_body"),
    /** {@code limits.max_connections_per_client}: the connection is closed when accepted. */
    CONNECTIONS_PER_CLIENT("max_connections_per_client"),
    /** A route's {@code rate_limit}: 429. */
    RATE("rate_limit"),
    /** {@code timeouts.client_header}: 408 for a head begun and not finished; a connection that sent nothing is closed. */
    CLIENT_HEADER("client_header"),
    /** {@code timeouts.client_body}: 408, or a cut once the response started. */
    CLIENT_BODY("client_body");

    private final String setting;

    ClientLimit(String setting) {
        this.setting = setting;
    }

    /** The setting's key, e.g. {@code max_headers}: the metric's label value. */
    public String setting() {
        return setting;
    }
}
