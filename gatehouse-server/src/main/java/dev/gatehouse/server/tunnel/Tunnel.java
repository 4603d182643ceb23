package dev.gatehouse.server.tunnel;

import dev.gatehouse.server.upstream.LoopPool;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection and a backend connection joined after {@code 101 Switching Protocols}: bytes
 * flow both ways untouched until either side closes, fails or goes quiet for the idle timeout, or
 * the tunnel is closed on purpose.
 *
 * <p>Design notes. Both connections are on one event loop and everything here runs on it, so no
 * state is locked; the few fields read from other threads (counters, state) are volatile with a
 * single writer. Each side reads only while the other side's outbound buffer is under its high
 * water mark (auto-read is off; one {@code read()} brings one chunk), so at most the water mark
 * plus one chunk waits per direction. A WebSocket tunnel follows frame headers both ways
 * ({@link FrameTracker}) so that {@link #closeGracefully} can inject a Close frame between two
 * frames, never inside one. The end is decided once (the first cause wins); both connections are
 * then closed after what was written is flushed (bounded by the close deadline), and the end
 * callback runs once both are closed.
 */
public final class Tunnel {

    static final Logger LOG = LoggerFactory.getLogger(Tunnel.class);

    /** Name of the relay handler in both pipelines. */
    public static final String HANDLER = "tunnel";

    private enum State { OPEN, CLOSING, ENDED }

    private final Channel client;
    private final Channel backend;
    private final EventLoop loop;
    private final RelayHandler clientRelay;
    private final RelayHandler backendRelay;
    private final boolean webSocket;
    private final long idleNanos;
    private final long closeDeadlineNanos;
    private final TunnelInfo info;
    private final TunnelRegistry registry;
    private final Consumer<TunnelStats> onEnd;
    private final long startNanos = System.nanoTime();
    private final Instant startedAt = Instant.now();
    private volatile State state = State.OPEN;
    private volatile long bytesClientToBackend;
    private volatile long bytesBackendToClient;
    private long lastActivity = startNanos;
    private TunnelEnd end;
    private Throwable cause;
    private TunnelEnd closingReason;
    /** Who sent the first WebSocket Close while the tunnel was open: that side ended it. */
    private TunnelEnd firstClose;
    private int closeCode;
    private byte[] closeReason;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> deadline;
    private int channelsClosed;

    private Tunnel(TunnelBuilder b) {
        this.client = b.client;
        this.backend = b.backend;
        this.loop = client.eventLoop();
        this.webSocket = b.webSocket;
        this.idleNanos = b.idleTimeout.toNanos();
        this.closeDeadlineNanos = b.closeDeadline.toNanos();
        this.info = b.info;
        this.registry = b.registry;
        this.onEnd = b.onEnd;
        this.clientRelay = new RelayHandler(this, true, webSocket);
        this.backendRelay = new RelayHandler(this, false, webSocket);
        clientRelay.peer = backendRelay;
        backendRelay.peer = clientRelay;
    }

    /**
     * Starts describing a tunnel between {@code client} (a connection of the client pipeline:
     * {@code "first-byte"}, {@code "http"}, {@code "flow"}, {@code "proxy"}) and {@code backend}
     * (a connection of the upstream pipeline: {@code "http"}, {@code "upstream"}).
     */
    public static TunnelBuilder builder(Channel client, Channel backend) {
        return new TunnelBuilder(client, backend);
    }

    static Tunnel open(TunnelBuilder b) {
        if (!b.client.eventLoop().inEventLoop()) {
            throw new IllegalStateException("Tunnel.open must be called on the client connection's event loop");
        }
        if (b.backend.eventLoop() != b.client.eventLoop()) {
            throw new IllegalArgumentException("backend: on another event loop (expected: the client connection's)");
        }
        Tunnel t = new Tunnel(b);
        t.install(b.pool);
        return t;
    }

    private void install(LoopPool pool) {
        if (pool != null) {
            pool.detach(backend);
        }
        client.config().setAutoRead(false);
        backend.config().setAutoRead(false);
        // The relays go in first and hold what the HTTP handlers hand over as they are removed
        // (bytes a decoder had buffered past the upgrade, the flow handler's queue), so nothing
        // is lost and nothing is written through a codec that is about to go.
        insert(client.pipeline(), "proxy", clientRelay);
        remove(client.pipeline(), "first-byte");
        remove(client.pipeline(), "http");
        remove(client.pipeline(), "flow");
        insert(backend.pipeline(), "upstream", backendRelay);
        remove(backend.pipeline(), "http");
        if (registry != null) {
            registry.register(this);
        }
        scheduleIdleCheck(idleNanos);
        clientRelay.start();
        backendRelay.start();
        // The 101 head the proxy wrote may still be unflushed.
        client.flush();
        backendRelay.flushIfPending();
        if (!client.isActive()) {
            finish(TunnelEnd.CLIENT_CLOSED, null);
        } else if (!backend.isActive()) {
            finish(TunnelEnd.BACKEND_CLOSED, null);
        } else if (state != State.ENDED) {
            clientRelay.requestRead();
            backendRelay.requestRead();
        }
    }

    private static void insert(ChannelPipeline p, String before, ChannelHandler relay) {
        if (p.get(before) != null) {
            p.addBefore(before, HANDLER, relay);
        } else {
            p.addLast(HANDLER, relay);
        }
    }

    private static void remove(ChannelPipeline p, String name) {
        if (p.get(name) != null) {
            p.remove(name);
        }
    }

    /**
     * Ends the tunnel politely. For WebSocket: at the next frame boundary of each direction the
     * client gets a Close frame with {@code code} and {@code reason} and the backend a masked one,
     * and data after them is no longer forwarded; both connections close once both peers answered
     * with their Close (which is swallowed, each side already got one), or at the close deadline.
     * Otherwise both connections are closed once what was written is flushed. Does nothing on a
     * tunnel already closing or ended. Any thread may call it.
     *
     * @param code   a close code that may be sent, e.g. 1001 (going away) or 1012 (service restart)
     * @param reason a short text, cut to 123 UTF-8 bytes; may be empty
     * @throws IllegalArgumentException on a code that must not be sent (1004-1006, 1015, ...)
     */
    public void closeGracefully(int code, String reason) {
        CloseFrames.checkCode(code);
        byte[] reasonBytes = CloseFrames.reasonBytes(reason);
        onLoop(() -> beginClose(code, reasonBytes, TunnelEnd.POLICY_CLOSE));
    }

    /** Closes both connections once what was written is flushed, without Close frames. Any thread. */
    public void close() {
        onLoop(() -> finish(TunnelEnd.POLICY_CLOSE, null));
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // The loop is shutting down and closes its connections anyway.
            LOG.debug("{} tunnel close not scheduled: {}", client.id(), e.toString());
        }
    }

    private void beginClose(int code, byte[] reason, TunnelEnd why) {
        if (state != State.OPEN) {
            return;
        }
        if (!webSocket) {
            finish(why, null);
            return;
        }
        state = State.CLOSING;
        closingReason = why;
        closeCode = code;
        closeReason = reason;
        cancel(idleTimer);
        deadline = loop.schedule(() -> finish(closingReason, null), closeDeadlineNanos, TimeUnit.NANOSECONDS);
        backendRelay.closingStarted();
        clientRelay.closingStarted();
    }

    /** During a graceful close: ends once both directions are cut and both peers sent their Close. */
    void checkGoodbyes() {
        if (state == State.CLOSING && clientRelay.cut && backendRelay.cut
                && clientRelay.tracker.closeFramesEnded() > 0 && backendRelay.tracker.closeFramesEnded() > 0) {
            finish(closingReason, null);
        }
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleTimer = loop.schedule(this::idleCheck, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void idleCheck() {
        if (state != State.OPEN) {
            return;
        }
        long quiet = System.nanoTime() - lastActivity;
        if (quiet >= idleNanos) {
            LOG.debug("{} tunnel idle for {} ms, closing", client.id(), TimeUnit.NANOSECONDS.toMillis(quiet));
            beginClose(1001, CloseFrames.reasonBytes("idle timeout"), TunnelEnd.IDLE);
        } else {
            scheduleIdleCheck(idleNanos - quiet);
        }
    }

    void bytesRead(boolean fromClient, int n) {
        lastActivity = System.nanoTime();
        if (fromClient) {
            bytesClientToBackend += n;
        } else {
            bytesBackendToClient += n;
        }
    }

    void closeFrameSeen(boolean fromClient) {
        if (firstClose == null && state == State.OPEN) {
            firstClose = fromClient ? TunnelEnd.CLIENT_CLOSED : TunnelEnd.BACKEND_CLOSED;
        }
    }

    void closed(RelayHandler side) {
        // After a Close handshake the server side usually drops TCP first; the end belongs to
        // whoever sent the first Close.
        TunnelEnd why = state == State.CLOSING ? closingReason
                : firstClose != null ? firstClose
                : side.onClient ? TunnelEnd.CLIENT_CLOSED : TunnelEnd.BACKEND_CLOSED;
        finish(why, null);
    }

    void failed(RelayHandler side, Throwable failure) {
        if (state == State.ENDED) {
            return;
        }
        String who = side.onClient ? "client" : "backend";
        if (failure instanceof IOException) {
            LOG.debug("{} tunnel {} connection failed: {}", client.id(), who, failure.toString());
        } else {
            LOG.warn("{} tunnel {} connection failed: {}", client.id(), who, failure.toString(), failure);
        }
        if (state == State.CLOSING) {
            // A peer that resets after (or instead of) its Close reply: the close was still ours.
            finish(closingReason, null);
        } else {
            finish(TunnelEnd.ERROR, failure);
        }
    }

    private void finish(TunnelEnd why, Throwable failure) {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        end = why;
        cause = failure;
        cancel(idleTimer);
        cancel(deadline);
        closeAfterFlush(client);
        closeAfterFlush(backend);
        // A peer that does not read would hold the flush, and so the close, forever.
        deadline = loop.schedule(() -> {
            client.close();
            backend.close();
        }, closeDeadlineNanos, TimeUnit.NANOSECONDS);
        ChannelFutureListener closedOne = f -> channelClosed();
        client.closeFuture().addListener(closedOne);
        backend.closeFuture().addListener(closedOne);
        // Keep reading (and dropping) until the close, so bytes left unread do not turn it into a reset.
        clientRelay.requestRead();
        backendRelay.requestRead();
    }

    private static void closeAfterFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }

    private void channelClosed() {
        if (++channelsClosed != 2) {
            return;
        }
        cancel(deadline);
        if (registry != null) {
            registry.remove(this);
        }
        TunnelStats stats = new TunnelStats(bytesClientToBackend, bytesBackendToClient,
                System.nanoTime() - startNanos, end, cause);
        LOG.debug("{} tunnel ended: {}", client.id(), stats);
        if (onEnd != null) {
            try {
                onEnd.accept(stats);
            } catch (RuntimeException e) {
                LOG.warn("{} tunnel end callback failed: {}", client.id(), e.toString(), e);
            }
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    boolean ended() {
        return state == State.ENDED;
    }

    boolean closing() {
        return state == State.CLOSING;
    }

    int closeCode() {
        return closeCode;
    }

    byte[] closeReason() {
        return closeReason;
    }

    /** Where the tunnel goes, as given to the builder; null when none was given. */
    public TunnelInfo info() {
        return info;
    }

    /** When the tunnel was opened (wall clock, for status displays). */
    public Instant startedAt() {
        return startedAt;
    }

    /** Whether WebSocket frames are followed (and a graceful close sends Close frames). */
    public boolean isWebSocket() {
        return webSocket;
    }

    /** False once the end was decided (the connections may still be flushing). Any thread. */
    public boolean isOpen() {
        return state != State.ENDED;
    }

    /** Bytes read from the client so far. Any thread. */
    public long bytesClientToBackend() {
        return bytesClientToBackend;
    }

    /** Bytes read from the backend so far. Any thread. */
    public long bytesBackendToClient() {
        return bytesBackendToClient;
    }

    /** Most bytes seen waiting to be sent to the client: bounded by its high water mark plus one chunk. */
    public long maxPendingToClient() {
        return clientRelay.maxPending;
    }

    /** Most bytes seen waiting to be sent to the backend, likewise bounded. */
    public long maxPendingToBackend() {
        return backendRelay.maxPending;
    }

    /** The client connection (its id names the tunnel in logs). */
    public Channel client() {
        return client;
    }

    @Override
    public String toString() {
        return "Tunnel[" + client.id() + " -> " + Objects.requireNonNullElse(info, backend.remoteAddress()) + "]";
    }
}
