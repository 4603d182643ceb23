package dev.gatehouse.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.WebSocketEchoBackend;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * A thousand WebSockets open at once through one node: each echoes, the registry counts them, they
 * all close, and the heap does not grow with them beyond a bound.
 *
 * <p>The clients are the JDK's {@link HttpClient} WebSockets, which share one selector thread:
 * the fixture client has an event loop per connection, too many threads for a thousand.
 */
final class WebSocketManyIT {

    private static final int TUNNELS = 1_000;
    /** Handshakes in flight at once. */
    private static final int CONCURRENCY = 50;
    /**
     * Heap growth allowed with every tunnel open, measured after a full GC in the one JVM that
     * holds the node, the backend and all clients. Generous on purpose: a thousand JDK client
     * WebSockets and a thousand backend channels are counted too, and paranoid leak detection
     * keeps access records for buffers alive; what it catches is a tunnel that keeps a message
     * or a buffer per connection (200 KB each here). The JVM has -Xmx512m.
     */
    private static final long HEAP_BOUND = 200L * 1024 * 1024;
    /** Client, node (two) and backend socket per tunnel, plus slack for selectors and jars. */
    private static final long FDS_NEEDED = 4L * TUNNELS + 1_000;
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Collects whole text messages and the peer's Close code. */
    private static final class Peer implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(m).as("a message within " + WAIT).isNotNull();
            return m;
        }
    }

    private record Open(WebSocket ws, Peer peer) {
    }

    @Test
    void thousandTunnels_echo_countAndClose_withBoundedHeap(TestReporter report) throws Exception {
        long fdLimit = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                ? u.getMaxFileDescriptorCount() : Long.MAX_VALUE;
        assumeTrue(fdLimit >= FDS_NEEDED, "the file-descriptor limit (ulimit -n) is " + fdLimit + ", below the "
                + FDS_NEEDED + " that " + TUNNELS + " tunnels need in one JVM; not raised by the test");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ExecutorService handshakes = Executors.newFixedThreadPool(CONCURRENCY);
        HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
        List<Open> open = new ArrayList<>();
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             TestNode node = TestNode.builder().backend(backend.address()).accessLog(false).start()) {
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            long start = System.nanoTime();

            List<Future<Open>> futures = new ArrayList<>();
            for (int i = 0; i < TUNNELS; i++) {
                int n = i;
                futures.add(handshakes.submit(() -> {
                    Peer peer = new Peer();
                    WebSocket ws = http.newWebSocketBuilder().connectTimeout(WAIT)
                            .buildAsync(URI.create("ws://127.0.0.1:" + node.port() + "/ws/" + n), peer)
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(peer.next()).isEqualTo("hello from v1");
                    ws.sendText("tunnel " + n, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(peer.next()).isEqualTo("tunnel " + n);
                    return new Open(ws, peer);
                }));
            }
            for (Future<Open> f : futures) {
                open.add(f.get(60, TimeUnit.SECONDS));
            }
            Duration opening = Duration.ofNanos(System.nanoTime() - start);

            assertThat(node.server().tunnels().size()).isEqualTo(TUNNELS);
            assertThat(node.server().tunnels().count("web", "v1")).isEqualTo(TUNNELS);
            assertThat(backend.openWebSockets()).isEqualTo(TUNNELS);
            System.gc();
            long grown = memory.getHeapMemoryUsage().getUsed() - heapBefore;
            report.publishEntry("heap growth with every tunnel open (MiB)", String.valueOf(grown >> 20));
            report.publishEntry("opening and echoing (ms)", String.valueOf(opening.toMillis()));
            assertThat(grown).as("heap growth with %d tunnels open (bytes)", TUNNELS).isLessThan(HEAP_BOUND);

            for (Open o : open) {
                o.ws().sendClose(1000, "bye");
            }
            for (Open o : open) {
                assertThat(o.peer().closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1000);
            }
            await().atMost(WAIT).until(() -> node.server().tunnels().size() == 0);
            await().atMost(WAIT).until(() -> backend.openWebSockets() == 0);
            assertThat(node.server().tunnels().counts()).isEmpty();
            assertThat(opening).as("opening and echoing on %d tunnels", TUNNELS).isLessThan(Duration.ofSeconds(30));
        } finally {
            open.forEach(o -> o.ws().abort());
            handshakes.shutdownNow();
            http.close();
        }
    }
}
