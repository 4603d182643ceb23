package dev.gatehouse.server.metrics;

import dev.gatehouse.core.admission.AdmissionStats;
import dev.gatehouse.core.state.PoolSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * One pool's gauges and counters, read from its admission, health and retry budget when
 * Prometheus scrapes: nothing is counted twice and nothing costs a request anything. They read the
 * pool of the last snapshot they were {@linkplain #update updated} with, so they follow a pool
 * whose admission or budget a later snapshot replaces (a replaced budget's totals start again from
 * 0, which Prometheus treats as a counter reset).
 */
final class PoolMeters {

    private volatile PoolSnapshot pool;
    private final List<Meter> meters;

    private PoolMeters(PoolSnapshot pool, MeterRegistry registry) {
        this.pool = pool;
        Tags tags = Tags.of(Names.POOL, pool.name());
        this.meters = List.of(
                Gauge.builder(Names.POOL_QUEUE_LENGTH, this, m -> m.pool.admission().queueLength())
                        .description("Requests waiting in the pool's queue for a backend slot now")
                        .tags(tags).strongReference(true).register(registry),
                counter(registry, tags, Names.POOL_QUEUED, "Requests that waited in the queue",
                        m -> m.pool.admission().queuedTotal()),
                counter(registry, tags, Names.POOL_QUEUE_ABANDONED,
                        "Queued requests that left the queue without a slot: their wait timed out (503) or their client left",
                        m -> m.pool.admission().timedOutOrCancelledTotal()),
                FunctionTimer.builder(Names.POOL_QUEUE_WAIT, this, PoolMeters::grantedAfterWaiting,
                                m -> m.pool.admission().queueWaitNanosTotal(), TimeUnit.NANOSECONDS)
                        .description("Time queued requests waited before they got a slot")
                        .tags(tags).register(registry),
                counter(registry, tags, Names.POOL_REJECTED,
                        "Requests refused at once (503): no backend available, queue full or disabled",
                        m -> m.pool.admission().rejectedTotal()),
                counter(registry, tags, Names.POOL_RETRIES, "Retries made (each one a try on another backend)",
                        m -> m.pool.retryBudget().retriedTotal()),
                counter(registry, tags, Names.POOL_RETRIES_DENIED, "Retries the retry budget refused",
                        m -> m.pool.retryBudget().deniedTotal()),
                gauge(registry, tags, Names.POOL_PANIC,
                        "1 while too few backends are available and the pool's panic mode decides, else 0",
                        m -> m.pool.health().panicking() ? 1 : 0));
    }

    /** Registers a pool's meters. */
    static PoolMeters register(MeterRegistry registry, PoolSnapshot pool) {
        return new PoolMeters(pool, registry);
    }

    /** Reads this snapshot's pool from now on. */
    void update(PoolSnapshot next) {
        pool = next;
    }

    /** Takes the meters out of the registry (the pool left). */
    void remove(MeterRegistry registry) {
        meters.forEach(registry::remove);
    }

    /** Queued requests that got a slot: those that waited, less those that left and those still waiting. */
    private static long grantedAfterWaiting(PoolMeters m) {
        AdmissionStats s = m.pool.admission().stats();
        return Math.max(0, s.queuedTotal() - s.timedOutOrCancelledTotal() - s.queueLength());
    }

    private FunctionCounter counter(MeterRegistry registry, Tags tags, String name, String description,
                                    ToLongFunction<PoolMeters> total) {
        return FunctionCounter.builder(name, this, m -> total.applyAsLong(m))
                .description(description).tags(tags).register(registry);
    }

    private Gauge gauge(MeterRegistry registry, Tags tags, String name, String description, ToDoubleFunction<PoolMeters> value) {
        return Gauge.builder(name, this, value).description(description).tags(tags).strongReference(true).register(registry);
    }
}
