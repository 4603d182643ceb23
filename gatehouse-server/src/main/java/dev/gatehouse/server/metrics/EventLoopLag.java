package dev.gatehouse.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Measures how late each event loop runs a task it was given ahead of time: every {@code period}
 * each loop runs a probe scheduled for then, and the time between when it was due and when it ran
 * is its lag. A loop that is busy (a long batch of reads, a blocking call by mistake, a collector
 * pause, a starved CPU) runs it late by as much. The lags go into the timer
 * {@code gatehouse.event.loop.lag} tagged with the loop's index; Prometheus shows it as the
 * histogram {@code gatehouse_event_loop_lag_seconds} ({@code _bucket}, {@code _count}, {@code _sum})
 * and the gauge {@code gatehouse_event_loop_lag_seconds_max} (largest of the last two minutes).
 *
 * <p>Cost: one scheduled task per loop and period and one timer record; nothing on the request
 * path. An idle loop reads a lag of about a millisecond: the granularity of the loop's timer, not
 * work.
 *
 * <p>Each probe schedules the next one when it runs (rather than at a fixed rate), so that one
 * stall counts once and not again for every period it covered. Thread-safe; {@link #close()}
 * stops every probe.
 */
final class EventLoopLag implements AutoCloseable {

    /** The histogram's upper bounds: lags worth telling apart, from timer noise to a stalled loop. */
    static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
    };

    private final long periodNanos;
    private final List<Probe> probes = new ArrayList<>();
    private volatile boolean closed;

    /**
     * Starts a probe on every loop.
     *
     * @param loops    the event loops, e.g. an {@code EventLoopGroup}; tagged {@code loop="0"}, {@code "1"}, ... in
     *                 iteration order
     * @param registry where the timers go
     * @param period   how often each loop is probed, above 0
     */
    EventLoopLag(Iterable<? extends EventExecutor> loops, MeterRegistry registry, Duration period) {
        Objects.requireNonNull(loops, "loops");
        Objects.requireNonNull(registry, "registry");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period: " + period + " (expected: > 0)");
        }
        this.periodNanos = period.toNanos();
        int index = 0;
        for (EventExecutor loop : loops) {
            Timer timer = Timer.builder(Names.EVENT_LOOP_LAG)
                    .description("How late the event loop ran a probe task scheduled ahead of time")
                    .tag(Names.LOOP, Integer.toString(index++))
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
            probes.add(new Probe(loop, timer));
        }
        probes.forEach(Probe::scheduleNext);
    }

    /** Stops the probes; the meters stay in the registry with what they recorded. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Probe p : probes) {
            p.cancel();
        }
    }

    /** One loop's probe; its fields are touched by that loop only, except {@code next} (volatile). */
    private final class Probe implements Runnable {

        private final EventExecutor loop;
        private final Timer timer;
        private long dueNanos;
        private volatile ScheduledFuture<?> next;

        Probe(EventExecutor loop, Timer timer) {
            this.loop = loop;
            this.timer = timer;
        }

        void scheduleNext() {
            if (closed || loop.isShuttingDown()) {
                return;
            }
            try {
                // Set before schedule(): on the loop the task cannot run before this method returns,
                // and from outside schedule() publishes it.
                dueNanos = System.nanoTime() + periodNanos;
                next = loop.schedule(this, periodNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The loop is shutting down: nothing left to measure.
            }
        }

        @Override
        public void run() {
            timer.record(Math.max(0, System.nanoTime() - dueNanos), TimeUnit.NANOSECONDS);
            scheduleNext();
        }

        void cancel() {
            ScheduledFuture<?> f = next;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
