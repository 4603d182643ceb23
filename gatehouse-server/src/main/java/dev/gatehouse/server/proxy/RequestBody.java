package dev.gatehouse.server.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;

/**
 * The request body as the exchange sees it across its tries: how much arrived, whether it is
 * complete, whether the client is paused, and the parts kept so that a retry can send them again
 * ({@link BodyReplay}). Loop-confined; {@link #release} must be called when the exchange ends.
 */
final class RequestBody {

    /** Bytes of body kept for a replay at most (the pool's {@code retries.buffer_body}, known once routed). */
    private long keepLimit;
    private long bytes;
    /** The client's last request part arrived (and was sent on when a backend connection exists). */
    private boolean done;
    /** The client is not read: the backend cannot take more body, or a retry is connecting. */
    private boolean paused;
    /** The parts kept for a retry; null until a part arrives (or retries are off). */
    private BodyReplay replay;

    /** Sets how much body may be kept for a replay: the pool's {@code retries.buffer_body}. */
    void keepLimit(long keepLimit) {
        this.keepLimit = keepLimit;
    }

    /** Why the last refused part was refused. */
    private String refusal;

    /**
     * Counts a part that arrived and says whether it must be refused: malformed (400), or the body
     * over {@code max} bytes in all (413; 0 for no limit). A refused part is released.
     *
     * @return the error to answer, or {@code null} when the part is acceptable
     */
    ProxyError refuse(HttpContent content, long max) {
        if (content.decoderResult().isFailure()) {
            refusal = "malformed request body: " + content.decoderResult().cause().getMessage();
            content.release();
            return ProxyError.BAD_REQUEST;
        }
        bytes += content.content().readableBytes();
        if (max > 0 && bytes > max) {
            refusal = "max_request_body: request body over " + max + " bytes";
            content.release();
            return ProxyError.BODY_TOO_LARGE;
        }
        return null;
    }

    /** Why {@link #refuse} refused the last part. */
    String refusal() {
        return refusal;
    }

    /** Counts bytes a tunnel carried from the client (after the upgrade request). */
    void countTunnelled(long n) {
        bytes += n;
    }

    long bytes() {
        return bytes;
    }

    boolean done() {
        return done;
    }

    void done(boolean done) {
        this.done = done;
    }

    /** Whether any of the body was read from the client (a retry must then replay it). */
    boolean started() {
        return bytes > 0 || done;
    }

    boolean paused() {
        return paused;
    }

    void paused(boolean paused) {
        this.paused = paused;
    }

    /** Keeps a duplicate of a part on its way to the backend, while the body fits the limit. */
    void keep(HttpContent content) {
        replay().keep(content);
    }

    /** Holds a part that has no backend yet (a retry is connecting). Takes ownership. */
    void hold(HttpContent content) {
        replay().hold(content);
    }

    /** Whether every part read so far is kept. */
    boolean replayable() {
        return replay != null && replay.replayable();
    }

    /** Writes the kept parts to {@code ch} without flushing; false when none are kept. */
    boolean writeKept(Channel ch) {
        if (replay == null) {
            return false;
        }
        replay.writeTo(ch);
        return true;
    }

    /** Releases what is kept. */
    void release() {
        if (replay != null) {
            replay.release();
            replay = null;
        }
    }

    private BodyReplay replay() {
        if (replay == null) {
            replay = new BodyReplay(keepLimit);
        }
        return replay;
    }
}
