package dev.gatehouse.server.discovery;

import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.DiscoverConfig;
import dev.gatehouse.core.config.DnsConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.discovery.DiscoveredName;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.server.Transport;
import dev.gatehouse.server.control.ControlPlane;
import io.netty.channel.EventLoop;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each pool's {@code discover} names resolved: asks each name again when its answer's TTL
 * runs out ({@link DiscoveredName} decides when, and what an answer or its absence means), and
 * puts a pool's new set of backends in force through the control plane when it changes. The
 * queries run on one of the node's event loops, never blocking it; the waiting and the control
 * plane's change happen on a thread of discovery's own ({@code gatehouse-discovery}).
 */
public final class DnsDiscovery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DnsDiscovery.class);
    /** How often the thread looks for names due: the resolution of every due time. */
    private static final long TICK_MILLIS = 100;

    private final ControlPlane control;
    private final Transport transport;
    private final EventLoop loop;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-discovery");
        t.setDaemon(true);
        return t;
    });
    /** Per pool, its names in config order; on the discovery thread only. */
    private final Map<String, List<DiscoveredName>> pools = new LinkedHashMap<>();
    /** Names whose last query failed, for one log line per failure streak; on the discovery thread only. */
    private final Map<DiscoverConfig, String> failing = new HashMap<>();
    private volatile DnsNameResolver resolver;
    private final java.util.concurrent.atomic.AtomicBoolean scheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private DnsQueries queries;

    /**
     * @param loop the event loop the queries run on (a node's)
     */
    public DnsDiscovery(ControlPlane control, Transport transport, EventLoop loop, Clock clock) {
        this.control = Objects.requireNonNull(control, "control");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Resolves every name once and puts the answers in force, waiting up to {@code wait} (a node
     * starting, so that its pools have their backends before it serves), then keeps them resolved.
     */
    public void start(java.time.Duration wait) {
        // A node without discover names wakes no thread: the looks start with the first (a reload may add one).
        control.onPublish(s -> {
            if (!scheduled.get() && asks(control.config())) {
                schedule();
            }
        });
        if (!asks(control.config())) {
            return;
        }
        try {
            thread.submit(this::lookQuietly).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("DNS discovery: the first answers took longer than {} ms; the node serves, and they apply as they come",
                    wait.toMillis());
        } catch (ExecutionException e) {
            LOG.warn("DNS discovery: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        schedule();
    }

    private static boolean asks(GatehouseConfig config) {
        return config.pools().values().stream().anyMatch(p -> !p.discover().isEmpty());
    }

    /** Starts the periodic looks, once. */
    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                thread.scheduleWithFixedDelay(this::lookQuietly, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed: the node is stopping
            }
        }
    }

    private void lookQuietly() {
        try {
            look();
        } catch (RuntimeException e) {
            LOG.warn("DNS discovery: {}", e.toString(), e);
        }
    }

    /** Asks the names that are due; on the discovery thread. */
    private void look() {
        GatehouseConfig config = control.config();
        for (PoolConfig pool : config.pools().values()) {
            List<DiscoveredName> names = names(pool, config.dns());
            if (names == null) {
                continue;
            }
            boolean changed = false;
            for (DiscoveredName name : names) {
                if (name.due(clock.nanoTime())) {
                    changed |= ask(config.dns(), name);
                }
            }
            if (changed) {
                control.discovered(pool.name(), merged(names));
            }
        }
        // Pools a reload removed, or whose names it removed: their found backends go.
        pools.keySet().removeIf(p -> {
            PoolConfig now = config.pools().get(p);
            if (now == null || now.discover().isEmpty()) {
                control.discovered(p, List.of());
                return true;
            }
            return false;
        });
    }

    /** The pool's names, made anew when a reload changed them; null when it has none. */
    private List<DiscoveredName> names(PoolConfig pool, DnsConfig dns) {
        if (pool.discover().isEmpty()) {
            return null;
        }
        List<DiscoveredName> names = pools.get(pool.name());
        if (names == null || !names.stream().map(DiscoveredName::entry).toList().equals(pool.discover())) {
            names = new ArrayList<>();
            for (DiscoverConfig entry : pool.discover()) {
                names.add(new DiscoveredName(entry, dns));
            }
            pools.put(pool.name(), names);
        }
        return names;
    }

    /** One query of a name, and what it means; returns whether its backends changed. */
    private boolean ask(DnsConfig dns, DiscoveredName name) {
        DiscoverConfig entry = name.entry();
        DnsQueries.Result result = queries(dns).ask(entry);
        long now = clock.nanoTime();
        switch (result) {
            case DnsQueries.Result.Found f -> {
                recovered(entry);
                return name.answered(f.targets(), f.ttlSeconds(), now);
            }
            case DnsQueries.Result.None n -> {
                recovered(entry);
                boolean changed = name.empty(now);
                if (changed) {
                    LOG.warn("DNS discovery: {} has had no record for {} ms (hold_empty): its backends leave the pool ({})",
                            entry.describe(), dns.holdEmpty().toMillis(), n.why());
                }
                return changed;
            }
            case DnsQueries.Result.Failed f -> {
                name.failed(now);
                if (failing.put(entry, f.why()) == null) {
                    LOG.warn("DNS discovery: {}: no answer ({}); its {} backends stay, asked again in {} ms", entry.describe(),
                            f.why(), name.backends().size(), (name.dueNanos() - now) / 1_000_000);
                }
                return false;
            }
        }
    }

    private void recovered(DiscoverConfig entry) {
        if (failing.remove(entry) != null) {
            LOG.info("DNS discovery: {} answers again", entry.describe());
        }
    }

    /** A pool's backends over all its names: the first name to list an address gives it. */
    private static List<BackendConfig> merged(List<DiscoveredName> names) {
        Map<HostPort, BackendConfig> out = new LinkedHashMap<>();
        names.forEach(n -> n.backends().forEach(b -> out.putIfAbsent(b.address(), b)));
        return List.copyOf(out.values());
    }

    /** The resolver, made at the first query (a node without discovery never opens a UDP socket). */
    private DnsQueries queries(DnsConfig dns) {
        if (queries == null) {
            DnsNameResolverBuilder b = new DnsNameResolverBuilder(loop)
                    .datagramChannelType(transport.datagramChannel())
                    .socketChannelType(transport.clientChannel())
                    .queryTimeoutMillis(dns.timeout().toMillis())
                    .resolveCache(NoopDnsCache.INSTANCE)
                    .recursionDesired(true);
            List<InetSocketAddress> servers = new ArrayList<>();
            if (dns.servers().isEmpty()) {
                var stream = DnsServerAddressStreamProviders.platformDefault().nameServerAddressStream("");
                for (int i = 0; i < stream.size(); i++) {
                    servers.add(stream.next());
                }
            } else {
                dns.servers().forEach(s -> servers.add(new InetSocketAddress(s.host(), s.port())));
            }
            b.nameServerProvider(new SequentialDnsServerAddressStreamProvider(servers));
            resolver = b.build();
            queries = new DnsQueries(resolver, servers, dns.timeout().toMillis() + 500);
        }
        return queries;
    }

    /** Stops asking and closes the resolver's socket. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (resolver != null) {
            resolver.close();
        }
    }
}
