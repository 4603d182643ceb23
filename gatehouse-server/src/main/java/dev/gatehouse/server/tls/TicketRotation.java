package dev.gatehouse.server.tls;

import dev.gatehouse.core.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the listeners' session ticket keys: a check every second, a new key for a listener once
 * its {@code session_tickets.rotate} period has passed on the monotonic clock (a wall clock set
 * back would stop rotation, one set forward would rotate at once).
 *
 * <p>Threading: the checks run on a thread of their own, never on an event loop, and take no lock
 * a reload holds while it reads files: a rotation is a few HMACs under the listener's own lock
 * ({@link TlsListener#rotateTickets}), which its install also takes, and an install does no I/O.
 */
final class TicketRotation {

    private static final Logger LOG = LoggerFactory.getLogger(TicketRotation.class);

    private final TlsListener[] listeners;
    private final Clock clock;
    /** When each listener's ticket key last changed, in {@link Clock#nanoTime}; only the rotation thread touches it. */
    private final long[] rotated;
    private ScheduledExecutorService thread;

    TicketRotation(TlsListener[] listeners, Clock clock) {
        this.listeners = listeners;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rotated = new long[listeners.length];
        Arrays.fill(rotated, clock.nanoTime());
    }

    /** Starts the checks (once; nothing to do without a TLS listener). */
    synchronized void start() {
        if (thread != null || Arrays.stream(listeners).allMatch(Objects::isNull)) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-tls-tickets");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::rotateDue, 1, 1, TimeUnit.SECONDS);
    }

    /** Stops the checks. */
    synchronized void stop() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }

    /** One check: rotates every listener whose period has passed. Package-private for tests. */
    void rotateDue() {
        long now = clock.nanoTime();
        for (int i = 0; i < listeners.length; i++) {
            TlsListener l = listeners[i];
            if (l == null) {
                continue;
            }
            Duration period = l.current().config().sessionTickets().rotate();
            if (now - rotated[i] >= period.toNanos()) {
                try {
                    l.rotateTickets();
                } catch (RuntimeException e) {
                    // Keep the thread alive: a failed rotation is retried on the next check.
                    LOG.warn("listener {}: ticket key rotation failed: {}", l.label(), e.toString(), e);
                    continue;
                }
                rotated[i] = now;
            }
        }
    }
}
