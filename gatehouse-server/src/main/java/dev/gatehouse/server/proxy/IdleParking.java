package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.server.codec.ClientCodec;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Parks the idle HTTP/1.1 keep-alive connections of one listener, so that a connection waiting for
 * its next request costs little more than Netty's channel: once it has waited {@link #parkAfter()}
 * ({@code client_idle / 4}, at most 1 s) with nothing buffered, its codec, flow-control and
 * first-byte handlers leave the pipeline and its two timers are dropped; the proxy handler alone
 * stays, and the next bytes put everything back ({@link #install}) before they are read, exactly
 * as a new request on an idle connection is read. A connection busy with request after request is
 * never parked, so the request path pays nothing for it but one check per request.
 *
 * <p>Timing. One task per event loop (and listener), scheduled only while some connection of the
 * loop is idle or parked, looks at each of them every {@link #parkAfter()}: it parks the ones idle
 * long enough and closes the parked ones idle past {@code client_idle}, as their client timer would
 * have, at most {@link #parkAfter()} late. A parked connection thus needs no timer of its own. The
 * first request of a connection, a request head under way, a body, a response the client does not
 * read, a drain: none of these is idle, none is parked.
 *
 * <p>Thread-safe: every connection is looked after on its own loop, by that loop's sweep.
 */
final class IdleParking {

    /** Parking waits at most this long; less when {@code client_idle} is short. */
    private static final long MAX_PARK_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Below this {@code client_idle} parking saves too little for the sweeps it costs: none. */
    private static final long MIN_CLIENT_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(40);

    private final LimitsConfig limits;
    private final long clientIdle;
    private final long parkAfter;
    private final FastThreadLocal<Sweep> sweeps = new FastThreadLocal<>();

    /**
     * @param clientIdle the listener's {@code client_idle}, in nanoseconds
     * @param limits     the listener's limits, for the codec a parked connection gets back
     */
    IdleParking(long clientIdle, LimitsConfig limits) {
        this.limits = limits;
        this.clientIdle = clientIdle;
        this.parkAfter = clientIdle < MIN_CLIENT_IDLE_NANOS ? 0 : Math.min(MAX_PARK_AFTER_NANOS, clientIdle / 4);
    }

    /** How long a connection waits for its next request before it is parked; 0 when none is. */
    long parkAfter() {
        return parkAfter;
    }

    /**
     * Installs the HTTP/1.1 handlers in front of the proxy handler named {@code proxyName} in
     * {@code p}, or at the end of {@code p} when that is null (the proxy handler comes next):
     * first-byte detection, the strict codec, flow control (one decoded message per read). For a
     * new connection and for a parked one that is read again.
     */
    void install(ChannelPipeline p, String proxyName, FirstByteHandler firstByte) {
        add(p, proxyName, "first-byte", firstByte);
        add(p, proxyName, "http", ClientCodec.of(limits));
        add(p, proxyName, "flow", new FlowControlHandler());
    }

    private static void add(ChannelPipeline p, String before, String name, ChannelHandler handler) {
        if (before == null) {
            p.addLast(name, handler);
        } else {
            p.addBefore(before, name, handler);
        }
    }

    /** Takes out what {@link #install} put in. */
    static void uninstall(ChannelPipeline p) {
        p.remove("first-byte");
        p.remove("http");
        p.remove("flow");
    }

    /**
     * The connection waits for its next request: from now on the sweep of its loop looks after it.
     * Call on its loop.
     */
    void idle(ProxyHandler connection, EventLoop loop) {
        if (parkAfter == 0 || connection.swept) {
            return;
        }
        Sweep sweep = sweeps.getIfExists();
        if (sweep == null) {
            sweep = new Sweep(loop);
            sweeps.set(sweep);
        }
        connection.swept = true;
        sweep.add(connection);
    }

    /** One loop's connections that were idle when last seen, and the task that looks at them. */
    private final class Sweep implements Runnable {

        private final EventLoop loop;
        private final ArrayDeque<ProxyHandler> connections = new ArrayDeque<>();
        private boolean scheduled;

        Sweep(EventLoop loop) {
            this.loop = loop;
        }

        void add(ProxyHandler connection) {
            connections.add(connection);
            if (!scheduled) {
                scheduled = true;
                loop.schedule(this, parkAfter, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void run() {
            scheduled = false;
            long now = System.nanoTime();
            for (int i = connections.size(); i > 0; i--) {
                ProxyHandler c = connections.poll();
                if (c.sweep(now, parkAfter, clientIdle)) {
                    connections.add(c);
                } else {
                    c.swept = false;
                }
            }
            if (!connections.isEmpty()) {
                scheduled = true;
                loop.schedule(this, parkAfter, TimeUnit.NANOSECONDS);
            }
        }
    }
}
