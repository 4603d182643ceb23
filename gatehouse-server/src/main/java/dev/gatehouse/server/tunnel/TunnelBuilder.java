package dev.gatehouse.server.tunnel;

import dev.gatehouse.server.upstream.LoopPool;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Describes a tunnel, then opens it. Obtained from {@link Tunnel#builder}; a bad setting fails at
 * once with a message that names it.
 */
public final class TunnelBuilder {

    /** HAProxy's usual {@code timeout tunnel}: long-lived sessions, but not forever. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
    /** How long a graceful close waits for the peers' Close replies, and a close for its flush. */
    public static final Duration DEFAULT_CLOSE_DEADLINE = Duration.ofSeconds(2);

    final Channel client;
    final Channel backend;
    LoopPool pool;
    boolean webSocket;
    Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    Duration closeDeadline = DEFAULT_CLOSE_DEADLINE;
    TunnelInfo info;
    TunnelRegistry registry;
    Consumer<TunnelStats> onEnd;

    TunnelBuilder(Channel client, Channel backend) {
        this.client = Objects.requireNonNull(client, "client");
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** The pool the backend connection came from; it is detached from it for good. */
    public TunnelBuilder pool(LoopPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
        return this;
    }

    /** Whether the upgrade was to {@code websocket}: frames are then followed both ways. */
    public TunnelBuilder webSocket(boolean webSocket) {
        this.webSocket = webSocket;
        return this;
    }

    /** No byte either way for this long ends the tunnel (WebSocket: Close 1001). Default 1 h. */
    public TunnelBuilder idleTimeout(Duration idleTimeout) {
        this.idleTimeout = positive("idleTimeout", idleTimeout);
        return this;
    }

    /** Bound on a graceful close's wait for Close replies and on a close's flush. Default 2 s. */
    public TunnelBuilder closeDeadline(Duration closeDeadline) {
        this.closeDeadline = positive("closeDeadline", closeDeadline);
        return this;
    }

    /** Registers the tunnel in {@code registry} under {@code info} while it is open. */
    public TunnelBuilder registry(TunnelRegistry registry, TunnelInfo info) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.info = Objects.requireNonNull(info, "info");
        return this;
    }

    /** Where the tunnel goes, without registering it (for logs and the end callback's caller). */
    public TunnelBuilder info(TunnelInfo info) {
        this.info = Objects.requireNonNull(info, "info");
        return this;
    }

    /** Told once, on the tunnel's event loop, when both connections are closed. */
    public TunnelBuilder onEnd(Consumer<TunnelStats> onEnd) {
        this.onEnd = Objects.requireNonNull(onEnd, "onEnd");
        return this;
    }

    /**
     * Joins the two connections: detaches the backend connection from its pool, replaces the
     * HTTP handlers of both pipelines with the tunnel's relays (bytes the decoders had buffered
     * past the upgrade are relayed, not lost) and starts relaying.
     *
     * <p>The caller must call it on the connections' event loop (both must share it), after it
     * wrote the 101 head (and its empty last content) to the client, and before the upstream
     * decoder hands on anything after the 101: that is, from within the
     * {@link dev.gatehouse.server.upstream.UpstreamListener#upstreamRead} call that delivered the
     * 101 or its {@code LastHttpContent}. The caller must not read or write either connection
     * afterwards, nor give the backend connection back to its pool.
     *
     * @throws IllegalStateException    when called off the client connection's event loop
     * @throws IllegalArgumentException when the connections are on different event loops
     */
    public Tunnel open() {
        return Tunnel.open(this);
    }

    private static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
        return d;
    }
}
