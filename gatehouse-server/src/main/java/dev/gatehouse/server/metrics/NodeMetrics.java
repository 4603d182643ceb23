package dev.gatehouse.server.metrics;

import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.tunnel.TunnelCounts;
import dev.gatehouse.server.proxy.ClientLimit;
import dev.gatehouse.server.proxy.ExchangeRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A node's metrics: a Prometheus registry with the JVM's meters, the node's connections, its event
 * loops' lag ({@link #watchEventLoops}), the client limits hit, and per pool, backend and version the request counts,
 * latencies, in-flight requests, health, queue and retries ({@code docs/operations.md} lists every
 * metric).
 *
 * <p>Costs. Per request, {@link #ended} finds the request's meters in a lock-free map keyed by
 * objects the request already holds, then increments one counter and records into two timers;
 * it neither allocates nor locks. Everything else is a gauge or function counter read from the
 * data plane's own state when {@link #scrape} runs.
 *
 * <p>Backends and pools come and go with snapshots: {@link #sync} registers the meters of new ones
 * and removes those of the ones that left. Call it with every snapshot published; the proxy's
 * counting does not depend on it, but gauges do. Thread-safe.
 */
public final class NodeMetrics implements ExchangeRecorder, AutoCloseable {

    /** The content type of {@link #scrape()}: the Prometheus text format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private volatile TunnelCounts tunnels = TunnelCounts.NONE;
    private final JvmGcMetrics gc;
    /** The tags of {@code gatehouse_client_requests_total}: protocols, then TLS versions. */
    private static final String[] PROTOCOL_TAGS = {"h1", "h2"};
    private static final String[] TLS_TAGS = {"none", "TLSv1.2", "TLSv1.3"};

    private final RequestMeters requests;
    /** By {@link #H2_REFUSAL_REASONS} index; all registered at start, so each shows 0 until counted. */
    private final Counter[] h2StreamsRefused;
    /** The reasons {@link #h2StreamRefused} is told, as the strict request handler names them. */
    private static final String[] H2_REFUSAL_REASONS = {"malformed", "connect", "stream_error"};
    /** By {@link ClientLimit#ordinal()}; all registered at start, so each shows 0 until hit. */
    private final Counter[] limitRejections;
    /** Requests per listener (by index; boxed indices are cached), protocol and TLS version. */
    private final java.util.concurrent.ConcurrentMap<Integer, Counter[]> clientRequests = new java.util.concurrent.ConcurrentHashMap<>();
    /** Compression counters by route and coding: responses, bytes in, bytes saved. */
    private final java.util.concurrent.ConcurrentMap<String, Counter[]> compression = new java.util.concurrent.ConcurrentHashMap<>();
    /** What the cache meters read, kept reachable: function counters hold their object weakly. */
    private final java.util.List<java.util.function.Supplier<dev.gatehouse.server.cache.RouteCache>> cacheSources =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Static answers by route: per status class, then bytes ({@link #staticServed}). */
    private final java.util.concurrent.ConcurrentMap<String, Counter[]> staticCounters = new java.util.concurrent.ConcurrentHashMap<>();
    /** Guarded by this. */
    private final Map<String, PoolMeters> pools = new HashMap<>();
    /** Guarded by this. */
    private final Map<SeriesKey, BackendMeters> backends = new HashMap<>();
    /** Guarded by this; null until {@link #watchEventLoops}. */
    private EventLoopLag eventLoopLag;
    private boolean closed;

    /** How often each event loop's lag is probed. */
    static final Duration EVENT_LOOP_PROBE_PERIOD = Duration.ofSeconds(1);

    private NodeMetrics(IntSupplier clientConnections, IntSupplier upstreamConnections, LongSupplier generation) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder(Names.CLIENT_CONNECTIONS, clientConnections, IntSupplier::getAsInt)
                .description("Open client connections").strongReference(true).register(registry);
        Gauge.builder(Names.UPSTREAM_CONNECTIONS, upstreamConnections, IntSupplier::getAsInt)
                .description("Open backend connections, in use or idle in a pool (health checks not included)")
                .strongReference(true).register(registry);
        Gauge.builder(Names.SNAPSHOT_GENERATION, generation, LongSupplier::getAsLong)
                .description("The generation of the snapshot the node routes with; grows by one at every change")
                .strongReference(true).register(registry);
        this.requests = new RequestMeters(registry);
        ClientLimit[] limits = ClientLimit.values();
        this.limitRejections = new Counter[limits.length];
        for (ClientLimit l : limits) {
            limitRejections[l.ordinal()] = Counter.builder(Names.LIMIT_REJECTIONS).tag(Names.LIMIT, l.setting())
                    .description("Requests refused and connections closed because a client went past a limit")
                    .register(registry);
        }
        this.h2StreamsRefused = new Counter[H2_REFUSAL_REASONS.length];
        for (int i = 0; i < H2_REFUSAL_REASONS.length; i++) {
            h2StreamsRefused[i] = Counter.builder(Names.H2_STREAMS_REFUSED).tag(Names.REASON, H2_REFUSAL_REASONS[i])
                    .description("HTTP/2 streams refused before they became a request (not in the access log)")
                    .register(registry);
        }
    }

    /**
     * Creates a node's metrics.
     *
     * @param clientConnections   open client connections now
     * @param upstreamConnections open backend connections now
     * @param generation          the current snapshot's generation
     */
    public static NodeMetrics create(IntSupplier clientConnections, IntSupplier upstreamConnections,
                                     LongSupplier generation) {
        return new NodeMetrics(Objects.requireNonNull(clientConnections, "clientConnections"),
                Objects.requireNonNull(upstreamConnections, "upstreamConnections"),
                Objects.requireNonNull(generation, "generation"));
    }

    /** Where the backends' open tunnels are counted from (none until told). */
    public void tunnels(TunnelCounts counts) {
        this.tunnels = Objects.requireNonNull(counts, "counts");
    }

    /**
     * Starts measuring how late these event loops run a task, once per second each, as
     * {@code gatehouse_event_loop_lag_seconds} (see {@link EventLoopLag}); {@link #close()} stops it.
     * Call it once, with the node's I/O loops.
     *
     * @param loops the event loops, e.g. the node's {@code EventLoopGroup}
     * @throws IllegalStateException when called a second time
     */
    public synchronized void watchEventLoops(Iterable<? extends EventExecutor> loops) {
        if (closed) {
            return;
        }
        if (eventLoopLag != null) {
            throw new IllegalStateException("the event loops are watched already");
        }
        eventLoopLag = new EventLoopLag(loops, registry, EVENT_LOOP_PROBE_PERIOD);
    }

    /**
     * Follows a snapshot: registers the meters of its new pools and backends, points the existing
     * ones at its objects, and removes the meters of the pools and backends it no longer has.
     * Call it with every snapshot published (and the first one).
     *
     * @param snapshot the snapshot now current
     */
    public synchronized void sync(Snapshot snapshot) {
        if (closed) {
            return;
        }
        Set<String> poolNames = new HashSet<>();
        Set<Backend> liveBackends = new HashSet<>();
        Set<SeriesKey> liveKeys = new HashSet<>();
        for (PoolSnapshot pool : snapshot.pools().values()) {
            poolNames.add(pool.name());
            PoolMeters pm = pools.get(pool.name());
            if (pm == null) {
                pools.put(pool.name(), PoolMeters.register(registry, pool));
            } else {
                pm.update(pool);
            }
            for (Member m : pool.members()) {
                SeriesKey key = SeriesKey.of(m.backend());
                liveBackends.add(m.backend());
                liveKeys.add(key);
                BackendMeters bm = backends.get(key);
                if (bm == null) {
                    var address = m.backend().address();
                    String version = m.backend().version();
                    backends.put(key, BackendMeters.register(registry, key, m, pool.health(),
                            () -> tunnels.open(key.pool(), address, version)));
                } else {
                    bm.update(m, pool.health());
                }
                requests.register(m.backend());
            }
        }
        for (Iterator<Map.Entry<String, PoolMeters>> it = pools.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, PoolMeters> e = it.next();
            if (!poolNames.contains(e.getKey())) {
                e.getValue().remove(registry);
                it.remove();
            }
        }
        for (Iterator<Map.Entry<SeriesKey, BackendMeters>> it = backends.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<SeriesKey, BackendMeters> e = it.next();
            if (!liveKeys.contains(e.getKey())) {
                e.getValue().remove(registry);
                it.remove();
            }
        }
        requests.retain(liveBackends, poolNames);
    }

    /** Records one finished exchange: lock-free and without allocation once its backend was seen. */
    @Override
    public void ended(String pool, Backend backend, int status, long totalNanos, long upstreamNanos) {
        requests.record(pool, backend, status, totalNanos, upstreamNanos);
    }

    /** What a backend served, for the dashboard: see {@link RequestSeries#traffic()}. */
    public dev.gatehouse.core.api.BackendTraffic traffic(Backend backend) {
        return requests.series(backend.pool(), backend).traffic();
    }

    /**
     * Counts a client request by listener, protocol and TLS version: lock-free, no allocation once
     * the listener was seen. A TLS version other than 1.2 and 1.3 cannot occur (listeners refuse
     * older ones); it would count as 1.3.
     */
    @Override
    public void clientRequest(int listenerIndex, String protocol, String tls) {
        int p = "h2".equals(protocol) ? 1 : 0;
        int t = tls == null ? 0 : "TLSv1.2".equals(tls) ? 1 : 2;
        clientRequests.computeIfAbsent(listenerIndex, this::listenerCounters)[p * TLS_TAGS.length + t].increment();
    }

    /**
     * A listener's request counters, one per protocol and TLS version, registered together so that
     * all show from the first request.
     */
    private Counter[] listenerCounters(int listenerIndex) {
        Counter[] c = new Counter[PROTOCOL_TAGS.length * TLS_TAGS.length];
        for (int p = 0; p < PROTOCOL_TAGS.length; p++) {
            for (int t = 0; t < TLS_TAGS.length; t++) {
                c[p * TLS_TAGS.length + t] = Counter.builder(Names.CLIENT_REQUESTS)
                        .tag(Names.LISTENER, Integer.toString(listenerIndex))
                        .tag(Names.PROTOCOL, PROTOCOL_TAGS[p]).tag(Names.TLS, TLS_TAGS[t])
                        .description("Client requests (each HTTP/2 stream is one), by listener, protocol and TLS version")
                        .register(registry);
            }
        }
        return c;
    }

    /** Counts a refused HTTP/2 stream: lock-free, no allocation; an unknown reason counts as {@code stream_error}. */
    @Override
    public void h2StreamRefused(String reason) {
        int i = H2_REFUSAL_REASONS.length - 1;
        for (int j = 0; j < H2_REFUSAL_REASONS.length - 1; j++) {
            if (H2_REFUSAL_REASONS[j].equals(reason)) {
                i = j;
            }
        }
        h2StreamsRefused[i].increment();
    }

    /** Counts a client limit hit: lock-free, no allocation. */
    @Override
    public void limitHit(ClientLimit limit) {
        limitRejections[limit.ordinal()].increment();
    }

    /**
     * Counts a static answer by route and status class, and its bytes. The routes come from the
     * configuration, so the series are bounded; looked up without a lock once the route was seen.
     */
    @Override
    public void staticServed(String route, int status, long bytes) {
        Counter[] c = staticCounters.computeIfAbsent(route, this::routeCounters);
        int cls = Math.min(Math.max(status / 100, 1), 5);
        c[cls - 1].increment();
        c[5].increment(bytes);
    }

    /** A route's static counters: one per status class (1xx to 5xx), then its bytes. */
    private Counter[] routeCounters(String route) {
        Counter[] c = new Counter[6];
        for (int i = 0; i < 5; i++) {
            c[i] = Counter.builder(Names.STATIC_RESPONSES).tag(Names.ROUTE, route).tag(Names.CODE, (i + 1) + "xx")
                    .description("Answers a static route made from its files, by status class").register(registry);
        }
        c[5] = Counter.builder(Names.STATIC_BYTES).tag(Names.ROUTE, route).baseUnit("bytes")
                .description("Body bytes a static route sent from its files").register(registry);
        return c;
    }

    /** Counts a compressed response by route and coding: the body bytes before, and those saved. */
    @Override
    public void compressed(String route, String coding, long in, long out) {
        Counter[] c = compression.computeIfAbsent(route + " " + coding, k -> compressionCounters(route, coding));
        c[0].increment();
        c[1].increment(in);
        c[2].increment(Math.max(0, in - out));
    }

    private Counter[] compressionCounters(String route, String coding) {
        return new Counter[] {
            Counter.builder(Names.COMPRESSED_RESPONSES).tag(Names.ROUTE, route).tag(Names.CODING, coding)
                    .description("Responses a route compressed").register(registry),
            Counter.builder(Names.COMPRESSED_IN).tag(Names.ROUTE, route).tag(Names.CODING, coding).baseUnit("bytes")
                    .description("Body bytes a route compressed, as the backend sent them").register(registry),
            Counter.builder(Names.COMPRESSED_SAVED).tag(Names.ROUTE, route).tag(Names.CODING, coding).baseUnit("bytes")
                    .description("Body bytes compression saved: in minus out").register(registry),
        };
    }

    /**
     * Registers the meters of a route's cache, read through {@code current} (the route's cache now)
     * at each scrape. Called once per route, when its first cache is made.
     */
    public void routeCache(String route, java.util.function.Supplier<dev.gatehouse.server.cache.RouteCache> current) {
        cacheSources.add(current);
        CacheMeters.register(registry, route, current);
    }

    /** Every metric in the Prometheus text format, version 0.0.4 ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape();
    }

    /** The registry, for meters of other parts of the node (the admin API's, for instance). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The per-request meters, for tests. */
    RequestMeters requests() {
        return requests;
    }

    /** Stops the JVM listeners and closes the registry. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (eventLoopLag != null) {
            eventLoopLag.close();
        }
        gc.close();
        registry.close();
    }
}
