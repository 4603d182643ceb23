package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the node reads request bodies and buffers bodies in both directions, so that a slow client
 * never holds a backend's worker (docs/configuration.md, {@code bodies}).
 *
 * <p>In a pool with {@code request_buffering} (the default in pools with a concurrency limit,
 * learned or fixed), a request body is read into memory before the request asks for a backend
 * slot, up to {@code bufferRequest} bytes for the request and {@code bufferRequestsTotal} for the
 * node; a larger body goes on into a temporary file in {@code tempDir}, up to
 * {@code bufferRequestFile} bytes for the request and {@code bufferFilesTotal} for the node; a body
 * larger than both (or one arriving while the node's totals are in use) takes its slot once they
 * are full and streams the rest, as every body did before. The response of such a
 * pool is read ahead of a slow client up to {@code bufferResponse} bytes, so its worker is free
 * once it has written it.
 *
 * @param bufferRequest       bytes of one request body read before its slot is taken; 0 for never
 * @param bufferRequestsTotal bytes of request bodies buffered at once on the node
 * @param bufferResponse      bytes of a response read ahead of a client that does not take them
 * @param minRequestRate      bytes per second a request body must keep up, counted once
 *                            {@code timeouts.client_body} has passed since it began; 0 for no minimum
 * @param requestDeadline     the whole request body must arrive within this
 * @param bufferRequestFile   bytes of one request body read into a temporary file before its slot
 *                            is taken (memory and file together); 0 for no file
 * @param bufferFilesTotal    bytes of request bodies in temporary files at once on the node
 * @param tempDir             the directory of those files; empty for the system's temporary directory
 */
public record BodiesConfig(long bufferRequest, long bufferRequestsTotal, long bufferResponse, long minRequestRate,
                           Duration requestDeadline, long bufferRequestFile, long bufferFilesTotal, String tempDir) {

    private static final long MIB = 1024 * 1024;

    /**
     * 1 MiB per request and 32 MiB for the node in memory; then 64 MiB per request and 1 GiB for the
     * node in temporary files; 1 MiB per response; at least 500 bytes/s (Apache's
     * {@code mod_reqtimeout} default); a body within an hour.
     */
    public static final BodiesConfig DEFAULTS = new BodiesConfig(MIB, 32 * MIB, MIB, 500, Duration.ofHours(1),
            64 * MIB, 1024 * MIB, "");

    /** The bounds of earlier releases, without the file stage's settings (its defaults). */
    public BodiesConfig(long bufferRequest, long bufferRequestsTotal, long bufferResponse, long minRequestRate,
                        Duration requestDeadline) {
        this(bufferRequest, bufferRequestsTotal, bufferResponse, minRequestRate, requestDeadline,
                DEFAULTS.bufferRequestFile, DEFAULTS.bufferFilesTotal, DEFAULTS.tempDir);
    }

    /** Validates the bounds. */
    public BodiesConfig {
        Objects.requireNonNull(requestDeadline, "requestDeadline");
        if (bufferRequest < 0 || bufferRequest > 1024 * MIB) {
            throw new IllegalArgumentException("buffer_request: " + bufferRequest + " (expected: 0 to 1 GiB)");
        }
        if (bufferRequestsTotal < bufferRequest || bufferRequestsTotal > 64L * 1024 * MIB) {
            throw new IllegalArgumentException("buffer_requests_total: " + bufferRequestsTotal
                    + " (expected: at least buffer_request, at most 64 GiB)");
        }
        if (bufferResponse < 64 * 1024 || bufferResponse > 1024 * MIB) {
            throw new IllegalArgumentException("buffer_response: " + bufferResponse + " (expected: 64 KiB to 1 GiB)");
        }
        if (minRequestRate < 0) {
            throw new IllegalArgumentException("min_request_rate: " + minRequestRate + " (expected: >= 0)");
        }
        if (requestDeadline.isNegative() || requestDeadline.isZero()) {
            throw new IllegalArgumentException("request_deadline: " + requestDeadline + " (expected: > 0)");
        }
        Objects.requireNonNull(tempDir, "tempDir");
        if (bufferRequestFile < 0 || bufferRequestFile > 64L * 1024 * MIB) {
            throw new IllegalArgumentException("buffer_request_file: " + bufferRequestFile + " (expected: 0 to 64 GiB)");
        }
        if (bufferRequestFile > 0 && bufferRequestFile < bufferRequest) {
            throw new IllegalArgumentException("buffer_request_file: " + bufferRequestFile
                    + " (expected: 0, or at least buffer_request, " + bufferRequest + ": it counts the memory buffer too)");
        }
        if (bufferFilesTotal < bufferRequestFile || bufferFilesTotal > 1024L * 1024 * MIB) {
            throw new IllegalArgumentException("buffer_files_total: " + bufferFilesTotal
                    + " (expected: at least buffer_request_file, at most 1 TiB)");
        }
    }
}
