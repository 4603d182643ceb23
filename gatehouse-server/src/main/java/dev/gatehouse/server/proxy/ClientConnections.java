package dev.gatehouse.server.proxy;

import dev.gatehouse.core.limit.ConnectionCounts;
import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The node's open client connections, so that a graceful shutdown can ask each to finish its
 * request and close, and wait until none is left; and how many each client address has open, over
 * all listeners, for {@code limits.max_connections_per_client}. Thread-safe.
 */
public final class ClientConnections {

    private final ConnectionCounts<InetAddress> perClient = new ConnectionCounts<>();

    private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
    private volatile boolean draining;
    private volatile boolean handedOver;
    private volatile long drainNanos;
    /** When the drain runs out, on {@link #nanoTime}'s scale. */
    private volatile long drainDeadline;
    private final LongSupplier nanoTime;

    /** Connections whose drain is timed by {@link System#nanoTime()}, as the node's wait for it is. */
    public ClientConnections() {
        this(System::nanoTime);
    }

    /** @param nanoTime the monotonic clock the drain's deadline is read from (tests pass their own) */
    ClientConnections(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** A connection opened: it is drained at shutdown. Call on its loop. */
    public void opened(ClientConnection h) {
        open.add(h);
        if (draining) {
            h.channel().eventLoop().execute(h::drain);
        }
    }

    /** A connection closed. */
    public void closed(ClientConnection h) {
        open.remove(h);
        if (draining && open.isEmpty()) {
            allClosed.complete(null);
        }
    }

    /** Open connections per client address (counted only when {@code max_connections_per_client} is set). */
    ConnectionCounts<InetAddress> perClient() {
        return perClient;
    }

    /** Whether a shutdown is under way: responses then say {@code Connection: close}. */
    public boolean draining() {
        return draining;
    }

    /** Whether the drain is a hitless restart's: a new process took over the listeners. */
    public boolean handedOver() {
        return handedOver;
    }

    /** How long the drain may take, in nanoseconds. */
    public long drainNanos() {
        return drainNanos;
    }

    /**
     * What is left of the drain, in nanoseconds: {@link #drainNanos()} less the time since it
     * began, 0 once it ran out. A connection told to drain late (opened during the drain) has this
     * much, not the whole drain.
     */
    public long drainNanosLeft() {
        return Math.max(0, drainDeadline - nanoTime.getAsLong());
    }

    /** Number of open client connections. */
    public int count() {
        return open.size();
    }

    /**
     * Starts draining: idle connections close at once, busy ones after their current response.
     *
     * @param handedOver whether a new process took over the listeners (a hitless restart): tunnels
     *                   then follow their pool's policy rather than end at once
     * @param within     how long the drain may take; what is left then is closed
     * @return completes when no client connection is left
     */
    public CompletableFuture<Void> drain(boolean handedOver, java.time.Duration within) {
        this.drainNanos = within.toNanos();
        this.drainDeadline = nanoTime.getAsLong() + drainNanos;
        this.handedOver = handedOver;
        draining = true;
        for (ClientConnection h : open) {
            h.channel().eventLoop().execute(h::drain);
        }
        if (open.isEmpty()) {
            allClosed.complete(null);
        }
        return allClosed;
    }

    /** Closes every connection now, whatever it is doing. */
    public void closeAll() {
        for (ClientConnection h : open) {
            h.channel().eventLoop().execute(h::closeNow);
        }
    }
}
