package dev.gatehouse.server.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import java.util.ArrayList;
import java.util.List;

/**
 * The request body parts kept so that a retry can send them again to another backend. Parts are
 * kept as retained duplicates (the original goes to the backend, the memory is shared) while the
 * body fits the limit; past it everything kept is released and the body can no longer be replayed.
 * Owned by one exchange, on its event loop; {@link #release} must be called when it ends.
 */
final class BodyReplay {

    private final long limit;
    private final List<HttpContent> parts = new ArrayList<>(4);
    private long bytes;
    private boolean spent;

    BodyReplay(long limit) {
        this.limit = limit;
    }

    /** Keeps a duplicate of {@code content} if the body so far fits the limit. Does not take ownership. */
    void keep(HttpContent content) {
        if (spent) {
            return;
        }
        long n = content.content().readableBytes();
        if (bytes + n > limit) {
            release();
            spent = true;
            return;
        }
        parts.add(content.retainedDuplicate());
        bytes += n;
    }

    /**
     * Keeps {@code content} whatever the limit: a part that arrived while a retry was connecting has
     * no backend yet and must be sent to the next one. Takes ownership.
     */
    void hold(HttpContent content) {
        parts.add(content);
        bytes += content.content().readableBytes();
    }

    /** Whether every part read from the client so far is kept. */
    boolean replayable() {
        return !spent;
    }

    /** Writes duplicates of the kept parts to {@code ch}, in order, without flushing. */
    void writeTo(Channel ch) {
        for (HttpContent part : parts) {
            ch.write(part.retainedDuplicate(), ch.voidPromise());
        }
    }

    /** Releases every part kept. */
    void release() {
        for (HttpContent part : parts) {
            part.release();
        }
        parts.clear();
        bytes = 0;
    }
}
