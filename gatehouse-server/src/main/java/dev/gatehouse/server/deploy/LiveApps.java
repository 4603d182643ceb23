package dev.gatehouse.server.deploy;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.server.control.ControlPlane;
import dev.gatehouse.server.supervisor.AppInstance;
import dev.gatehouse.server.supervisor.Supervisor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At a node's start, starts the live version of every supervised app whose pool has one (the app
 * processes of a node that stopped went with it), and registers the new instances in place of the
 * old ones. An app never deployed waits for its first deploy. Runs before the listeners open.
 */
public final class LiveApps {

    private static final Logger LOG = LoggerFactory.getLogger(LiveApps.class);
    /** How long a started instance may take to accept connections before the node serves anyway. */
    private static final Duration ACCEPT_WAIT = Duration.ofSeconds(30);

    private LiveApps() {
    }

    /**
     * Starts them.
     *
     * @param supervisor the node's supervisor
     * @param snapshots  the pools, for each app's live version and members
     * @param control    where the new instances are registered
     * @throws IOException when the state cannot be saved
     */
    public static void start(Supervisor supervisor, SnapshotHolder snapshots, ControlPlane control) throws IOException {
        for (String app : supervisor.apps()) {
            var pool = snapshots.current().pool(app);
            if (pool == null || pool.liveVersion() == null) {
                continue;
            }
            String live = pool.liveVersion();
            List<HostPort> started = supervisor.start(app, live).stream().map(AppInstance::address).toList();
            awaitAccepting(app, started);
            control.change("supervisor", "start app " + app + " " + live + " on " + started, s -> {
                RuntimeState next = s;
                for (var m : pool.members()) {
                    HostPort a = m.backend().address();
                    if (m.backend().version().equals(live) && !started.contains(a)) {
                        next = RuntimeChanges.remove(next, control.config(), app, a);
                    }
                }
                for (HostPort a : started) {
                    if (pool.members().stream().noneMatch(m -> m.backend().address().equals(a))) {
                        next = RuntimeChanges.add(next, control.config(), app, a, 1, live);
                    }
                }
                return next;
            });
            LOG.info("app {}: {} started on {}", app, live, started);
        }
    }

    /** Waits until every address accepts a connection, or the time is up (then serves anyway, with a warning). */
    private static void awaitAccepting(String app, List<HostPort> addresses) {
        long deadline = System.nanoTime() + ACCEPT_WAIT.toNanos();
        for (HostPort a : addresses) {
            while (!accepts(a)) {
                if (System.nanoTime() >= deadline) {
                    LOG.warn("app {}: {} does not accept connections after {} s; serving anyway", app, a,
                            ACCEPT_WAIT.toSeconds());
                    return;
                }
                // Start-up only, before the listeners open: a short poll of a process coming up.
                LockSupport.parkNanos(20_000_000L);
            }
        }
    }

    private static boolean accepts(HostPort a) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a.host(), a.port()), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
