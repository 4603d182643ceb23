package dev.gatehouse.testing;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.Future;

/**
 * Receives a request body piece by piece, with backpressure: the next piece is read from the
 * socket only after {@link #onContent(ByteBuf)} returned and the future it returned (if any) has
 * completed. Called on the connection's event loop.
 */
public interface BodyConsumer {

    /**
     * Receives one piece of the body. The exchange releases {@code content} when this method
     * returns; to keep it (e.g. to write it back), call {@code content.retain()} or
     * {@code retainedDuplicate()}.
     *
     * @param content the piece, never empty
     * @return null to go on reading at once, or a future that must complete before the next
     *         piece is read (a failed future closes the connection)
     */
    Future<?> onContent(ByteBuf content);

    /**
     * Called once after the last piece.
     *
     * @param trailers the trailing headers of a chunked body; empty otherwise
     */
    void onEnd(HttpHeaders trailers);

    /**
     * Returns a consumer that drops every piece and runs {@code onEnd} when the body has ended.
     * The exchange still counts and hashes the body ({@link StubExchange#bodyBytes()}).
     *
     * @param onEnd what to do once the whole body has arrived
     * @return a new consumer
     */
    static BodyConsumer discarding(Runnable onEnd) {
        return new BodyConsumer() {
            @Override
            public Future<?> onContent(ByteBuf content) {
                return null;
            }

            @Override
            public void onEnd(HttpHeaders trailers) {
                onEnd.run();
            }
        };
    }
}
