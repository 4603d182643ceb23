package dev.gatehouse.bench.chaos;

import dev.gatehouse.bench.scenario.ClientFailures;
import dev.gatehouse.bench.scenario.SlotPacer;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chaos scenario's load: a fixed number of workers, each with one keep-alive connection to
 * the node, sending requests on a fixed schedule that adds up to {@code rate} requests per second
 * (worker {@code w}'s {@code k}-th request is due at {@code start + (w + k * workers) / rate}).
 * A worker still busy when its next slot comes skips the slots it missed, so a stall lowers the
 * rate instead of causing a burst afterwards. Every request carries a unique {@code X-Request-Id}.
 *
 * <p>A share {@code postShare} of the requests are POSTs with a small body, to {@code /upload},
 * {@code /echo} or {@code /delay/D}, one of the three at random: not idempotent, so a proxy may
 * not send them twice. The others are GETs of {@code /delay/D} or {@code /download?bytes=N}. The
 * delay keeps requests in flight on the backends long enough for a kill to catch some of both
 * kinds.
 *
 * <p>Why raw sockets ({@link RawHttpClient}) and not the JDK's HttpClient: the JDK client silently
 * re-sends a GET whose reused connection closed before any response, which would hide exactly the
 * failures this scenario counts. Here a request is sent once; whatever goes wrong is recorded:
 * a status other than 200, a body that is not the expected one, or a client-side error (the
 * connection closed or reset before or during the response, or no response within the timeout).
 * After an error or a {@code Connection: close} response the worker opens a new connection.
 */
final class ChaosLoad {

    /** One request as the client saw it. Times in epoch microseconds. */
    record Result(String id, String method, String path, int worker, long startMicros, long endMicros,
                  String outcome, int status, String cause, String backend, boolean reusedConnection) {

        static final String OK = "ok";
        static final String HTTP = "http";
        static final String CLIENT = "client";
        static final String BAD_BODY = "bad-body";

        boolean failed() {
            return !OK.equals(outcome);
        }
    }

    private final int port;
    private final int workers;
    private final double rate;
    private final double postShare;
    private final int delayMs;
    private final int bodyBytes;
    private final int downloadBytes;
    private final Duration timeout;
    private final long seed;
    private final String idPrefix;
    private final byte[] body;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong skippedSlots = new AtomicLong();

    ChaosLoad(int port, int workers, double rate, double postShare, int delayMs, int bodyBytes, int downloadBytes,
              Duration timeout, long seed, String idPrefix) {
        this.port = port;
        this.workers = workers;
        this.rate = rate;
        this.postShare = postShare;
        this.delayMs = delayMs;
        this.bodyBytes = bodyBytes;
        this.downloadBytes = downloadBytes;
        this.timeout = timeout;
        this.seed = seed;
        this.idPrefix = idPrefix;
        this.body = new byte[bodyBytes];
        for (int i = 0; i < bodyBytes; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
    }

    /**
     * Runs the workers from {@code startNanos} to {@code endNanos} ({@link System#nanoTime()}) and
     * returns every request's result once the last worker has its last response (or error).
     */
    List<Result> run(long startNanos, long endNanos) throws InterruptedException {
        List<List<Result>> perWorker = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            List<Result> out = new ArrayList<>();
            perWorker.add(out);
            int worker = w;
            Thread t = Thread.ofPlatform().name("chaos-load-" + w).daemon(true)
                    .unstarted(() -> work(worker, startNanos, endNanos, out));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        List<Result> all = new ArrayList<>();
        perWorker.forEach(all::addAll);
        all.sort((a, b) -> Long.compare(a.startMicros(), b.startMicros()));
        return all;
    }

    /** Slots missed because a worker was still busy. */
    long skippedSlots() {
        return skippedSlots.get();
    }

    private void work(int w, long startNanos, long endNanos, List<Result> out) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + w);
        SlotPacer pacer = new SlotPacer(w, workers, rate, startNanos, endNanos, skippedSlots);
        RawHttpClient conn = null;
        try {
            while (pacer.awaitNext() >= 0) {
                boolean post = random.nextDouble() < postShare;
                String path = post ? postPath(random.nextInt(3)) : getPath(random.nextInt(2));
                boolean reused = conn != null;
                if (conn == null) {
                    conn = connect();
                }
                Attempt a = exchange(conn, w, post, path, reused);
                out.add(a.result);
                if (a.closeAfter && conn != null) {
                    conn.close();
                    conn = null;
                }
            }
        } finally {
            if (conn != null) {
                conn.close();
            }
        }
    }

    private String getPath(int choice) {
        return choice == 0 ? "/delay/" + delayMs : "/download?bytes=" + downloadBytes;
    }

    private String postPath(int choice) {
        return switch (choice) {
            case 0 -> "/upload";
            case 1 -> "/echo";
            default -> "/delay/" + delayMs;
        };
    }

    private RawHttpClient connect() {
        try {
            return RawHttpClient.connect(port, timeout);
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    private record Attempt(Result result, boolean closeAfter) {
    }

    private Attempt exchange(RawHttpClient conn, int w, boolean post, String path, boolean reused) {
        String id = idPrefix + "-" + sequence.incrementAndGet();
        String method = post ? "POST" : "GET";
        long start = WallClock.micros();
        if (conn == null) {
            return new Attempt(new Result(id, method, path, w, start, WallClock.micros(), Result.CLIENT, 0,
                    "connect to node failed", "", false), true);
        }
        StringBuilder head = new StringBuilder(160)
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("X-Request-Id: ").append(id).append("\r\n");
        if (post) {
            head.append("Content-Type: application/octet-stream\r\nContent-Length: ").append(bodyBytes).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = headBytes;
        if (post) {
            request = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, request, 0, headBytes.length);
            System.arraycopy(body, 0, request, headBytes.length, body.length);
        }
        RawHttpResponse r;
        try {
            conn.send(request);
            r = conn.readResponse();
        } catch (UncheckedIOException e) {
            return new Attempt(new Result(id, method, path, w, start, WallClock.micros(), Result.CLIENT, 0,
                    clientCause(e), "", reused), true);
        }
        long end = WallClock.micros();
        String backend = r.header("X-Backend") == null ? "" : r.header("X-Backend");
        boolean close = "close".equalsIgnoreCase(r.header("Connection"));
        if (r.status() != 200) {
            return new Attempt(new Result(id, method, path, w, start, end, Result.HTTP, r.status(),
                    "http " + r.status(), backend, reused), close);
        }
        String bad = checkBody(path, r);
        if (bad == null && !id.equals(r.header("X-Request-Id"))) {
            bad = "X-Request-Id " + r.header("X-Request-Id") + " (expected: " + id + ")";
        }
        if (bad != null) {
            return new Attempt(new Result(id, method, path, w, start, end, Result.BAD_BODY, r.status(),
                    "bad response: " + bad, backend, reused), close);
        }
        return new Attempt(new Result(id, method, path, w, start, end, Result.OK, 200, "", backend, reused), close);
    }

    /** What is wrong with a 200 response's body for {@code path}, or null. */
    private String checkBody(String path, RawHttpResponse r) {
        if (path.startsWith("/download")) {
            return r.bodyLength() == downloadBytes ? null : r.bodyLength() + " bytes (expected: " + downloadBytes + ")";
        }
        if (path.equals("/echo")) {
            return r.bodyLength() == bodyBytes ? null : r.bodyLength() + " bytes echoed (expected: " + bodyBytes + ")";
        }
        if (path.equals("/upload")) {
            String text = r.bodyText();
            return text.contains("\"bytes\":" + bodyBytes) ? null : "upload summary " + text.trim();
        }
        return r.bodyLength() > 0 ? null : "empty body";
    }

    /** A short, stable name for a client-side failure: the categories of the report. */
    static String clientCause(UncheckedIOException e) {
        return ClientFailures.cause(e, "connect to node failed");
    }
}
