package dev.gatehouse.server;

import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.server.proxy.RequestBodies;
import dev.gatehouse.server.trace.SpanExport;

/**
 * What every listener's requests share on a node besides the pools: the buffered request bodies
 * (memory and temporary files, bounded node-wide) and the span export, or null without
 * {@code tracing.otlp}. Made when the listeners bind; closed after they drained, so that the last
 * requests' spans are exported and their bodies' files are gone.
 */
record RequestResources(RequestBodies bodies, SpanExport spans) implements AutoCloseable {

    /** The resources a configuration asks for. */
    static RequestResources of(GatehouseConfig config) {
        return new RequestResources(RequestBodies.of(config.bodies()), SpanExport.of(config.tracing().otlp()));
    }

    @Override
    public void close() {
        if (spans != null) {
            spans.close();
        }
        bodies.close();
    }
}
