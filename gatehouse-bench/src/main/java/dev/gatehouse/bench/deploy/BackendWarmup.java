package dev.gatehouse.bench.deploy;

import dev.gatehouse.bench.scenario.Args;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends requests straight to every backend before the first round, so that no configuration
 * meets a cold backend JVM: a stub that has never served a request takes most of a second over
 * its first ones (class loading, the interpreter), and the first configuration to switch to v2
 * would carry that while the later ones would not. The requests have no {@code X-Request-Id}, so
 * the backends log them with {@code -}, like health checks, and the report leaves them out.
 *
 * <p>Usage: {@code BackendWarmup --ports P1,P2,... [--requests 500] [--connections 2]}. Exits 0
 * when every backend answered every request with 200, 1 otherwise.
 */
public final class BackendWarmup {

    private BackendWarmup() {
    }

    /**
     * Warms the backends.
     *
     * @param args see the class comment
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        List<Integer> ports = new ArrayList<>();
        int requests = 500;
        int connections = 2;
        for (int i = 0; i < args.length; i += 2) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--ports" -> {
                    for (String p : (v == null ? "" : v).split(",")) {
                        ports.add(Args.intIn(a, p, 1, 65535));
                    }
                }
                case "--requests" -> requests = Args.intIn(a, v, 1, 1_000_000);
                case "--connections" -> connections = Args.intIn(a, v, 1, 64);
                default -> throw Args.fail("argument", a, "--ports, --requests or --connections");
            }
        }
        AtomicInteger failed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        int perConnection = Math.max(1, requests / connections);
        for (int port : ports) {
            for (int c = 0; c < connections; c++) {
                threads.add(Thread.ofPlatform().daemon(true).start(() -> warm(port, perConnection, failed)));
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        System.err.printf("warm-up: %d requests to each of %d backends, %d failed%n", perConnection * connections,
                ports.size(), failed.get());
        System.exit(failed.get() == 0 ? 0 : 1);
    }

    private static void warm(int port, int n, AtomicInteger failed) {
        RawHttpClient conn = null;
        try {
            for (int i = 0; i < n; i++) {
                if (conn == null) {
                    conn = RawHttpClient.connect(port, Duration.ofSeconds(10));
                }
                RawHttpResponse r = conn.send("GET /delay/0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
                if (r.status() != 200) {
                    failed.incrementAndGet();
                }
            }
        } catch (UncheckedIOException e) {
            failed.incrementAndGet();
        } finally {
            if (conn != null) {
                conn.close();
            }
        }
    }
}
