package dev.gatehouse.bench.deploy;

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
 * The deploy scenario's load: a fixed number of workers, each with one keep-alive connection to
 * the proxy (with several proxies, the nodes of a fleet, worker {@code w} talks to the
 * {@code w mod n}-th, so that every node carries its share), sending {@code GET /delay/D} on a fixed schedule that adds up to {@code rate}
 * requests per second (worker {@code w}'s {@code k}-th request is due at
 * {@code start + (w + k * workers) / rate}); {@code D} is drawn per request from
 * {@code [delayMinMs, delayMaxMs]}, so that requests of both versions overlap at a switch. A
 * worker still busy at its next slot skips the slots it missed rather than bursting later.
 *
 * <p>Every request carries its own {@code X-Request-Id} ({@code PREFIX-N}), which the proxies
 * pass to the backends and the backends log, and every answer is recorded with its send and
 * receive times and the {@code X-Backend} header, the name of the backend process that answered
 * ({@code v1-2}): the response's version. Raw sockets ({@link RawHttpClient}), not the JDK's
 * HttpClient, which silently re-sends a GET whose reused connection closed and would hide exactly
 * the failures of a reload. A request is sent once; a status other than 200, a 200 without
 * {@code X-Backend}, or a client-side error (connection refused, closed or reset before or during
 * the response, no response within the timeout) is a failure. After a failure or a
 * {@code Connection: close} answer the worker opens a new connection.
 */
final class VersionLoad {

    /**
     * One request as the client saw it. Times in epoch microseconds.
     *
     * @param reusedConnection whether it went out on a connection that had carried a request
     *                         before (a keep-alive connection a reloading proxy may close under it)
     */
    record Result(String id, int worker, int delayMs, long startMicros, long endMicros, String outcome, int status,
                  String cause, String backend, boolean reusedConnection) {

        static final String OK = "ok";
        static final String HTTP = "http";
        static final String CLIENT = "client";
        static final String BAD = "bad-response";
    }

    private final int[] ports;
    private final int workers;
    private final double rate;
    private final int delayMinMs;
    private final int delayMaxMs;
    private final Duration timeout;
    private final long seed;
    private final String idPrefix;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong skippedSlots = new AtomicLong();

    /**
     * @param ports      the proxies' listeners on 127.0.0.1: one, or a fleet's nodes (worker
     *                   {@code w} sends to {@code ports[w % ports.length]})
     * @param workers    how many workers, one connection each
     * @param rate       requests per second, all workers together
     * @param delayMinMs the shortest backend delay asked for
     * @param delayMaxMs the longest
     * @param timeout    how long a request may take before it counts failed
     * @param seed       seed of the delays
     * @param idPrefix   the request ids' prefix
     */
    VersionLoad(int[] ports, int workers, double rate, int delayMinMs, int delayMaxMs, Duration timeout, long seed,
                String idPrefix) {
        if (ports.length == 0) {
            throw new IllegalArgumentException("no port to send to");
        }
        this.ports = ports.clone();
        this.workers = workers;
        this.rate = rate;
        this.delayMinMs = delayMinMs;
        this.delayMaxMs = delayMaxMs;
        this.timeout = timeout;
        this.seed = seed;
        this.idPrefix = idPrefix;
    }

    /**
     * Runs the workers from {@code startNanos} to {@code endNanos} ({@link System#nanoTime()}) and
     * returns every request's result, in order of sending, once the last worker has its last
     * response (or error).
     */
    List<Result> run(long startNanos, long endNanos) throws InterruptedException {
        List<List<Result>> perWorker = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            List<Result> out = new ArrayList<>();
            perWorker.add(out);
            int worker = w;
            threads.add(Thread.ofPlatform().name("deploy-load-" + w).daemon(true)
                    .start(() -> work(worker, startNanos, endNanos, out)));
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
        int port = ports[w % ports.length];
        RawHttpClient conn = null;
        boolean reused = false;
        try {
            while (pacer.awaitNext() >= 0) {
                int delay = delayMinMs + random.nextInt(delayMaxMs - delayMinMs + 1);
                if (conn == null) {
                    conn = connect(port);
                    reused = false;
                }
                Attempt a = exchange(conn, port, w, delay, reused);
                out.add(a.result);
                reused = true;
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

    private RawHttpClient connect(int port) {
        try {
            return RawHttpClient.connect(port, timeout);
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    private record Attempt(Result result, boolean closeAfter) {
    }

    private Attempt exchange(RawHttpClient conn, int port, int w, int delay, boolean reused) {
        String id = idPrefix + "-" + sequence.incrementAndGet();
        long start = WallClock.micros();
        if (conn == null) {
            return new Attempt(new Result(id, w, delay, start, WallClock.micros(), Result.CLIENT, 0,
                    "connect failed", "", false), true);
        }
        byte[] request = ("GET /delay/" + delay + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Request-Id: " + id
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        RawHttpResponse r;
        try {
            conn.send(request);
            r = conn.readResponse();
        } catch (UncheckedIOException e) {
            return new Attempt(new Result(id, w, delay, start, WallClock.micros(), Result.CLIENT, 0, clientCause(e), "",
                    reused), true);
        }
        long end = WallClock.micros();
        String backend = r.header("X-Backend") == null ? "" : r.header("X-Backend").trim();
        boolean close = "close".equalsIgnoreCase(r.header("Connection"));
        if (r.status() != 200) {
            return new Attempt(new Result(id, w, delay, start, end, Result.HTTP, r.status(), "http " + r.status(), backend,
                    reused), close);
        }
        if (backend.isEmpty()) {
            return new Attempt(new Result(id, w, delay, start, end, Result.BAD, 200, "no X-Backend", "", reused), close);
        }
        return new Attempt(new Result(id, w, delay, start, end, Result.OK, 200, "", backend, reused), close);
    }

    /** A short, stable name for a client-side failure: the categories of the report. */
    static String clientCause(UncheckedIOException e) {
        return ClientFailures.cause(e, "connect failed");
    }
}
