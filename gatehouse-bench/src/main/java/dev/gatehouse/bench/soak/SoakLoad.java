package dev.gatehouse.bench.soak;

import dev.gatehouse.bench.chaos.WallClock;
import dev.gatehouse.bench.scenario.ClientFailures;
import dev.gatehouse.bench.scenario.SlotPacer;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's HTTP load: {@code workers} threads share a fixed schedule of {@code rate} requests a
 * second ({@link SlotPacer}: a worker still busy when its slot comes skips it and counts it,
 * rather than sending a burst later). Each request is drawn from a generator seeded per worker:
 * <ul>
 *   <li>GET (35 %): {@code /download?bytes=N}, a quarter of them chunked, or {@code /delay/5};</li>
 *   <li>HEAD (10 %): {@code /download?bytes=N}, which must come back with its length and no body;</li>
 *   <li>POST (25 %): a body of N bytes to {@code /upload} (whose answer names the size and SHA-256
 *       the backend got, both checked), or to {@code /echo} when N is at most 16 KiB (the echo is
 *       compared byte for byte);</li>
 *   <li>PUT (20 %): a body of N bytes to {@code /upload};</li>
 *   <li>DELETE (10 %): {@code /status/204}, which must come back 204 without a body.</li>
 * </ul>
 * N is 0 one time in ten, else log-uniform from 1 byte to {@code maxBody} (256 KiB by default:
 * many small bodies, a few large ones, a mean near 21 KiB). A quarter of the request bodies go
 * chunked, in chunks of 1 byte to 32 KiB. A share {@code freshShare} of the requests go on a new
 * connection with {@code Connection: close}; the others on the worker's keep-alive connection.
 *
 * <p>Raw sockets ({@link RawHttpClient}), as in the chaos scenario: a request is sent once and
 * whatever goes wrong is counted in the {@link Tally} by cause (status, connection closed or
 * reset, timeout, a body not the one expected). Echoes stay at 16 KiB so that sending the whole
 * request before reading cannot fill both directions' socket buffers.
 */
final class SoakLoad {

    private static final int ECHO_MAX = 16 * 1024;
    private static final int CHUNK_MAX = 32 * 1024;

    private final int port;
    private final int workers;
    private final double rate;
    private final int maxBody;
    private final double freshShare;
    private final Duration timeout;
    private final long seed;
    private final Tally tally;
    private final String idPrefix;
    private final byte[] body;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong skippedSlots = new AtomicLong();

    SoakLoad(int port, int workers, double rate, int maxBody, double freshShare, Duration timeout, long seed,
             Tally tally, String idPrefix) {
        this.port = port;
        this.workers = workers;
        this.rate = rate;
        this.maxBody = maxBody;
        this.freshShare = freshShare;
        this.timeout = timeout;
        this.seed = seed;
        this.tally = tally;
        this.idPrefix = idPrefix;
        this.body = new byte[maxBody];
        new SplittableRandom(seed).nextBytes(body);
    }

    /** Runs the workers from {@code startNanos} to {@code endNanos} and returns when the last one is done. */
    void run(long startNanos, long endNanos) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            threads.add(Thread.ofPlatform().name("soak-http-" + w).daemon(true)
                    .start(() -> work(worker, startNanos, endNanos)));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Slots missed because a worker was still busy: the rate not kept. */
    long skippedSlots() {
        return skippedSlots.get();
    }

    /** One request as drawn. */
    private record Request(String method, String path, int bodyBytes, boolean chunked, boolean fresh) {
    }

    private void work(int w, long startNanos, long endNanos) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + w);
        SlotPacer pacer = new SlotPacer(w, workers, rate, startNanos, endNanos, skippedSlots);
        RawHttpClient kept = null;
        try {
            while (pacer.awaitNext() >= 0) {
                Request r = draw(random);
                RawHttpClient conn = r.fresh() ? null : kept;
                boolean reused = conn != null;
                if (conn == null) {
                    conn = connect();
                }
                boolean close = exchange(conn, r, reused, random);
                if (r.fresh()) {
                    if (conn != null) {
                        conn.close();
                    }
                } else if (close) {
                    if (conn != null) {
                        conn.close();
                    }
                    kept = null;
                } else {
                    kept = conn;
                }
            }
        } finally {
            if (kept != null) {
                kept.close();
            }
        }
    }

    private Request draw(SplittableRandom random) {
        double m = random.nextDouble();
        boolean fresh = random.nextDouble() < freshShare;
        boolean chunked = random.nextInt(4) == 0;
        int n = size(random);
        if (m < 0.35) {
            String path = random.nextInt(5) == 0 ? "/delay/5" : "/download?bytes=" + n + (chunked ? "&chunked=true" : "");
            return new Request("GET", path, 0, false, fresh);
        } else if (m < 0.45) {
            return new Request("HEAD", "/download?bytes=" + n, 0, false, fresh);
        } else if (m < 0.70) {
            String path = n <= ECHO_MAX && random.nextBoolean() ? "/echo" : "/upload";
            return new Request("POST", path, n, chunked, fresh);
        } else if (m < 0.90) {
            return new Request("PUT", "/upload", n, chunked, fresh);
        }
        return new Request("DELETE", "/status/204", 0, false, fresh);
    }

    /** 0 one time in ten, else log-uniform over 1 .. maxBody. */
    private int size(SplittableRandom random) {
        if (random.nextInt(10) == 0) {
            return 0;
        }
        return (int) Math.min(maxBody, Math.max(1, Math.floor(Math.exp(random.nextDouble() * Math.log(maxBody + 1.0)))));
    }

    private RawHttpClient connect() {
        try {
            return RawHttpClient.connect(port, timeout);
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    /** Sends one request and checks its response; returns whether the connection is done for. */
    private boolean exchange(RawHttpClient conn, Request r, boolean reused, SplittableRandom random) {
        String id = idPrefix + "-" + sequence.incrementAndGet();
        if (conn == null) {
            tally.fail(WallClock.micros(), r.method(), "connect to node failed", id);
            return true;
        }
        byte[] request = encode(r, id, random);
        RawHttpResponse resp;
        try {
            conn.send(request);
            // Downloads are only counted (length), not kept.
            resp = r.method().equals("GET") && r.path().startsWith("/download")
                    ? conn.readResponse(false, OutputStream.nullOutputStream())
                    : conn.readResponse(r.method().equals("HEAD"));
        } catch (UncheckedIOException e) {
            String cause = ClientFailures.cause(e, "connect to node failed") + (reused ? " (reused connection)" : "");
            tally.fail(WallClock.micros(), r.method(), cause, id + " " + r.path() + " " + e.getMessage());
            return true;
        }
        boolean close = "close".equalsIgnoreCase(resp.header("Connection"));
        String bad = check(r, resp);
        if (bad == null && !id.equals(resp.header("X-Request-Id"))) {
            bad = "bad response: X-Request-Id " + resp.header("X-Request-Id");
        }
        if (bad != null) {
            String cause = bad.startsWith("http ") ? bad : "bad response";
            tally.fail(WallClock.micros(), r.method(), cause, id + " " + r.path() + " " + bad);
        } else {
            tally.ok(r.method());
        }
        return close;
    }

    private byte[] encode(Request r, String id, SplittableRandom random) {
        StringBuilder head = new StringBuilder(200)
                .append(r.method()).append(' ').append(r.path()).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("X-Request-Id: ").append(id).append("\r\n");
        if (r.fresh()) {
            head.append("Connection: close\r\n");
        }
        boolean hasBody = r.method().equals("POST") || r.method().equals("PUT");
        if (hasBody) {
            head.append("Content-Type: application/octet-stream\r\n");
            head.append(r.chunked() ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + r.bodyBytes() + "\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + r.bodyBytes() + 64);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (hasBody && !r.chunked()) {
            out.write(body, 0, r.bodyBytes());
        } else if (hasBody) {
            int at = 0;
            while (at < r.bodyBytes()) {
                int n = Math.min(r.bodyBytes() - at, 1 + random.nextInt(CHUNK_MAX));
                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, at, n);
                out.writeBytes(new byte[] {'\r', '\n'});
                at += n;
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    /** What is wrong with the response, or null. */
    private String check(Request r, RawHttpResponse resp) {
        int expected = r.method().equals("DELETE") ? 204 : 200;
        if (resp.status() != expected) {
            return "http " + resp.status();
        }
        String path = r.path();
        if (r.method().equals("HEAD")) {
            String length = resp.header("Content-Length");
            long n = Long.parseLong(path.substring(path.indexOf('=') + 1));
            return resp.bodyLength() == 0 && String.valueOf(n).equals(length) ? null
                    : "HEAD: Content-Length " + length + ", " + resp.bodyLength() + " body bytes (expected: " + n + ", 0)";
        }
        if (r.method().equals("DELETE")) {
            return resp.bodyLength() == 0 ? null : resp.bodyLength() + " body bytes on a 204";
        }
        if (path.startsWith("/download")) {
            int end = path.indexOf('&');
            long n = Long.parseLong(path.substring(path.indexOf('=') + 1, end < 0 ? path.length() : end));
            return resp.bodyLength() == n ? null : resp.bodyLength() + " bytes downloaded (expected: " + n + ")";
        }
        if (path.equals("/echo")) {
            return Arrays.equals(resp.body(), 0, (int) resp.bodyLength(), body, 0, r.bodyBytes()) ? null
                    : "echo of " + resp.bodyLength() + " bytes differs from the " + r.bodyBytes() + " sent";
        }
        if (path.equals("/upload")) {
            String want = "{\"bytes\":" + r.bodyBytes() + ",\"sha256\":\"" + sha256(r.bodyBytes()) + "\"}";
            return resp.bodyText().trim().equals(want) ? null : "upload summary " + resp.bodyText().trim()
                    + " (expected: " + want + ")";
        }
        return resp.bodyLength() > 0 ? null : "empty body";
    }

    private String sha256(int n) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(body, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
