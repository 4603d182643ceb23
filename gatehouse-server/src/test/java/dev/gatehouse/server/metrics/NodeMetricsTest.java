package dev.gatehouse.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.proxy.ClientLimit;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-request path (caching, status classes, no allocation) and following snapshots, without sockets. */
final class NodeMetricsTest {

    private final NodeMetrics metrics = NodeMetrics.create(() -> 2, () -> 3, () -> 7);

    @AfterEach
    void close() {
        metrics.close();
    }

    private static Snapshot snapshot(long generation, GatehouseConfig config) {
        return Snapshot.of(generation, config, System::nanoTime, () -> 0L, new Random(1));
    }

    private static Backend backend(Snapshot s, String pool, int index) {
        return s.pool(pool).members().get(index).backend();
    }

    private PrometheusText scrape() {
        return PrometheusText.parse(metrics.scrape());
    }

    @ParameterizedTest
    @CsvSource({"0, none", "101, 1xx", "200, 2xx", "204, 2xx", "304, 3xx", "404, 4xx", "499, 4xx", "503, 5xx", "599, 5xx",
            "600, other", "42, other"})
    void classIndex_statusToItsClass(int status, String expected) {
        assertThat(RequestSeries.CLASSES.get(RequestSeries.classIndex(status))).isEqualTo(expected);
    }

    @Test
    void limitHit_countsPerLimit_everyLimitShownFromTheStart() {
        PrometheusText before = scrape();
        for (ClientLimit l : ClientLimit.values()) {
            assertThat(before.value("gatehouse_limit_rejections_total", "limit", l.setting())).as(l.setting()).isZero();
        }
        metrics.limitHit(ClientLimit.RATE);
        metrics.limitHit(ClientLimit.RATE);
        metrics.limitHit(ClientLimit.HEADERS);
        PrometheusText p = scrape();
        assertThat(p.value("gatehouse_limit_rejections_total", "limit", "rate_limit")).isEqualTo(2);
        assertThat(p.value("gatehouse_limit_rejections_total", "limit", "max_headers")).isEqualTo(1);
        assertThat(p.value("gatehouse_limit_rejections_total", "limit", "max_header_size")).isZero();
    }

    @Test
    void ended_countsByBackendAndClass_andTimesTheRequest() {
        Snapshot s = snapshot(1, TestNode.builder().backend("127.0.0.1:1001").backend("127.0.0.1:1002").config());
        metrics.sync(s);
        Backend a = backend(s, "web", 0);
        for (int i = 0; i < 10; i++) {
            metrics.ended("web", a, 200, 20_000_000, 15_000_000);
        }
        metrics.ended("web", a, 502, 1_000_000, 900_000);
        metrics.ended("web", a, 0, 1_000_000, 900_000);

        PrometheusText p = scrape();
        String[] tags = {"pool", "web", "backend", "127.0.0.1:1001", "version", "v1"};
        assertThat(p.value("gatehouse_requests_total", with(tags, "code", "2xx"))).isEqualTo(10);
        assertThat(p.value("gatehouse_requests_total", with(tags, "code", "5xx"))).isEqualTo(1);
        assertThat(p.value("gatehouse_requests_total", with(tags, "code", "none"))).isEqualTo(1);
        assertThat(p.value("gatehouse_request_duration_seconds_count", tags)).isEqualTo(12);
        assertThat(p.value("gatehouse_request_duration_quantiles_seconds", with(tags, "quantile", "0.5")))
                .isBetween(0.019, 0.021);
        assertThat(p.value("gatehouse_upstream_duration_seconds_count", tags)).isEqualTo(12);
        assertThat(p.value("gatehouse_upstream_duration_seconds_sum", tags)).isCloseTo(0.1518, org.assertj.core.data.Offset.offset(1e-9));
        // The other backend's series exist from the sync on, at 0.
        assertThat(p.value("gatehouse_requests_total", "backend", "127.0.0.1:1002", "code", "5xx")).isZero();
        assertThat(p.value("gatehouse_client_connections")).isEqualTo(2);
        assertThat(p.value("gatehouse_upstream_connections")).isEqualTo(3);
        assertThat(p.value("gatehouse_snapshot_generation")).isEqualTo(7);
    }

    @Test
    void ended_withoutBackend_countsUnderThePool_orUnderNone() {
        Snapshot s = snapshot(1, TestNode.builder().backend("127.0.0.1:1001").config());
        metrics.sync(s);
        metrics.ended("web", null, 503, 1_000, -1);
        metrics.ended(null, null, 404, 1_000, -1);

        PrometheusText p = scrape();
        assertThat(p.value("gatehouse_requests_total", "pool", "web", "backend", "none", "version", "none", "code", "5xx"))
                .isEqualTo(1);
        assertThat(p.value("gatehouse_requests_total", "pool", "none", "backend", "none", "code", "4xx")).isEqualTo(1);
        assertThat(p.value("gatehouse_upstream_duration_seconds_count", "pool", "web", "backend", "none")).isZero();
    }

    @Test
    void series_sameBackend_isFoundAgain_withoutAllocating() {
        Snapshot s = snapshot(1, TestNode.builder().backend("127.0.0.1:1001").backend("127.0.0.1:1002").config());
        metrics.sync(s);
        Backend a = backend(s, "web", 0);
        Backend b = backend(s, "web", 1);
        RequestMeters requests = metrics.requests();
        assertThat(requests.series("web", a)).isSameAs(requests.series("web", a)).isNotSameAs(requests.series("web", b));
        // An equal backend object (as a later snapshot with the same backend has) finds the same series.
        Backend copy = new Backend(a.pool(), a.address(), a.weight(), a.version());
        assertThat(requests.series("web", copy)).isSameAs(requests.series("web", a));

        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) {
            metrics.ended("web", (i & 1) == 0 ? a : b, 200, 1_000_000 + i, 500_000);
            metrics.ended("web", null, 503, 1_000, -1);
        }
        int n = 100_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            metrics.ended("web", (i & 1) == 0 ? a : b, 200 + (i & 255), 1_000_000 + i, 500_000);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat((double) allocated / n).as("bytes allocated per request").isLessThan(1.0);
    }

    @Test
    void sync_backendThatLeaves_losesItsMeters_andOneThatStays_keepsItsCounts() {
        Snapshot first = snapshot(1, TestNode.builder().backend("127.0.0.1:1001").backend("127.0.0.1:1002").config());
        metrics.sync(first);
        metrics.ended("web", backend(first, "web", 0), 200, 1_000_000, 1_000);
        metrics.ended("web", backend(first, "web", 1), 200, 1_000_000, 1_000);

        Snapshot second = snapshot(2, TestNode.builder().backend("127.0.0.1:1001").backend("other", "127.0.0.1:1003").config());
        metrics.sync(second);
        metrics.ended("web", backend(second, "web", 0), 200, 1_000_000, 1_000);

        PrometheusText p = scrape();
        assertThat(p.value("gatehouse_requests_total", "backend", "127.0.0.1:1001", "code", "2xx")).isEqualTo(2);
        assertThat(p.samples("gatehouse_requests_total", "backend", "127.0.0.1:1002")).isEmpty();
        assertThat(p.samples("gatehouse_backend_in_flight", "backend", "127.0.0.1:1002")).isEmpty();
        assertThat(p.samples("gatehouse_request_duration_seconds_count", "backend", "127.0.0.1:1002")).isEmpty();
        assertThat(p.value("gatehouse_backend_in_flight", "pool", "other", "backend", "127.0.0.1:1003")).isZero();
        assertThat(p.value("gatehouse_backend_health", "backend", "127.0.0.1:1003", "state", "healthy")).isEqualTo(1);
        assertThat(p.value("gatehouse_pool_retries_total", "pool", "other")).isZero();
    }

    @Test
    void sync_poolThatLeaves_losesItsMeters() {
        Snapshot first = snapshot(1, TestNode.builder().backend("127.0.0.1:1001").backend("other", "127.0.0.1:1003").config());
        metrics.sync(first);
        metrics.ended("other", null, 503, 1_000, -1);
        metrics.sync(snapshot(2, TestNode.builder().backend("127.0.0.1:1001").config()));

        PrometheusText p = scrape();
        assertThat(p.samples("gatehouse_pool_queue_length", "pool", "other")).isEmpty();
        assertThat(p.samples("gatehouse_requests_total", "pool", "other")).isEmpty();
        assertThat(p.value("gatehouse_pool_queue_length", "pool", "web")).isZero();
    }

    @Test
    void sync_versionChange_movesTheBackendToNewSeries() {
        Snapshot first = snapshot(1, TestNode.builder().backend("127.0.0.1:1001").config());
        metrics.sync(first);
        metrics.ended("web", backend(first, "web", 0), 200, 1_000_000, 1_000);
        Backend b = backend(first, "web", 0);
        Backend v2 = new Backend(b.pool(), b.address(), b.weight(), "v2");
        metrics.ended("web", v2, 200, 1_000_000, 1_000);

        PrometheusText p = scrape();
        assertThat(p.value("gatehouse_requests_total", "backend", "127.0.0.1:1001", "version", "v1", "code", "2xx")).isEqualTo(1);
        assertThat(p.value("gatehouse_requests_total", "backend", "127.0.0.1:1001", "version", "v2", "code", "2xx")).isEqualTo(1);
    }

    @Test
    void scrape_isThePrometheusTextFormat_withJvmMeters() {
        String text = metrics.scrape();
        assertThat(NodeMetrics.CONTENT_TYPE).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text).contains("# TYPE gatehouse_client_connections gauge", "jvm_memory_used_bytes", "jvm_gc_",
                "jvm_threads_live_threads", "jvm_classes_loaded_classes", "process_uptime_seconds", "system_cpu_count");
    }

    @Test
    void watchEventLoops_exportsTheLag_andOnlyOnce() {
        var loops = new io.netty.util.concurrent.DefaultEventExecutorGroup(1);
        try {
            metrics.watchEventLoops(loops);
            assertThat(metrics.scrape()).contains("# TYPE gatehouse_event_loop_lag_seconds histogram",
                    "gatehouse_event_loop_lag_seconds_count{loop=\"0\"}", "gatehouse_event_loop_lag_seconds_max{loop=\"0\"}");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> metrics.watchEventLoops(loops))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the event loops are watched already");
        } finally {
            metrics.close();
            loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static String[] with(String[] tags, String key, String value) {
        String[] all = java.util.Arrays.copyOf(tags, tags.length + 2);
        all[tags.length] = key;
        all[tags.length + 1] = value;
        return all;
    }
}
