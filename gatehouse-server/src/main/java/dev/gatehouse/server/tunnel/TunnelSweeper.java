package dev.gatehouse.server.tunnel;

import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.core.time.WallClock;
import dev.gatehouse.core.tunnel.TunnelWatch;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each pool's {@code tunnels} policy: a few times a second, looks at every open tunnel
 * against the current snapshot ({@link TunnelWatch} decides) and closes gracefully those whose
 * backend left service longer ago than the pool's grace: after a cutover, those of the old version;
 * after a drain, maintenance or removal, those of that backend. A WebSocket gets Close 1012
 * (Service Restart), so that its client reconnects, and is routed to a backend in service.
 *
 * <p>Looking rather than being told keeps every way a backend leaves service (a deploy, the API, a
 * reload) covered by one rule. The sweep runs on one executor; the watches are confined to it.
 */
public final class TunnelSweeper {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelSweeper.class);
    /** How often tunnels are looked at: a closed tunnel's grace is overrun by at most this. */
    static final long PERIOD_MILLIS = 250;
    /** WebSocket close code 1012, Service Restart (RFC 6455 §7.4, IANA registry). */
    public static final int SERVICE_RESTART = 1012;

    private final TunnelRegistry registry;
    private final SnapshotHolder snapshots;
    private final Clock clock;
    private final WallClock wallClock;
    private Map<Tunnel, TunnelWatch> watches = new HashMap<>();
    private ScheduledFuture<?> task;

    /** A sweeper of {@code registry}'s tunnels against {@code snapshots}. */
    public TunnelSweeper(TunnelRegistry registry, SnapshotHolder snapshots, Clock clock, WallClock wallClock) {
        this.registry = registry;
        this.snapshots = snapshots;
        this.clock = clock;
        this.wallClock = wallClock;
    }

    /** Starts sweeping on {@code executor}. */
    public void start(EventExecutor executor) {
        task = executor.scheduleAtFixedRate(this::sweepSafely, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Stops sweeping. */
    public void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // A sweep that failed must not end the schedule: the next one looks again.
            LOG.warn("tunnel sweep failed: {}", e.toString(), e);
        }
    }

    /** One look at every open tunnel; package-private for tests. */
    void sweep() {
        var snapshot = snapshots.current();
        long now = clock.nanoTime();
        long seconds = wallClock.epochSeconds();
        Map<Tunnel, TunnelWatch> next = new HashMap<>();
        for (Tunnel t : registry.tunnels()) {
            if (!t.isOpen()) {
                continue;
            }
            TunnelInfo info = t.info();
            TunnelWatch watch = watches.get(t);
            if (watch == null) {
                watch = new TunnelWatch(info.pool(), info.backend(), info.version());
            }
            if (watch.mustClose(snapshot.pool(info.pool()), now, seconds)) {
                LOG.debug("tunnel to {} ({}) of pool {} closed: its backend left service", info.backend(), info.version(),
                        info.pool());
                t.closeGracefully(SERVICE_RESTART, "service restart");
            } else {
                next.put(t, watch);
            }
        }
        watches = next;
    }
}
