package dev.gatehouse.server.metrics;

import dev.gatehouse.core.api.BackendTraffic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The request meters of one {@link SeriesKey}: a counter per status class and the latency timers.
 * Every meter is registered up front, so that recording a request is an array index and a few
 * lock-free updates, and so that a ratio such as 5xx over all reads 0, not "no data", before the
 * first error. Thread-safe (Micrometer's meters are).
 *
 * <p>The request duration is recorded twice, because Micrometer's Prometheus registry shows a timer
 * either as a histogram or as a summary with quantiles, never both: a histogram (buckets for
 * {@code histogram_quantile}, which aggregate across backends and nodes, the way to compute
 * percentiles), and a summary of the last minute's 0.5, 0.9 and 0.99 quantiles computed on the
 * node, for a quick look with {@code curl}. The upstream time is a count and a sum (two adders,
 * the cheapest timer): its mean against the request duration's shows the time spent in the proxy
 * and its queue.
 *
 * <p>Measured on one thread: about 10 ns for the counter, 80 for the histogram (before its buckets
 * went from ~70 to 15), 160 for the
 * quantiles (three rotating HdrHistogram recorders) and 10 for the upstream adders.
 */
final class RequestSeries {

    /** The status classes, by index: see {@link #classIndex}. */
    static final List<String> CLASSES = List.of(Names.NONE, "1xx", "2xx", "3xx", "4xx", "5xx", "other");

    /** The quantiles the node computes itself. */
    static final double[] QUANTILES = {0.5, 0.9, 0.99};

    /** How far back the node's own quantiles look. */
    static final Duration QUANTILE_WINDOW = Duration.ofMinutes(1);

    /** The histogram's upper bounds: 1 ms to 60 s in 1-2.5-5 steps, then +Inf. */
    static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
    };

    private final SeriesKey key;
    private final Counter[] byClass;
    private final Timer duration;
    private final Timer quantiles;
    private final LongAdder upstreamCount = new LongAdder();
    private final LongAdder upstreamNanosTotal = new LongAdder();
    private final FunctionTimer upstream;

    private RequestSeries(SeriesKey key, Counter[] byClass, Timer duration, Timer quantiles, MeterRegistry registry) {
        this.key = key;
        this.byClass = byClass;
        this.duration = duration;
        this.quantiles = quantiles;
        this.upstream = FunctionTimer.builder(Names.UPSTREAM_DURATION, this, s -> s.upstreamCount.sum(),
                        s -> s.upstreamNanosTotal.sum(), TimeUnit.NANOSECONDS)
                .description("From asking for a backend connection to the end of the exchange")
                .tags(key.tags())
                .register(registry);
    }

    /**
     * Registers (or finds, when they exist) the meters of a key.
     *
     * @param registry where the meters live
     * @param key      their tags
     */
    static RequestSeries register(MeterRegistry registry, SeriesKey key) {
        Tags tags = key.tags();
        Counter[] counters = new Counter[CLASSES.size()];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = Counter.builder(Names.REQUESTS)
                    .description("Requests that ended, by the class of the status sent to the client (none: the client left first)")
                    .tags(tags).tag(Names.CODE, CLASSES.get(i))
                    .register(registry);
        }
        Timer duration = Timer.builder(Names.REQUEST_DURATION)
                .description("From the request head to the end of the exchange")
                .tags(tags)
                // Fifteen fixed buckets rather than Micrometer's ~70 of a percentile histogram: the
                // bucket search is the costliest part of recording (a fifth of the metrics' cost per
                // request, profiled) and every bucket is a series per backend.
                .serviceLevelObjectives(BUCKETS)
                .distributionStatisticBufferLength(1)
                .register(registry);
        Timer quantiles = Timer.builder(Names.REQUEST_DURATION_QUANTILES)
                .description("Quantiles of the request duration over the last minute, computed on this node")
                .tags(tags)
                .publishPercentiles(QUANTILES)
                // One minute, in three rotating windows of 20 s: what the dashboard calls "the last minute".
                .distributionStatisticExpiry(QUANTILE_WINDOW)
                .distributionStatisticBufferLength(3)
                // Two significant digits: 1 % resolution, where the default (one) rounds by up to 6 %.
                .percentilePrecision(2)
                .register(registry);
        return new RequestSeries(key, counters, duration, quantiles, registry);
    }

    /**
     * The index in {@link #CLASSES} of a status: 0 for none (0), 1-5 for 1xx-5xx, 6 for anything
     * else.
     */
    static int classIndex(int status) {
        if (status == 0) {
            return 0;
        }
        int c = status / 100;
        return c >= 1 && c <= 5 ? c : 6;
    }

    SeriesKey key() {
        return key;
    }

    /**
     * Records one request: no allocation, no lock.
     *
     * @param status        the status sent, 0 for none
     * @param totalNanos    the request's duration
     * @param upstreamNanos its time with a backend, negative when it had none
     */
    void record(int status, long totalNanos, long upstreamNanos) {
        byClass[classIndex(status)].increment();
        duration.record(totalNanos, TimeUnit.NANOSECONDS);
        quantiles.record(totalNanos, TimeUnit.NANOSECONDS);
        if (upstreamNanos >= 0) {
            upstreamCount.increment();
            upstreamNanosTotal.add(upstreamNanos);
        }
    }

    /**
     * What this series counted: requests and 5xx since it was registered, and the median and 99th
     * percentile of the last minute (one HdrHistogram snapshot: an allocation, for the dashboard's
     * once-a-second tick, never per request).
     */
    BackendTraffic traffic() {
        long total = 0;
        for (Counter c : byClass) {
            total += (long) c.count();
        }
        double p50 = 0;
        double p99 = 0;
        for (ValueAtPercentile v : quantiles.takeSnapshot().percentileValues()) {
            if (v.percentile() == 0.5) {
                p50 = v.value(TimeUnit.MILLISECONDS);
            } else if (v.percentile() == 0.99) {
                p99 = v.value(TimeUnit.MILLISECONDS);
            }
        }
        return new BackendTraffic(total, (long) byClass[5].count(), p50, p99);
    }

    /** Takes the meters out of the registry (the backend left). */
    void remove(MeterRegistry registry) {
        List<Meter> meters = new ArrayList<>(List.of(byClass));
        meters.add(duration);
        meters.add(quantiles);
        meters.add(upstream);
        meters.forEach(registry::remove);
    }
}
