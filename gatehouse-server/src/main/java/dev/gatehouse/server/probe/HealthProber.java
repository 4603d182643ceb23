package dev.gatehouse.server.probe;

import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.BackendTlsConfig;
import dev.gatehouse.core.config.HealthCheckConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.server.Transport;
import dev.gatehouse.server.upstream.BackendTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the active health checks of a node: one self-rescheduling probe per backend of every pool
 * that has a check, spread over the node's event loops, reporting to the pool's health.
 *
 * <p>{@link #sync()} matches the probes to the current snapshot (call it after publishing one that
 * may add or remove backends); {@link #stop()} cancels every probe. Both are called by the control
 * plane, never on an event loop, and are serialized by this object's monitor. Checks never block a
 * loop: connects, reads and timeouts are all callbacks.
 */
public final class HealthProber {

    private static final Logger LOG = LoggerFactory.getLogger(HealthProber.class);
    /** How long {@link #stop()} waits for the loops to abort the checks in flight. */
    private static final long STOP_WAIT_MILLIS = 2000;

    private final SnapshotHolder snapshots;
    private final EventLoopGroup loops;
    private final Bootstrap bootstrap;
    private final Function<HostPort, InetSocketAddress> resolver;
    private final RandomGenerator random;
    private final Function<BackendTlsConfig, BackendTls> tls;
    /** By backend load: the identity a backend keeps from one snapshot to the next. Guarded by this. */
    private final Map<BackendLoad, BackendProbe> probes = new IdentityHashMap<>();
    private boolean stopped;
    /** The first {@link #sync()} is done: probes started from now on are for backends added later. */
    private boolean synced;

    private HealthProber(SnapshotHolder snapshots, EventLoopGroup loops, Transport transport,
                         Function<HostPort, InetSocketAddress> resolver, RandomGenerator random,
                         Function<BackendTlsConfig, BackendTls> tls) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.loops = Objects.requireNonNull(loops, "loops");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.random = Objects.requireNonNull(random, "random");
        this.bootstrap = new Bootstrap()
                .channel(Objects.requireNonNull(transport, "transport").clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                // Addresses are resolved off the loops, ahead of time (see the resolver).
                .resolver(NoopAddressResolverGroup.INSTANCE);
    }

    /**
     * Creates a prober with no probes; {@link #sync()} starts them.
     *
     * @param snapshots the node's snapshot holder: which pools have checks, their members, their health
     * @param loops     the node's event loops, which run the checks
     * @param transport the node's transport, for the check connections' channel class
     * @param resolver  a backend address to the socket address to connect to; called by {@link #sync()}
     *                  (off the event loops, so it may block on DNS) once per backend it starts checking
     * @param random    spreads the checks in time; thread-safe
     */
    public static HealthProber create(SnapshotHolder snapshots, EventLoopGroup loops, Transport transport,
                                      Function<HostPort, InetSocketAddress> resolver, RandomGenerator random) {
        return new HealthProber(snapshots, loops, transport, resolver, random, c -> null);
    }

    /**
     * Like {@link #create(SnapshotHolder, EventLoopGroup, Transport, Function, RandomGenerator)}, for
     * pools that may speak TLS to their backends: their checks do too.
     *
     * @param tls a pool's TLS settings to the prepared TLS of its connections, null for plain HTTP;
     *            called on the event loops at every check, so it must not block
     *            ({@link dev.gatehouse.server.upstream.UpstreamPools#tls})
     */
    public static HealthProber create(SnapshotHolder snapshots, EventLoopGroup loops, Transport transport,
                                      Function<HostPort, InetSocketAddress> resolver, RandomGenerator random,
                                      Function<BackendTlsConfig, BackendTls> tls) {
        return new HealthProber(snapshots, loops, transport, resolver, random, tls);
    }

    /**
     * Starts probes for the backends of the current snapshot that have none and stops those of
     * backends no longer in it (or whose pool no longer has a check). A backend is the same from one
     * snapshot to the next when its load object is. A no-op after {@link #stop()}.
     */
    public synchronized void sync() {
        if (stopped) {
            return;
        }
        Map<BackendLoad, BackendProbe> wanted = new IdentityHashMap<>();
        int started = 0;
        for (PoolSnapshot pool : snapshots.current().pools().values()) {
            HealthCheckConfig check = pool.config().health().check();
            if (check == null) {
                continue;
            }
            for (Member member : pool.members()) {
                BackendProbe probe = probes.get(member.load());
                if (probe == null) {
                    // next() takes the loops in turn, so the probes spread evenly over them.
                    // Resolved once, like the proxy's own connections: the address is the backend's identity.
                    InetSocketAddress remote = resolver.apply(member.backend().address());
                    probe = new BackendProbe(pool.name(), member, remote, check, loops.next(), bootstrap, snapshots,
                            random, tls);
                    // The node's first backends spread their checks over an interval; one added
                    // later (a deploy, a registration) is checked at once: its gate waits for it.
                    probe.start(!synced);
                    started++;
                    LOG.debug("health checks of {} started ({} {} every {} ms)", probe.id(),
                            check.type().configName(), check.type() == HealthCheckConfig.Type.HTTP ? check.path() : "connect",
                            check.interval().toMillis());
                }
                wanted.put(member.load(), probe);
            }
        }
        int stoppedCount = 0;
        for (BackendProbe probe : probes.values()) {
            if (wanted.get(probe.load()) != probe) {
                probe.cancel();
                stoppedCount++;
                LOG.debug("health checks of {} stopped: no longer in the pool", probe.id());
            }
        }
        probes.clear();
        probes.putAll(wanted);
        synced = true;
        if (started > 0 || stoppedCount > 0) {
            LOG.info("health checks: started for {} backends, stopped for {}; {} backends checked", started,
                    stoppedCount, probes.size());
        }
    }

    /**
     * Stops every probe: no check starts after this returns, and the checks in flight are aborted
     * (their connections closed, their results dropped). Waits briefly for the loops to do the
     * aborting. Idempotent.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        List<Future<?>> aborted = new ArrayList<>(probes.size());
        for (BackendProbe probe : probes.values()) {
            aborted.add(probe.cancel());
        }
        if (!onALoop()) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
            for (Future<?> f : aborted) {
                f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        }
        if (!probes.isEmpty()) {
            LOG.info("health checks stopped for {} backends", probes.size());
        }
    }

    /** Whether the caller is one of the loops, which must not wait for itself (nor block at all). */
    private boolean onALoop() {
        for (EventExecutor loop : loops) {
            if (loop.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /** The backends being checked, as {@code pool/host:port}, for status and tests. */
    public synchronized List<String> checkedBackends() {
        return stopped ? List.of() : probes.values().stream().map(BackendProbe::id).sorted().toList();
    }

    /**
     * How many checks are scheduled or in flight right now; 0 once {@link #stop()} has returned.
     * For tests and status.
     */
    public synchronized int pendingChecks() {
        int n = 0;
        for (BackendProbe probe : probes.values()) {
            if (probe.pending()) {
                n++;
            }
        }
        return n;
    }
}
