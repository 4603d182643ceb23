package dev.gatehouse.server.probe;

import dev.gatehouse.core.config.BackendTlsConfig;
import dev.gatehouse.server.upstream.BackendTls;
import java.util.function.Function;

import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HealthCheckConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.SnapshotHolder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks of one backend: a task on one event loop that runs a check, reports its result and
 * schedules the next one, until cancelled.
 *
 * <p>Threading: checks, results and rescheduling run on the loop. {@link #start()}, {@link #cancel()}
 * and {@link #pending()} may be called from any thread and touch only volatiles ({@code cancelled},
 * {@code next}, {@code inFlight}) or hand work to the loop.
 * Whoever writes one of them reads the other afterwards (the loop schedules, then reads
 * {@code cancelled}; {@code cancel()} sets it, then reads {@code next}), so a task scheduled while
 * the probe is being cancelled is always cancelled by one side or the other.
 *
 * <p>What to check and whom to report to is read from the current snapshot at every check, so a
 * configuration reload that keeps the backend changes its check without restarting the probe. The
 * probe's lifecycle is its prober's business: a backend missing from the snapshot is skipped until
 * the prober's next {@code sync()} cancels the probe.
 */
final class BackendProbe {

    /** The first check of a backend added to a running node starts within this (20 ms). */
    static final long PROMPT_SPREAD_NANOS = 20_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(BackendProbe.class);

    private final String pool;
    private final BackendLoad load;
    private final HostPort address;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final SnapshotHolder snapshots;
    private final InetSocketAddress remote;
    private final RandomGenerator random;
    /** A pool's TLS settings to its prepared TLS, or null for plain HTTP. */
    private final Function<BackendTlsConfig, BackendTls> tls;

    private volatile boolean cancelled;
    private volatile ScheduledFuture<?> next;
    /** The check in flight; written on the loop, read by {@link #pending()}. */
    private volatile Check inFlight;
    /** The connection one HTTP check leaves to the next; on the loop only. */
    private final KeptConnection kept = new KeptConnection();
    private long checkStartNanos;
    /** Spacing used when the snapshot no longer describes the check (until the probe is cancelled). */
    private HealthCheckConfig lastConfig;

    BackendProbe(String pool, Member member, InetSocketAddress remote, HealthCheckConfig config, EventLoop loop,
                 Bootstrap bootstrap, SnapshotHolder snapshots, RandomGenerator random,
                 Function<BackendTlsConfig, BackendTls> tls) {
        this.pool = pool;
        this.load = member.load();
        this.address = member.backend().address();
        this.loop = loop;
        this.bootstrap = bootstrap.clone(loop);
        this.snapshots = snapshots;
        this.remote = remote;
        this.random = random;
        this.tls = tls;
        this.lastConfig = config;
    }

    BackendLoad load() {
        return load;
    }

    /** {@code pool/host:port}. */
    String id() {
        return pool + "/" + address;
    }

    /**
     * Schedules the first check: at a random point within one interval when {@code spread}, so
     * that the backends of a node (and the nodes of a fleet) do not all check at the same moment;
     * else within {@link #PROMPT_SPREAD_NANOS}, for a backend added to a running node (a deploy's
     * new version waits at its readiness gate for exactly this first check).
     */
    void start(boolean spread) {
        long window = lastConfig.interval().toNanos();
        schedule(random.nextLong(spread ? window : Math.min(window, PROMPT_SPREAD_NANOS)));
    }

    private void schedule(long delayNanos) {
        if (cancelled) {
            return;
        }
        try {
            ScheduledFuture<?> f = loop.schedule(this::run, delayNanos, TimeUnit.NANOSECONDS);
            next = f;
            if (cancelled) {
                f.cancel(false);
            }
        } catch (RejectedExecutionException e) {
            // The event loops are shutting down: so is the node, and no check is needed any more.
        }
    }

    private void run() {
        if (cancelled) {
            return;
        }
        PoolSnapshot p = snapshots.current().pool(pool);
        HealthCheckConfig config = p == null ? null : p.config().health().check();
        Member member = p == null ? null : find(p);
        if (config == null || member == null) {
            schedule(lastConfig.interval().toNanos());
            return;
        }
        lastConfig = config;
        checkStartNanos = System.nanoTime();
        BackendTlsConfig tlsConfig = p.config().tls();
        // Over TLS with a server name, the backend is reached by that name: the check's Host too.
        String host = config.host() != null ? config.host()
                : tlsConfig.enabled() && tlsConfig.serverName() != null ? tlsConfig.serverName() : address.toString();
        BackendTls backendTls = tls.apply(tlsConfig);
        Check check = Check.of(new Check.Target(loop, bootstrap, remote, host, config, address, backendTls, kept),
                result -> completed(result, config));
        inFlight = check;
        check.start(kept.take(backendTls));
    }

    private void completed(CheckResult result, HealthCheckConfig config) {
        if (cancelled) {
            inFlight = null;
            return;
        }
        PoolSnapshot p = snapshots.current().pool(pool);
        Member member = p == null ? null : find(p);
        LOG.debug("pool {}: health check of {} {}: {}", pool, address, result.passed() ? "passed" : "failed",
                result.detail());
        if (member != null) {
            // The snapshot's member now, not the one the check started with: the health state knows
            // backends by load, and the member is what it reports in status.
            try {
                if (result.passed()) {
                    p.health().checkPassed(member, result.detail());
                } else {
                    p.health().checkFailed(member, result.detail());
                }
            } catch (RuntimeException e) {
                // A bug behind the health state (e.g. a change listener) must not end this backend's checks.
                LOG.warn("pool {}: health check result of {} not recorded: {}", pool, address, e.toString(), e);
            }
        }
        long jitter = config.jitter().toNanos();
        long spacing = config.interval().toNanos() + (jitter == 0 ? 0 : random.nextLong(jitter + 1));
        // Intervals run from start to start; the timeout (at most one interval) keeps checks apart.
        schedule(Math.max(0, spacing - (System.nanoTime() - checkStartNanos)));
        // Only now, so that pending() never sees a probe between two checks as idle.
        inFlight = null;
    }

    private Member find(PoolSnapshot p) {
        for (Member m : p.members()) {
            if (m.load() == load) {
                return m;
            }
        }
        return null;
    }

    /**
     * Stops the probe: no check starts after this, the one in flight is aborted on the loop
     * without a report, and the kept connection is closed. Any thread.
     *
     * @return completes when the check in flight (if any) has been aborted
     */
    Future<?> cancel() {
        cancelled = true;
        ScheduledFuture<?> f = next;
        if (f != null) {
            f.cancel(false);
        }
        try {
            return loop.submit(() -> {
                Check c = inFlight;
                inFlight = null;
                if (c != null) {
                    c.abort();
                }
                kept.close();
            });
        } catch (RejectedExecutionException e) {
            // The loop is gone, and with it the check's connection.
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
        }
    }

    /** Whether a check is scheduled or in flight. Any thread. */
    boolean pending() {
        ScheduledFuture<?> f = next;
        return inFlight != null || (f != null && !f.isDone());
    }
}
