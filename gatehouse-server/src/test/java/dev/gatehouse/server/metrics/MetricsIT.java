package dev.gatehouse.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.RetryConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehaviors;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The metrics of a node on real sockets, read the way Prometheus reads them: through
 * {@code scrape()}, parsed.
 */
final class MetricsIT {

    private static final String REQUESTS = "gatehouse_requests_total";
    private static final String QUANTILES = "gatehouse_request_duration_quantiles_seconds";

    private static RawHttpResponse get(RawHttpClient client, String host, String path) {
        client.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        return client.readResponse();
    }

    private static PrometheusText scrape(TestNode node) {
        return PrometheusText.parse(node.server().metrics().scrape());
    }

    private static String closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void requestsAndLatency_perBackend() throws Exception {
        try (StubBackend slow = StubBackend.start("slow");
             StubBackend fast = StubBackend.start("fast");
             TestNode node = TestNode.builder()
                     .route("slow.test", "/", "slow").route("fast.test", "/", "fast")
                     .backend("slow", slow.address()).backend("fast", fast.address())
                     .start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            for (int i = 0; i < 50; i++) {
                assertThat(get(client, "slow.test", "/delay/50").status()).isEqualTo(200);
                assertThat(get(client, "fast.test", "/delay/5").status()).isEqualTo(200);
            }
            assertThat(get(client, "fast.test", "/status/503").status()).isEqualTo(503);
            assertThat(get(client, "nowhere.test", "/").status()).isEqualTo(404);
            String[] slowTags = {"pool", "slow", "backend", slow.address(), "version", "v1"};
            String[] fastTags = {"pool", "fast", "backend", fast.address(), "version", "v1"};

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                PrometheusText p = scrape(node);
                assertThat(p.value(REQUESTS, with(slowTags, "code", "2xx"))).isEqualTo(50);
                assertThat(p.value(REQUESTS, with(fastTags, "code", "2xx"))).isEqualTo(50);
                assertThat(p.value(REQUESTS, with(fastTags, "code", "5xx"))).isEqualTo(1);
                assertThat(p.value(REQUESTS, "pool", "none", "backend", "none", "code", "4xx")).isEqualTo(1);
                assertThat(p.value("gatehouse_backend_in_flight", slowTags)).isZero();
                assertThat(p.value("gatehouse_backend_in_flight", fastTags)).isZero();
            });
            PrometheusText p = scrape(node);
            assertThat(p.value(REQUESTS, with(slowTags, "code", "5xx"))).isZero();
            assertThat(p.value(REQUESTS, with(slowTags, "code", "none"))).isZero();
            assertThat(p.value("gatehouse_request_duration_seconds_count", slowTags)).isEqualTo(50);
            assertThat(p.value("gatehouse_request_duration_seconds_count", fastTags)).isEqualTo(51);
            // Each backend's median is its delay plus the proxy's and the loopback's little overhead.
            assertThat(p.value(QUANTILES, with(slowTags, "quantile", "0.5"))).isBetween(0.050, 0.080);
            assertThat(p.value(QUANTILES, with(fastTags, "quantile", "0.5"))).isBetween(0.005, 0.035);
            assertThat(p.value(QUANTILES, with(slowTags, "quantile", "0.99")))
                    .isGreaterThanOrEqualTo(p.value(QUANTILES, with(slowTags, "quantile", "0.5")));
            // The histogram agrees: no slow request under 50 ms, every one under 1 s.
            assertThat(p.value("gatehouse_request_duration_seconds_bucket", with(slowTags, "le", "0.025"))).isZero();
            assertThat(p.value("gatehouse_request_duration_seconds_bucket", with(slowTags, "le", "1.0"))).isEqualTo(50);
            assertThat(p.value("gatehouse_upstream_duration_seconds_count", slowTags)).isEqualTo(50);
            assertThat(p.value("gatehouse_upstream_duration_seconds_sum", slowTags)).isGreaterThanOrEqualTo(50 * 0.050);
            assertThat(p.value("gatehouse_client_connections")).isEqualTo(1);
            assertThat(p.value("gatehouse_upstream_connections")).isGreaterThanOrEqualTo(2);
            assertThat(p.value("gatehouse_backend_health", with(slowTags, "state", "healthy"))).isEqualTo(1);
            assertThat(p.value("gatehouse_pool_rejected_total", "pool", "slow")).isZero();
        }
    }

    @Test
    void retryAndEjection_ofABackendThatRefusesConnections() throws Exception {
        String closed = closedPort();
        try (StubBackend good = StubBackend.start("good");
             TestNode node = TestNode.builder().backend(closed).backend(good.address())
                     .retry("web", RetryConfig.DEFAULTS).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            for (int i = 0; i < 8; i++) {
                assertThat(get(client, "x", "/").status()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                PrometheusText p = scrape(node);
                // Round robin sent every other request to the closed port first, until it was
                // ejected after three connect failures in a row: those requests were retried.
                assertThat(p.value("gatehouse_pool_retries_total", "pool", "web"))
                        .isEqualTo(node.server().status().get(0).retries())
                        .isGreaterThanOrEqualTo(3);
                assertThat(p.value("gatehouse_pool_retries_denied_total", "pool", "web")).isZero();
                assertThat(p.value("gatehouse_backend_health", "backend", closed, "state", "ejected")).isEqualTo(1);
                assertThat(p.value("gatehouse_backend_health", "backend", closed, "state", "healthy")).isZero();
                assertThat(p.value("gatehouse_backend_health", "backend", good.address(), "state", "healthy")).isEqualTo(1);
                // A request is counted once, under the backend that answered it.
                assertThat(p.value(REQUESTS, "backend", good.address(), "code", "2xx")).isEqualTo(8);
                assertThat(p.samples(REQUESTS, "backend", closed).stream().mapToDouble(PrometheusText.Sample::value).sum())
                        .isZero();
            });
        }
    }

    @Test
    void clientThatLeavesBeforeTheResponse_isCountedAsNone() throws Exception {
        try (StubBackend hang = StubBackend.start("hang", StubBehaviors.hang());
             TestNode node = TestNode.of(hang.address())) {
            String[] tags = {"pool", "web", "backend", hang.address(), "version", "v1"};
            try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                client.send("GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
                await().atMost(Duration.ofSeconds(5)).until(() -> hang.requestsStarted() == 1);
                assertThat(scrape(node).value("gatehouse_backend_in_flight", tags)).isEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                PrometheusText p = scrape(node);
                assertThat(p.value(REQUESTS, with(tags, "code", "none"))).isEqualTo(1);
                assertThat(p.value("gatehouse_backend_in_flight", tags)).isZero();
                assertThat(p.value("gatehouse_client_connections")).isZero();
            });
        }
    }

    @Test
    void eventLoopLag_isMeasuredOnEveryLoopOfTheNode() throws Exception {
        int loops = Integer.getInteger("gatehouse.io.threads", Runtime.getRuntime().availableProcessors());
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            assertThat(get(client, "x", "/").status()).isEqualTo(200);
            // The probe runs once a second on each loop.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                PrometheusText p = scrape(node);
                assertThat(p.samples("gatehouse_event_loop_lag_seconds_count")).hasSize(loops);
                for (int i = 0; i < loops; i++) {
                    assertThat(p.value("gatehouse_event_loop_lag_seconds_count", "loop", Integer.toString(i)))
                            .isGreaterThanOrEqualTo(1);
                }
            });
            PrometheusText p = scrape(node);
            // An idle loop runs its probe within the timer's granularity, far below a second.
            assertThat(p.value("gatehouse_event_loop_lag_seconds_bucket", "loop", "0", "le", "1.0"))
                    .isEqualTo(p.value("gatehouse_event_loop_lag_seconds_count", "loop", "0"));
            assertThat(p.value("gatehouse_event_loop_lag_seconds_max", "loop", "0")).isLessThan(1.0);
        }
    }

    private static String[] with(String[] tags, String key, String value) {
        String[] all = java.util.Arrays.copyOf(tags, tags.length + 2);
        all[tags.length] = key;
        all[tags.length + 1] = value;
        return all;
    }
}
