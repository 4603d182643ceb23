package dev.gatehouse.bench.uploads;

import dev.gatehouse.bench.scenario.Args;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slow-uploads scenario's client (docs/benchmarks.md): {@code --uploaders} clients each start
 * a POST with a 1,000-byte {@code Content-Length} and send one byte of it every
 * {@code --byte-every-ms}, while normal GETs arrive at {@code --get-rate} per second (Poisson,
 * seeded) for {@code --duration} seconds. Prints one JSON line: the GETs sent, answered 2xx,
 * failed by status or error, and their latency percentiles from each GET's scheduled time; and
 * how the uploads ended (a status, or still open). Only loopback; stops by itself.
 *
 * <p>Usage: {@code SlowUploadsClient --url http://127.0.0.1:P [--uploaders 50] [--byte-every-ms 3000]
 * [--get-rate 50] [--duration 15] [--timeout 10] [--seed 1] [--label L]}.
 */
public final class SlowUploadsClient {

    private SlowUploadsClient() {
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        String label = "run";
        int uploaders = 50;
        int byteEveryMs = 3000;
        double rate = 50;
        int duration = 15;
        int timeout = 10;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--url" -> { url = v; i++; }
                case "--label" -> { label = v; i++; }
                case "--uploaders" -> { uploaders = Args.nonNegativeInt(a, v); i++; }
                case "--byte-every-ms" -> { byteEveryMs = Args.positiveInt(a, v); i++; }
                case "--get-rate" -> { rate = Args.positiveDouble(a, v); i++; }
                case "--duration" -> { duration = Args.positiveInt(a, v); i++; }
                case "--timeout" -> { timeout = Args.positiveInt(a, v); i++; }
                case "--seed" -> { seed = Args.positiveInt(a, v); i++; }
                default -> throw Args.fail("argument", a, "--url, --uploaders, --byte-every-ms, --get-rate, --duration, --timeout, --seed or --label");
            }
        }
        if (url == null) {
            throw Args.fail("--url", "", "the proxy's base URL");
        }
        URI base = URI.create(url);
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        List<Uploader> ups = new ArrayList<>();
        for (int u = 0; u < uploaders; u++) {
            Uploader up = new Uploader(base, u);
            ups.add(up);
            timer.scheduleAtFixedRate(up::tick, (long) u * byteEveryMs / Math.max(1, uploaders), byteEveryMs,
                    TimeUnit.MILLISECONDS);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(timeout)).build();
        Random random = new Random(seed);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(duration);
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        long[] latencies = new long[(int) (rate * duration * 2) + 16];
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        long next = start;
        int sent = 0;
        while (true) {
            next += (long) (-Math.log(1 - random.nextDouble()) / rate * 1e9);
            if (next >= end) {
                break;
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long scheduled = next;
            int index = sent++;
            HttpRequest get = HttpRequest.newBuilder(base.resolve("/get/" + index)).timeout(Duration.ofSeconds(timeout)).GET().build();
            pending.add(http.sendAsync(get, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                long latency = System.nanoTime() - scheduled;
                if (e != null) {
                    failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                } else if (r.statusCode() / 100 == 2) {
                    ok.incrementAndGet();
                    synchronized (latencies) {
                        latencies[answered.getAndIncrement()] = latency;
                    }
                } else {
                    failures.merge("status " + r.statusCode(), 1, Integer::sum);
                }
                return null;
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(timeout + 5L, TimeUnit.SECONDS);
        timer.shutdownNow();
        Map<String, Integer> uploadEnds = new TreeMap<>();
        for (Uploader up : ups) {
            uploadEnds.merge(up.close(), 1, Integer::sum);
        }
        long[] sorted;
        synchronized (latencies) {
            sorted = Arrays.copyOf(latencies, answered.get());
        }
        Arrays.sort(sorted);
        System.out.printf("{\"label\":\"%s\",\"uploaders\":%d,\"gets\":%d,\"ok\":%d,\"errors\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
                        + "\"max_ms\":%.3f,\"failures\":\"%s\",\"uploads\":\"%s\"}%n",
                label, uploaders, sent, ok.get(), sent - ok.get(), pct(sorted, 0.50), pct(sorted, 0.99),
                sorted.length == 0 ? -1 : sorted[sorted.length - 1] / 1e6, failures, uploadEnds);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /** One slow upload: a POST head, then a byte per tick; how it ended is read at the close. */
    private static final class Uploader {
        private final URI base;
        private final int id;
        private Socket socket;
        private OutputStream out;
        private String ended;

        Uploader(URI base, int id) {
            this.base = base;
            this.id = id;
        }

        synchronized void tick() {
            try {
                if (ended != null) {
                    return;
                }
                if (socket == null) {
                    socket = new Socket();
                    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
                    out = socket.getOutputStream();
                    out.write(("POST /upload/" + id + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: text/plain\r\n"
                            + "Content-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write('x');
                out.flush();
            } catch (IOException e) {
                ended = "cut: " + e.getClass().getSimpleName();
            }
        }

        synchronized String close() {
            String how = ended;
            if (how == null && socket != null) {
                try {
                    socket.setSoTimeout(1);
                    int b = socket.getInputStream().read();
                    how = b < 0 ? "closed by the proxy" : "answered while uploading";
                } catch (java.net.SocketTimeoutException e) {
                    how = "still uploading";
                } catch (IOException e) {
                    how = "cut: " + e.getClass().getSimpleName();
                }
            }
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
            return how == null ? "never started" : how;
        }
    }
}
