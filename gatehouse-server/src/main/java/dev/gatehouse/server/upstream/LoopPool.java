package dev.gatehouse.server.upstream;

import dev.gatehouse.core.config.HostPort;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The backend connections of one event loop. Confined to that loop: no method may be called from
 * another thread, and so none takes a lock.
 *
 * <p>Idle connections are kept per backend, most recently used first, so that the least recently
 * used age out; at most {@code maxIdle} per backend; a sweep closes those idle longer than the
 * idle timeout. A connection is only given back by its exchange when the exchange ended cleanly;
 * any other connection is closed, never reused.
 */
public final class LoopPool {

    private final EventLoop loop;
    private final BackendChannels channels;
    private final UpstreamPools parent;
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final Map<Key, ArrayDeque<Channel>> idle = new HashMap<>();
    /**
     * Connections whose backend announced it closes them ({@code Connection: close}), oldest first,
     * waiting for that close; the sweep closes those still open after {@link #CLOSE_GRACE_NANOS}.
     */
    private final ArrayDeque<Channel> closing = new ArrayDeque<>();
    /** How long a backend that announced its close is given to close first. */
    private static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    /**
     * What a pooled connection is for: a backend, and the TLS it was made with ({@code null} for
     * plain HTTP). Two pools may name the same backend with different TLS settings, and a reloaded
     * CA makes a new {@link BackendTls}: a connection is only reused by requests that would have
     * made the same one. {@code BackendTls} compares by identity.
     */
    record Key(HostPort address, BackendTls tls) {
    }

    LoopPool(EventLoop loop, BackendChannels channels, UpstreamPools parent, int maxIdle, long idleTimeoutNanos) {
        this.loop = loop;
        this.channels = channels;
        this.parent = parent;
        this.maxIdle = maxIdle;
        this.idleTimeoutNanos = idleTimeoutNanos;
        long sweepMillis = Math.max(100, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) / 2));
        loop.scheduleAtFixedRate(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Gets a plain-HTTP connection to {@code address} for {@code owner}: an idle pooled one if there
     * is one (unless {@code fresh}), else a new one. The callback may run before this method returns.
     */
    public void acquire(HostPort address, UpstreamListener owner, AcquireCallback callback, boolean fresh) {
        acquire(address, null, owner, callback, fresh);
    }

    /**
     * Gets a connection to {@code address} for {@code owner}, over TLS when {@code tls} is not
     * null: an idle pooled one made the same way if there is one (unless {@code fresh}), else a new
     * one. A new TLS connection is handed over only once its handshake succeeded; a failed
     * handshake is a failed acquire whose cause says why ({@link BackendTls#handshakeFailure}).
     * The callback may run before this method returns.
     */
    public void acquire(HostPort address, BackendTls tls, UpstreamListener owner, AcquireCallback callback, boolean fresh) {
        assert loop.inEventLoop();
        if (tls != null && tls.failure() != null) {
            callback.acquireFailed(new java.io.IOException("no TLS connection to " + address + ": " + tls.failure()));
            return;
        }
        Key key = new Key(address, tls);
        ArrayDeque<Channel> deque = fresh ? null : idle.get(key);
        if (deque != null) {
            Channel ch;
            while ((ch = deque.pollFirst()) != null) {
                if (ch.isActive()) {
                    handler(ch).owner(owner);
                    callback.acquired(ch, true);
                    return;
                }
                ch.close();
            }
        }
        InetSocketAddress remote = parent.resolve(address);
        UpstreamHandler handler = new UpstreamHandler(this, key);
        if (tls == null) {
            handler.owner(owner);
        }
        ChannelFuture f;
        try {
            f = channels.connect(loop, remote, handler);
        } catch (RuntimeException e) {
            // No socket (out of file descriptors) or no TLS handler: a failed connect like any other.
            callback.acquireFailed(e);
            return;
        }
        if (f.isDone()) {
            connected(f, key, owner, callback);
        } else {
            f.addListener((ChannelFuture done) -> connected(done, key, owner, callback));
        }
    }

    /**
     * A new connection is up (or failed). A TLS connection gets its owner only once its handshake
     * succeeded: before that, the TLS handler's own reads and writability changes are not the
     * exchange's business (they would start its client timers on a connection it does not have yet).
     */
    private void connected(ChannelFuture f, Key key, UpstreamListener owner, AcquireCallback callback) {
        Channel ch = f.channel();
        if (!f.isSuccess()) {
            handler(ch).owner(null);
            callback.acquireFailed(f.cause());
            return;
        }
        SslHandler ssl = key.tls() == null ? null : ch.pipeline().get(SslHandler.class);
        if (ssl == null) {
            callback.acquired(ch, false);
            return;
        }
        // A pooled TLS connection is always one whose handshake succeeded, so only new ones wait here.
        ssl.handshakeFuture().addListener(done -> {
            if (done.isSuccess()) {
                handler(ch).owner(owner);
                callback.acquired(ch, false);
            } else {
                discard(ch);
                callback.acquireFailed(key.tls().handshakeFailure(key.address(), done.cause()));
            }
        });
        // Auto-read is off: the handshake's first read must be asked for (the handler asks for the rest).
        ch.read();
    }

    /**
     * Gives a connection back after a clean exchange; closes it instead when the pool for its
     * backend is full or the node is closing.
     */
    public void release(Channel ch) {
        assert loop.inEventLoop();
        UpstreamHandler h = handler(ch);
        if (h.detached()) {
            // Its new holder (a tunnel) closes it; a late give-back must neither pool nor close it.
            return;
        }
        h.owner(null);
        if (!ch.isActive() || parent.isClosed()) {
            ch.close();
            return;
        }
        ArrayDeque<Channel> deque = idle.computeIfAbsent(h.key(), k -> new ArrayDeque<>());
        if (deque.size() >= maxIdle) {
            ch.close();
            return;
        }
        h.idleSince = System.nanoTime();
        deque.addFirst(ch);
        // Keep a read pending while idle, so that a backend closing the connection (or sending
        // anything unasked) is noticed now rather than by the next request.
        ch.read();
    }

    /**
     * Takes a connection out of this pool's bookkeeping for good, for a holder that outlives its
     * exchange (a tunnel after {@code 101 Switching Protocols}): its owner is cleared, it is never
     * pooled again ({@link #release} ignores it) and its close is still counted in
     * {@link UpstreamPools#openConnections()}. The new holder must insert its own handler before
     * {@code "upstream"} and not pass reads on, since the pool's handler closes a connection that
     * sends bytes nobody asked for. Must be called on this pool's event loop.
     */
    public void detach(Channel ch) {
        assert loop.inEventLoop();
        UpstreamHandler h = handler(ch);
        h.detach();
        forget(ch, h.key());
    }

    /**
     * Ends a connection that must not be reused. When its backend answered in full and said it
     * closes the connection (gunicorn's sync workers do after every answer), the backend is let
     * close first: the connection reads until then and is closed by the sweep if the backend has
     * not within {@link #CLOSE_GRACE_NANOS}. Whoever closes first keeps the connection's port in
     * TIME_WAIT for a minute; on the node's side, at hundreds of new connections a second to one
     * backend, that would use up the ephemeral ports. Any other connection is closed now.
     */
    public void discard(Channel ch) {
        UpstreamHandler h = handler(ch);
        h.owner(null);
        if (h.peerCloses() && ch.isActive() && !parent.isClosed()) {
            h.idleSince = System.nanoTime();
            closing.addLast(ch);
            // Auto-read is off: ask for the read that sees the backend's close.
            ch.read();
            return;
        }
        ch.close();
    }

    /** Number of idle connections to one backend, plain or over TLS; for tests and status. */
    public int idleCount(HostPort address) {
        int n = 0;
        for (Map.Entry<Key, ArrayDeque<Channel>> e : idle.entrySet()) {
            if (e.getKey().address().equals(address)) {
                n += e.getValue().size();
            }
        }
        return n;
    }

    void forget(Channel ch, Key key) {
        ArrayDeque<Channel> deque = idle.get(key);
        if (deque != null) {
            deque.remove(ch);
        }
        // Backends close in about the order they answered: the channel is near the head.
        if (!closing.isEmpty()) {
            closing.remove(ch);
        }
    }

    UpstreamPools parent() {
        return parent;
    }

    void loopExecute(Runnable task) {
        loop.execute(task);
    }

    void closeIdle() {
        Channel c;
        while ((c = closing.pollFirst()) != null) {
            c.close();
        }
        for (ArrayDeque<Channel> deque : idle.values()) {
            Channel ch;
            while ((ch = deque.pollFirst()) != null) {
                ch.close();
            }
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        Channel late;
        while ((late = closing.peekFirst()) != null && now - handler(late).idleSince >= CLOSE_GRACE_NANOS) {
            closing.pollFirst();
            late.close();
        }
        for (Iterator<ArrayDeque<Channel>> it = idle.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Channel> deque = it.next();
            Channel oldest;
            while ((oldest = deque.peekLast()) != null && now - handler(oldest).idleSince >= idleTimeoutNanos) {
                deque.pollLast();
                oldest.close();
            }
            if (deque.isEmpty()) {
                it.remove();
            }
        }
    }

    private static UpstreamHandler handler(Channel ch) {
        return (UpstreamHandler) ch.pipeline().get(UpstreamInitializer.HANDLER);
    }
}
