package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.AdmissionConfig;
import dev.gatehouse.core.config.QueueConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.state.PoolStatus;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehaviors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Concurrency limits and the pool's queue, end to end with real sockets. */
final class AdmissionIT {

    private static TestNode node(StubBackend backend, int concurrency, int queueMax, Duration queueTimeout) throws Exception {
        return TestNode.builder().backend(backend.address())
                .policy("web", Strategy.ROUND_ROBIN, null,
                        new AdmissionConfig(concurrency, null, new QueueConfig(queueMax, queueTimeout), null), null)
                .start();
    }

    private static void send(RawHttpClient client, String path) {
        client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    @Test
    void queuedRequests_reachTheBackendOneAtATimeInArrivalOrder() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = node(backend, 1, 100, Duration.ofSeconds(10))) {
            List<RawHttpClient> clients = new ArrayList<>();
            try {
                RawHttpClient first = RawHttpClient.connect(node.port());
                clients.add(first);
                send(first, "/delay/2000");
                backend.awaitRequests(1, Duration.ofSeconds(5));
                for (int i = 0; i < 5; i++) {
                    RawHttpClient c = RawHttpClient.connect(node.port());
                    clients.add(c);
                    send(c, "/q" + i);
                    // Each must be queued before the next arrives, so that the order is defined.
                    int queued = i + 1;
                    await().atMost(Duration.ofSeconds(5)).until(() -> node.server().snapshots().current()
                            .pool("web").admission().queueLength() == queued);
                }
                for (RawHttpClient c : clients) {
                    assertThat(c.readResponse().status()).isEqualTo(200);
                }
                assertThat(backend.requests()).extracting(RecordedRequest::uri)
                        .containsExactly("/delay/2000", "/q0", "/q1", "/q2", "/q3", "/q4");
            } finally {
                clients.forEach(RawHttpClient::close);
            }
        }
    }

    @Test
    void queueTimeout_gets503WithRetryAfter() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = node(backend, 1, 100, Duration.ofMillis(200));
             RawHttpClient busy = RawHttpClient.connect(node.port()); RawHttpClient waiting = RawHttpClient.connect(node.port())) {
            send(busy, "/delay/2000");
            backend.awaitRequests(1, Duration.ofSeconds(5));
            send(waiting, "/never-sent");
            // What the balancer knows is visible while it happens.
            await().atMost(Duration.ofSeconds(5)).until(() -> node.server().status().get(0).admission().queueLength() == 1);
            PoolStatus.BackendStatus b = node.server().status().get(0).backends().get(0);
            assertThat(b.inFlight()).isEqualTo(1);
            assertThat(b.limit()).isEqualTo(1);
            RawHttpResponse r = waiting.readResponse();
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(backend.requestsStarted()).isEqualTo(1);
            assertThat(node.server().status().get(0).admission().timedOutOrCancelledTotal()).isEqualTo(1);
        }
    }

    @Test
    void fullQueue_gets503AtOnce() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = node(backend, 1, 0, Duration.ofSeconds(10));
             RawHttpClient busy = RawHttpClient.connect(node.port()); RawHttpClient refused = RawHttpClient.connect(node.port())) {
            send(busy, "/delay/2000");
            backend.awaitRequests(1, Duration.ofSeconds(5));
            long start = System.nanoTime();
            send(refused, "/x");
            assertThat(refused.readResponse().status()).isEqualTo(503);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void clientThatLeavesTheQueue_neverReachesTheBackend() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = node(backend, 1, 100, Duration.ofSeconds(10));
             RawHttpClient busy = RawHttpClient.connect(node.port()); RawHttpClient after = RawHttpClient.connect(node.port())) {
            send(busy, "/delay/500");
            backend.awaitRequests(1, Duration.ofSeconds(5));
            try (RawHttpClient leaver = RawHttpClient.connect(node.port())) {
                send(leaver, "/left");
                await().atMost(Duration.ofSeconds(5)).until(() ->
                        node.server().snapshots().current().pool("web").admission().queueLength() == 1);
            }
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    node.server().snapshots().current().pool("web").admission().queueLength() == 0);
            send(after, "/after");
            assertThat(busy.readResponse().status()).isEqualTo(200);
            assertThat(after.readResponse().status()).isEqualTo(200);
            assertThat(backend.requests()).extracting(RecordedRequest::uri).containsExactly("/delay/500", "/after");
        }
    }

    @Test
    void p2cEwma_prefersTheFastBackend() throws Exception {
        try (StubBackend fast = StubBackend.start("fast");
             StubBackend slow = StubBackend.start("slow", StubBehaviors.delay(Duration.ofMillis(40), StubBehaviors.standard("slow")));
             TestNode node = TestNode.builder().backend(fast.address()).backend(slow.address())
                     .policy("web", Strategy.P2C_EWMA, null, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            int toFast = 0;
            for (int i = 0; i < 100; i++) {
                send(client, "/");
                if ("fast".equals(client.readResponse().header("X-Backend"))) {
                    toFast++;
                }
            }
            // Sequential requests: the slow backend is tried now and then (its latency decays),
            // but the fast one takes the large majority.
            assertThat(toFast).isGreaterThan(80);
        }
    }
}
