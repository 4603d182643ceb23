package dev.gatehouse.server.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultLastHttpContent;
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
    /** The body read before the slot is taken (a pool's request_buffering); null when not buffered. */
    private BodyBuffer buffer;
    /** The body's temporary file, once its buffer was too small; null when none. */
    private BodySpool spool;
    /** When the first part arrived, on the node's clock; 0 before. */
    private long firstPartNanos;
    /** Time the client was paused by us (the backend took no more), which does not count against it. */
    private long pausedNanos;
    private long pausedSince;

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

    /** Pauses or resumes reading the client; the time paused does not count against its rate. */
    void paused(boolean paused, long nowNanos) {
        if (paused && !this.paused) {
            pausedSince = nowNanos;
        } else if (!paused && this.paused && pausedSince != 0) {
            pausedNanos += nowNanos - pausedSince;
            pausedSince = 0;
        }
        this.paused = paused;
    }

    /**
     * Why the body arrives too slowly at {@code nowNanos}, or null: past {@code deadlineNanos}, or
     * below {@code minRate} bytes per second once {@code graceNanos} has passed (a body of
     * {@code n} bytes may take {@code grace + n / minRate}, as Apache's {@code mod_reqtimeout}
     * counts). Time from the first part on, without the time we paused the client.
     */
    String tooSlow(long nowNanos, long graceNanos, long minRate, long deadlineNanos) {
        if (firstPartNanos == 0) {
            firstPartNanos = nowNanos;
            return null;
        }
        long elapsed = nowNanos - firstPartNanos - pausedNanos - (paused && pausedSince != 0 ? nowNanos - pausedSince : 0);
        if (elapsed > deadlineNanos) {
            return "bodies.request_deadline: the request body took longer than " + deadlineNanos / 1_000_000 + " ms";
        }
        if (minRate > 0 && elapsed > graceNanos
                && (double) (elapsed - graceNanos) / 1e9 > (double) bytes / minRate) {
            return "bodies.min_request_rate: " + bytes + " bytes of request body in " + elapsed / 1_000_000
                    + " ms (expected: at least " + minRate + " bytes/s after the first "
                    + graceNanos / 1_000_000 + " ms)";
        }
        return null;
    }

    /** Starts reading the body into {@code buffer} before a slot is taken. */
    void buffer(BodyBuffer buffer) {
        this.buffer = buffer;
    }

    /** The body's buffer while it is read before a slot, else null. */
    BodyBuffer buffer() {
        return buffer;
    }

    /** Goes on buffering into {@code spool}: the memory buffer's bytes are written there first. */
    void spool(BodySpool spool) {
        this.spool = spool;
    }

    /** The body's temporary file, or null. */
    BodySpool spool() {
        return spool;
    }

    /**
     * Ends buffering: what was buffered in memory is held for the backend as one part (the last one
     * when {@code last}); its memory stays reserved until {@link #release}. A body in a temporary
     * file is sent from there first ({@link BodySpool#sendTo}): only its end, with its trailers,
     * is held when {@code last}.
     */
    void endBuffering(boolean last) {
        if (spool != null) {
            if (last) {
                DefaultLastHttpContent end = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
                if (spool.trailers() != null) {
                    end.trailingHeaders().set(spool.trailers());
                }
                replay().hold(end);
            }
        } else if (buffer != null) {
            replay().hold(buffer.drain(last));
        }
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

    /** Releases what is kept, and gives back the buffer's reservation. */
    void release() {
        if (replay != null) {
            replay.release();
            replay = null;
        }
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        if (spool != null) {
            spool.release();
            spool = null;
        }
    }

    private BodyReplay replay() {
        if (replay == null) {
            replay = new BodyReplay(keepLimit);
        }
        return replay;
    }
}
