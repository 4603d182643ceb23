package dev.gatehouse.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.StaticConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.metrics.PrometheusText;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelined requests for answers the node gives itself, at once (small static files, listings): a
 * long pipeline is answered in order without deepening the stack, and a client that sends requests
 * but reads no answers is not read further once its answers fill the outbound buffer.
 */
final class StaticPipeliningIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "a\n");
        Files.writeString(dir.resolve("b.txt"), "bb\n");
        Path listed = Files.createDirectories(dir.resolve("listed"));
        for (int i = 0; i < 2000; i++) {
            Files.writeString(listed.resolve("a-file-with-a-long-name-so-that-the-listing-is-large-%04d.txt".formatted(i)), "");
        }
        StaticConfig listing = new StaticConfig(listed.toString(), List.of("index.html"), true, false, false,
                List.of(), null, false, Pattern.compile(StaticConfig.DEFAULT_FINGERPRINT));
        node = TestNode.builder()
                .route(RouteConfig.serving(null, "/listed/", listing, null))
                .route(RouteConfig.serving(null, "/", StaticConfig.of(dir.toString()), null))
                .start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aLongPipeline_isAnsweredInOrder() throws Exception {
        int n = 5000;
        // Up to 100 requests ahead of their answers: within the 128 a connection may have decoded
        // and unanswered (more is refused with 400, PendingMethods).
        Semaphore window = new Semaphore(100);
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < n; i++) {
                    window.acquireUninterruptibly();
                    client.send("GET /" + (i % 2 == 0 ? "a" : "b") + ".txt HTTP/1.1\r\nHost: x\r\n\r\n");
                }
            });
            for (int i = 0; i < n; i++) {
                RawHttpResponse r = client.readResponse();
                window.release();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).as("answer %d", i).isEqualTo(i % 2 == 0 ? "a\n" : "bb\n");
            }
            sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientThatReadsNoAnswers_isNotReadFurther_untilItReads() {
        // Listings, like errors and redirects, are answered whole in one write: without a check of
        // the client's writability before its next request, a client that sends requests and reads
        // nothing would have the node queue every answer (30 MB here) in memory.
        int n = 100;
        double before = answered();
        try (RawHttpClient client = RawHttpClient.connectWithReceiveBuffer(node.port(), 16 * 1024)) {
            client.send("GET /listed/ HTTP/1.1\r\nHost: x\r\n\r\n".repeat(n));

            // The node answers until the socket buffers and its outbound buffer are full, then stops.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).during(Duration.ofMillis(500))
                    .until(new Steady(StaticPipeliningIT::answered));
            double stalled = answered() - before;
            assertThat(stalled).as("answers queued before the client read any").isPositive().isLessThan(n / 2.0);

            for (int i = 0; i < n; i++) {
                RawHttpResponse r = client.readResponse();
                assertThat(r.status()).as("answer %d", i).isEqualTo(200);
                assertThat(r.bodyLength()).isGreaterThan(250_000);
            }
        }
        assertThat(answered() - before).isEqualTo(n);
    }

    private static double answered() {
        return PrometheusText.parse(node.server().metrics().scrape())
                .samples("gatehouse_static_responses_total", "code", "2xx").stream()
                .mapToDouble(PrometheusText.Sample::value).sum();
    }

    /** True once the value read is the same as at the previous poll. */
    private static final class Steady implements java.util.concurrent.Callable<Boolean> {
        private final java.util.function.DoubleSupplier value;
        private double last = Double.NaN;

        Steady(java.util.function.DoubleSupplier value) {
            this.value = value;
        }

        @Override
        public Boolean call() {
            double now = value.getAsDouble();
            boolean same = now == last;
            last = now;
            return same;
        }
    }
}
