package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A stub must never buffer more than a socket's worth of a body a peer is not taking. */
final class StubBackpressureTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long LIMIT = 32L * 1024 * 1024;

    private static long usedDirectMemory() {
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }

    @Test
    void download_waitsForASlowReader() {
        long twoGigabytes = 2L * 1024 * 1024 * 1024;
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("GET /download?bytes=" + twoGigabytes + " HTTP/1.1\r\nHost: x\r\n\r\n");
            backend.awaitRequests(1, WAIT);

            // The client reads nothing; unchecked, the stub would allocate the 2 GB in well under this.
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> usedDirectMemory() < LIMIT);
        }
    }

    @Test
    void echo_readsNoFasterThanThePeerTakesTheResponse() throws Exception {
        long n = 256L * 1024 * 1024;
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> client
                    .send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\n\r\n")
                    .send(DeterministicBytes.stream(n)));

            // Nobody reads the echo, so the stub stops reading and the sender stalls on full buffers.
            await().during(Duration.ofMillis(500)).atMost(WAIT)
                    .until(() -> !sent.isDone() && usedDirectMemory() < LIMIT);

            RawHttpResponse response = client.readResponse(false, OutputStream.nullOutputStream());
            sent.get();
            assertThat(response.bodySha256()).isEqualTo(DeterministicBytes.sha256(n));
        }
    }
}
