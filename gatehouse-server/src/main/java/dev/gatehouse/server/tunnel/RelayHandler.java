package dev.gatehouse.server.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * One side of a tunnel: reads its own connection and writes what it read to the other side's
 * connection (through the other side's handler). Sits where the HTTP handlers were, in front of
 * the proxy's or the pool's handler, and passes on only {@code channelInactive} and user events,
 * so that those handlers keep counting connections but never see the tunnel's bytes.
 *
 * <p>Loop-confined: both connections of a tunnel are on one event loop.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final Tunnel tunnel;
    /** Sits on the client connection: reads the client, writes the backend. */
    final boolean onClient;
    /** Follows this side's frames when the tunnel carries WebSocket; null otherwise. */
    final FrameTracker tracker;
    RelayHandler peer;
    ChannelHandlerContext ctx;
    /** Bytes the removed HTTP handlers handed over while the pipelines were being changed. */
    private List<ByteBuf> held = new ArrayList<>(2);
    private boolean readPaused;
    private boolean flushPending;
    /** Graceful close: this side's stream was cut at a frame boundary; what follows is swallowed. */
    boolean cut;
    /** Largest number of bytes seen waiting in this connection's outbound buffer after a write. */
    volatile long maxPending;

    RelayHandler(Tunnel tunnel, boolean onClient, boolean webSocket) {
        this.tunnel = tunnel;
        this.onClient = onClient;
        this.tracker = webSocket ? new FrameTracker() : null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            // The tail of the HTTP exchange the removed codecs still had (the upgrade request's or
            // the 101's empty last content): not part of the tunnel's byte stream.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (held != null) {
            held.add(buf);
            return;
        }
        accept(buf);
    }

    /** Relays bytes handed over while the pipelines changed; called once they are ready. */
    void start() {
        List<ByteBuf> bufs = held;
        held = null;
        for (int i = 0; i < bufs.size(); i++) {
            ByteBuf buf = bufs.get(i);
            bufs.set(i, null);
            accept(buf);
        }
    }

    private void releaseHeld() {
        if (held != null) {
            held.forEach(ReferenceCountUtil::safeRelease);
            held.clear();
        }
    }

    private void accept(ByteBuf buf) {
        if (tunnel.ended()) {
            buf.release();
            return;
        }
        tunnel.bytesRead(onClient, buf.readableBytes());
        try {
            relay(buf);
        } catch (RuntimeException e) {
            tunnel.failed(this, e);
        }
    }

    private void relay(ByteBuf buf) {
        if (tracker == null) {
            peer.send(buf);
            return;
        }
        if (cut) {
            swallow(buf);
            return;
        }
        int start = buf.readerIndex();
        int length = buf.readableBytes();
        boolean closing = tunnel.closing();
        long closesBefore = tracker.closeFramesEnded();
        int followed;
        try {
            followed = closing && tracker.atBoundary() ? 0 : tracker.feed(buf, start, length, closing);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        if (tracker.closeFramesEnded() > closesBefore) {
            tunnel.closeFrameSeen(onClient);
        }
        if (!closing || followed == length && !tracker.atBoundary()) {
            peer.send(buf);
            return;
        }
        // Closing, and this side's stream is now at a frame boundary: forward up to it, cut there.
        if (followed > 0) {
            peer.send(buf.retainedSlice(start, followed));
        }
        buf.skipBytes(followed);
        cutHere();
        swallow(buf);
    }

    /** The tunnel started closing: cut now if this side is between frames, else at the next boundary. */
    void closingStarted() {
        if (tunnel.closing() && !cut && tracker.atBoundary()) {
            cutHere();
        }
    }

    private void cutHere() {
        cut = true;
        if (tracker.closeFramesEnded() == 0) {
            // This side has not said goodbye itself, so the other side still needs a Close frame.
            // Frames towards a backend are client-to-server frames and must be masked.
            peer.sendClose(onClient);
        }
        peer.flushIfPending();
        if (readPaused) {
            requestRead();
        }
        tunnel.checkGoodbyes();
    }

    /** After the cut: follow frames only to notice this side's Close, and drop the bytes. */
    private void swallow(ByteBuf buf) {
        try {
            if (buf.isReadable()) {
                tracker.feed(buf, buf.readerIndex(), buf.readableBytes(), false);
            }
        } finally {
            buf.release();
        }
        tunnel.checkGoodbyes();
    }

    private void send(ByteBuf buf) {
        ctx.write(buf, ctx.voidPromise());
        flushPending = true;
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (out != null) {
            long pending = out.totalPendingWriteBytes();
            if (pending > maxPending) {
                maxPending = pending;
            }
        }
    }

    private void sendClose(boolean masked) {
        send(CloseFrames.encode(ctx.alloc(), tunnel.closeCode(), tunnel.closeReason(), masked));
    }

    void flushIfPending() {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    /** Asks for the next chunk only while the other side can take it (or it is being dropped). */
    void requestRead() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (tunnel.ended() || cut || peer.ctx.channel().isWritable()) {
            readPaused = false;
            ctx.read();
        } else {
            readPaused = true;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (held != null) {
            return;
        }
        peer.flushIfPending();
        requestRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // This connection drained below its low water mark: the side writing into it may read again.
        if (ctx.channel().isWritable() && peer.readPaused) {
            peer.requestRead();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        tunnel.failed(this, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        tunnel.closed(this);
        ctx.fireChannelInactive();
    }
}
