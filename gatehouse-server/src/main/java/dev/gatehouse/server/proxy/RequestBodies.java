package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.BodiesConfig;

/**
 * The node's storage for request bodies read before their backend slot ({@code bodies}), shared
 * by every listener: the bytes buffered in memory and their bound, and the temporary files past
 * it. Thread-safe.
 *
 * @param memory request body bytes buffered in memory ({@code buffer_requests_total})
 * @param files  the temporary files ({@code buffer_request_file}, {@code buffer_files_total})
 */
public record RequestBodies(BodyBudget memory, BodySpools files) implements AutoCloseable {

    /**
     * The storage {@code config} describes.
     *
     * @throws IllegalArgumentException when the file stage is on and its directory is not writable
     */
    public static RequestBodies of(BodiesConfig config) {
        return new RequestBodies(new BodyBudget(config.bufferRequestsTotal()), new BodySpools(config));
    }

    /** Stops the file stage's I/O thread once what is queued has run. */
    @Override
    public void close() {
        files.close();
    }
}
