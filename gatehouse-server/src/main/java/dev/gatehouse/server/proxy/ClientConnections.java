package dev.gatehouse.server.proxy;

import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's open client connections, so that a graceful shutdown can ask each to finish its
 * request and close, and wait until none is left. Thread-safe.
 */
public final class ClientConnections {

    private final Set<ProxyHandler> open = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
    private volatile boolean draining;

    void opened(ProxyHandler h) {
        open.add(h);
        if (draining) {
            h.channel().eventLoop().execute(h::drain);
        }
    }

    void closed(ProxyHandler h) {
        open.remove(h);
        if (draining && open.isEmpty()) {
            allClosed.complete(null);
        }
    }

    /** Whether a shutdown is under way: responses then say {@code Connection: close}. */
    boolean draining() {
        return draining;
    }

    /** Number of open client connections. */
    public int count() {
        return open.size();
    }

    /**
     * Starts draining: idle connections close at once, busy ones after their current response.
     *
     * @return completes when no client connection is left
     */
    public CompletableFuture<Void> drain() {
        draining = true;
        for (ProxyHandler h : open) {
            h.channel().eventLoop().execute(h::drain);
        }
        if (open.isEmpty()) {
            allClosed.complete(null);
        }
        return allClosed;
    }

    /** Closes every connection now, whatever it is doing. */
    public void closeAll() {
        for (ProxyHandler h : open) {
            Channel ch = h.channel();
            ch.close();
        }
    }
}
