package dev.gatehouse.server.fleet;

import dev.gatehouse.core.fleet.FenceStore;
import dev.gatehouse.core.state.DeployRecord;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.server.probe.Readiness;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prepare step of a fleet deploy, this node's side: while another node's deploy runs in a
 * pool (its record in the state in force), every 100 ms this node counts how many of the deploy's
 * new backends it finds ready ({@link Readiness}) and writes the count to the fleet when it
 * changes, and every second anyway; the coordinator's gate takes the smallest count over the
 * members. On a thread of its own: the counting may block on connects.
 */
final class ReadinessReports implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessReports.class);
    private static final long REPEAT_NANOS = 1_000_000_000L;

    private final SnapshotHolder snapshots;
    private final FenceStore store;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-fleet-ready");
        t.setDaemon(true);
        return t;
    });
    /** The report last written per pool ("version/count"), and when; this object's thread only. */
    private final Map<String, String> reported = new HashMap<>();
    private final Map<String, Long> reportedAt = new HashMap<>();

    ReadinessReports(SnapshotHolder snapshots, FenceStore store, Clock clock) {
        this.snapshots = snapshots;
        this.store = store;
        this.clock = clock;
        thread.scheduleWithFixedDelay(this::report, 100, 100, TimeUnit.MILLISECONDS);
    }

    private void report() {
        Snapshot s = snapshots.current();
        for (Map.Entry<String, DeployRecord> e : s.runtime().deploys().entrySet()) {
            String pool = e.getKey();
            DeployRecord d = e.getValue();
            PoolSnapshot p = s.pool(pool);
            if (p == null || d.status() != DeployRecord.Status.RUNNING || d.node().equals(store.node())) {
                continue;
            }
            int healthy = Readiness.healthy(p, d.backends());
            String value = d.to() + "/" + healthy;
            long now = clock.nanoTime();
            Long at = reportedAt.get(pool);
            if (value.equals(reported.get(pool)) && at != null && now - at < REPEAT_NANOS) {
                continue;
            }
            try {
                store.reportReady(pool, d.to(), healthy);
                reported.put(pool, value);
                reportedAt.put(pool, now);
            } catch (IOException | RuntimeException ex) {
                LOG.debug("deploy of {} to pool {}: readiness not reported: {}", d.to(), pool, ex.getMessage());
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
