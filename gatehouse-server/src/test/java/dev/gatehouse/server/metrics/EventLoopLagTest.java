package dev.gatehouse.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event-loop lag probe on real executors, read through a Prometheus scrape. */
final class EventLoopLagTest {

    private static final String LAG = "gatehouse_event_loop_lag_seconds";
    private static final Duration PERIOD = Duration.ofMillis(20);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DefaultEventExecutorGroup loops = new DefaultEventExecutorGroup(2);

    @AfterEach
    void close() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        registry.close();
    }

    private PrometheusText scrape() {
        return PrometheusText.parse(registry.scrape());
    }

    @Test
    void everyLoop_isProbedRepeatedly_asAHistogramTaggedWithItsIndex() {
        try (EventLoopLag lag = new EventLoopLag(loops, registry, PERIOD)) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                PrometheusText p = scrape();
                assertThat(p.value(LAG + "_count", "loop", "0")).isGreaterThanOrEqualTo(3);
                assertThat(p.value(LAG + "_count", "loop", "1")).isGreaterThanOrEqualTo(3);
            });
            PrometheusText p = scrape();
            assertThat(p.samples(LAG + "_bucket", "loop", "0")).hasSize(EventLoopLag.BUCKETS.length + 1);
            assertThat(p.value(LAG + "_bucket", "loop", "1", "le", "+Inf")).isEqualTo(p.value(LAG + "_count", "loop", "1"));
            assertThat(p.samples(LAG + "_max")).hasSize(2);
            assertThat(p.value(LAG + "_sum", "loop", "0")).isNotNegative();
        }
    }

    @Test
    void aStalledLoop_showsItsStall_once() {
        try (EventLoopLag lag = new EventLoopLag(loops, registry, PERIOD)) {
            var loop0 = loops.iterator().next();
            await().atMost(Duration.ofSeconds(10)).until(() -> scrape().value(LAG + "_count", "loop", "0") >= 1);
            // A deliberate stall of the loop under test (what a blocking call would do to a node's loop).
            loop0.submit(() -> {
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).syncUninterruptibly();
            double countAfterStall = scrape().value(LAG + "_count", "loop", "0");
            // A few more probes after the stall: each runs on time again, so the stall counts once.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> scrape().value(LAG + "_count", "loop", "0") >= countAfterStall + 3);
            PrometheusText p = scrape();
            double late = p.value(LAG + "_count", "loop", "0") - p.value(LAG + "_bucket", "loop", "0", "le", "0.25");
            assertThat(late).isEqualTo(1);
            assertThat(p.value(LAG + "_max", "loop", "0")).isGreaterThan(0.25);
        }
    }

    @Test
    void closed_stopsProbing() {
        EventLoopLag lag = new EventLoopLag(loops, registry, PERIOD);
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape().value(LAG + "_count", "loop", "1") >= 1);
        lag.close();
        double count = scrape().value(LAG + "_count", "loop", "1");
        // A probe running while close() ran may have scheduled one more; after that, nothing for
        // fifteen periods.
        await().during(PERIOD.multipliedBy(15)).atMost(Duration.ofSeconds(5))
                .until(() -> scrape().value(LAG + "_count", "loop", "1") <= count + 1);
        lag.close();
    }

    @Test
    void aPeriodOfZero_isRefused() {
        assertThatThrownBy(() -> new EventLoopLag(loops, registry, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("period: PT0S (expected: > 0)");
    }
}
