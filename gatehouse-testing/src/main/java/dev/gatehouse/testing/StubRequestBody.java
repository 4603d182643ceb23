package dev.gatehouse.testing;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;

/**
 * The request half of a {@link StubExchange}: the body is read only once a consumer is registered,
 * paused while the consumer's future for a piece is pending, counted and hashed as it goes, and
 * complete at its last piece. What the exchange does then (record the request, end the exchange)
 * stays the exchange's. Confined to the connection's event loop.
 */
final class StubRequestBody {

    private final BodyDigest digest = new BodyDigest();
    /** Asks the connection for the next piece once a pause ends. */
    private final Runnable pump;
    /** Closes the connection: a consumer's future failed. */
    private final Runnable abort;
    private BodyConsumer consumer;
    private boolean paused;
    private boolean complete;

    StubRequestBody(Runnable pump, Runnable abort) {
        this.pump = pump;
        this.abort = abort;
    }

    /** Whether a consumer was registered. */
    boolean started() {
        return consumer != null;
    }

    /** Registers the consumer; the caller makes sure it is the first. */
    void start(BodyConsumer c) {
        consumer = c;
    }

    /** The consumer, once registered. */
    BodyConsumer consumer() {
        return consumer;
    }

    /** Whether the next piece is welcome now. */
    boolean wants() {
        return consumer != null && !paused && !complete;
    }

    /**
     * Counts and hashes {@code piece}'s bytes and hands them to the consumer, pausing while its
     * future is pending. Does not release the piece.
     */
    void take(HttpContent piece) {
        ByteBuf content = piece.content();
        digest.update(content);
        if (content.isReadable()) {
            gate(consumer.onContent(content));
        }
    }

    /** Whether {@code piece} is the body's last. */
    static boolean isLast(HttpContent piece) {
        return piece instanceof LastHttpContent;
    }

    private void gate(Future<?> gate) {
        if (gate == null) {
            return;
        }
        if (!gate.isDone()) {
            paused = true;
            gate.addListener(f -> {
                paused = false;
                if (f.isSuccess()) {
                    pump.run();
                } else {
                    abort.run();
                }
            });
        } else if (!gate.isSuccess()) {
            abort.run();
        }
    }

    /** The last piece arrived. */
    void markComplete() {
        complete = true;
    }

    /** Whether the whole body arrived. */
    boolean complete() {
        return complete;
    }

    /** The body's length so far. */
    long bytes() {
        return digest.bytes();
    }

    /** The SHA-256 of the body so far, in lowercase hex. */
    String sha256Hex() {
        return digest.sha256Hex();
    }
}
