package dev.gatehouse.server.upstream;

import dev.gatehouse.core.config.BackendTlsConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.config.TimeoutsConfig;
import dev.gatehouse.core.config.UpstreamConfig;
import dev.gatehouse.server.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * All backend connection pools of a node: one {@link LoopPool} per event loop. Backend host names
 * are resolved here, off the event loops, when a snapshot that names them is published, because
 * the JDK resolver blocks.
 */
public final class UpstreamPools {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UpstreamPools.class);

    private final BackendChannels channels;
    private final UpstreamConfig config;
    private final ConcurrentHashMap<EventLoop, LoopPool> pools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<HostPort, InetSocketAddress> resolved = new ConcurrentHashMap<>();
    /** Connected backend connections, in use or idle; changed once per connect and close, not per request. */
    private final AtomicInteger open = new AtomicInteger();
    /** The pools' TLS contexts, by configuration: pools with the same settings share one. */
    private final ConcurrentHashMap<BackendTlsConfig, PreparedTls> tls = new ConcurrentHashMap<>();
    /** The TLS settings of the pools as last prepared; only the control plane's thread touches it. */
    private Set<BackendTlsConfig> previousTls = Set.of();
    private volatile boolean closed;

    /**
     * @param transport the node's transport
     * @param config    pooling bounds
     * @param timeouts  the connect timeout is taken from here
     * @param maxResponseHeaderSize largest response header section accepted from a backend
     */
    public UpstreamPools(Transport transport, UpstreamConfig config, TimeoutsConfig timeouts, int maxResponseHeaderSize) {
        this.config = config;
        HttpDecoderConfig decoding = new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(maxResponseHeaderSize)
                .setMaxChunkSize(16 * 1024)
                .setStrictLineParsing(true)
                .setValidateHeaders(true);
        this.channels = new BackendChannels(transport,
                (int) Math.min(Integer.MAX_VALUE, timeouts.backendConnect().toMillis()),
                new WriteBufferWaterMark(32 * 1024, 64 * 1024),
                new UpstreamInitializer(decoding, timeouts.backendConnect().toMillis()));
    }

    /** The pool of the calling event loop. Must be called on {@code loop}. */
    public LoopPool forLoop(EventLoop loop) {
        LoopPool pool = pools.get(loop);
        if (pool == null) {
            pool = pools.computeIfAbsent(loop, l -> new LoopPool(
                    l, channels, this, config.maxIdlePerLoop(), config.idleTimeout().toNanos()));
        }
        return pool;
    }

    /**
     * Resolves backend addresses ahead of use. Called by the control plane, never on an event loop.
     * A name that does not resolve is kept unresolved; connecting to it then fails with a 502.
     */
    public void prepare(Collection<HostPort> addresses) {
        for (HostPort a : addresses) {
            resolved.computeIfAbsent(a, k -> {
                InetSocketAddress r = new InetSocketAddress(k.host(), k.port());
                return r.isUnresolved() ? InetSocketAddress.createUnresolved(k.host(), k.port()) : r;
            });
        }
    }

    /**
     * The socket address to connect to for a backend, as {@link #prepare} resolved it; never blocks,
     * so any thread may call it (health checks use it too).
     */
    public InetSocketAddress resolve(HostPort address) {
        InetSocketAddress r = resolved.get(address);
        // Not prepared: only IP literals reach here in practice; an unresolved address fails the connect.
        return r != null ? r : InetSocketAddress.createUnresolved(address.host(), address.port());
    }

    /**
     * Builds the TLS contexts of the pools that speak TLS to their backends, off the event loops
     * (a CA file is read): a context is built again when its configuration changed or its CA file
     * did (by size or modification time), else kept with its pooled connections. A context that
     * cannot be built is logged as an error and kept as a failure, which fails every connect to
     * the pool with its reason. {@code verify: false} is warned about each time it is built. The
     * contexts of settings no pool had in this call or the one before are dropped.
     * Called by the control plane before a snapshot is published.
     */
    public void prepareTls(Collection<PoolConfig> poolConfigs) {
        Set<BackendTlsConfig> inUse = new HashSet<>();
        for (PoolConfig pool : poolConfigs) {
            BackendTlsConfig c = pool.tls();
            if (!c.enabled()) {
                continue;
            }
            inUse.add(c);
            long stamp = stamp(c.ca());
            PreparedTls current = tls.get(c);
            if (current != null && current.stamp() == stamp) {
                continue;
            }
            BackendTls built = BackendTls.build(c);
            tls.put(c, new PreparedTls(built, stamp));
            if (built.failure() != null) {
                LOG.error("pool {}: TLS to its backends is not available, requests to them fail: {}", pool.name(), built.failure());
            } else if (!c.verify()) {
                LOG.warn("pool {}: TLS to its backends without verifying their certificates (verify: false): "
                        + "anyone on the network path can pose as a backend", pool.name());
            }
        }
        // Settings no pool had in this snapshot nor the one before go: exchanges still running on
        // the snapshot being replaced keep finding theirs (connections made with them keep theirs anyway).
        Set<BackendTlsConfig> keep = new HashSet<>(inUse);
        keep.addAll(previousTls);
        tls.keySet().retainAll(keep);
        previousTls = inUse;
    }

    /**
     * The TLS of a pool's backend connections as last prepared, or {@code null} when the pool
     * speaks plain HTTP. Any thread; never blocks.
     */
    public BackendTls tls(BackendTlsConfig config) {
        if (!config.enabled()) {
            return null;
        }
        PreparedTls p = tls.get(config);
        return p != null ? p.tls()
                : BackendTls.unavailable(config, "the TLS context was not prepared (a bug: contexts are built before a snapshot is published)");
    }

    private static long stamp(String file) {
        if (file == null) {
            return 0;
        }
        try {
            Path path = Path.of(file);
            return Files.getLastModifiedTime(path).toMillis() * 31 + Files.size(path);
        } catch (IOException | RuntimeException e) {
            // Unreadable now: building again reports why.
            return -1;
        }
    }

    private record PreparedTls(BackendTls tls, long stamp) {
    }

    /** Number of open backend connections, in use or idle in a pool (health checks not included). */
    public int openConnections() {
        return open.get();
    }

    void connectionOpened() {
        open.incrementAndGet();
    }

    void connectionClosed() {
        open.decrementAndGet();
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes every idle connection and stops pooling; connections in use close when their exchange ends. */
    public void close() {
        closed = true;
        for (LoopPool pool : pools.values()) {
            pool.loopExecute(pool::closeIdle);
        }
    }
}
