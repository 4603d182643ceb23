package dev.gatehouse.bench.scenario;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load generator for the slow-requests scenario (docs/benchmarks.md).
 *
 * <p>Requests arrive as independent users' do (with {@code --arrivals poisson}, the default): the
 * gaps between due times are exponentially distributed with mean {@code 1 / rate}, from a
 * generator with a fixed seed ({@code --seed}), so the schedule is bursty yet the same in every
 * run and for every contender; with {@code --arrivals uniform}, request {@code i} is due at
 * {@code start + i / rate}. Each request is sent when due, whatever is still
 * outstanding: the schedule never waits for a response, so a slow proxy cannot slow the arrivals
 * down and hide its own queueing (coordinated omission). Latency is measured from the request's
 * <em>scheduled</em> send time to the end of its response. The JDK {@link HttpClient} sends
 * asynchronously and opens as many connections as there are requests in flight.
 *
 * <p>Slow requests go to {@code /slow/<i>}, the others to {@code /fast/<i>}. By default
 * ({@code --slow-pattern random}) each request is slow with probability {@code 1 / slowEvery}
 * (default 1 %), drawn independently from a generator with a fixed seed: slow requests bunch as
 * they do in production, sometimes several in a row. The older patterns stay for comparison:
 * {@code spread} puts exactly one slow request in each block of {@code slowEvery} consecutive ones,
 * at a seeded place in the block, so slow requests never bunch; {@code modulo} makes request
 * {@code i} slow when {@code i % slowEvery == 0}, a strict period that aliases with round robin
 * (with 8 backends and a period of 100, every slow request lands on the same 2 backends). The first {@code warmup} seconds of the schedule are sent
 * but not recorded. A response other than 2xx, an I/O error and a request still unanswered after
 * {@code timeout} seconds are errors; latency percentiles are over the 2xx responses, exact
 * (nearest rank over all recorded values).
 *
 * <p>Output: one JSON object on one line on standard output (flat keys, times in ms), and a
 * readable summary on standard error.
 *
 * <p>Usage: {@code OpenLoopClient --url http://127.0.0.1:PORT [--rate 500] [--duration 60]
 * [--warmup 5] [--timeout 30] [--slow-every 100] [--slow-pattern random|spread|modulo] [--arrivals poisson|uniform] [--seed N] [--label NAME]}.
 */
public final class OpenLoopClient {

    private static final byte OK = 0;
    private static final byte ERR_STATUS = 1;
    private static final byte ERR_TIMEOUT = 2;
    private static final byte ERR_IO = 3;
    private static final int MAX_BACKENDS = 256;

    private OpenLoopClient() {
    }

    /**
     * Runs the schedule and prints the results.
     *
     * @param args see the class comment
     * @throws Exception on an unexpected failure of the client itself
     */
    public static void main(String[] args) throws Exception {
        String url = null;
        double rate = 500;
        int duration = 60;
        int warmup = 5;
        int timeout = 30;
        int slowEvery = 100;
        String label = "";
        String pattern = "random";
        boolean poisson = true;
        long seed = 20261122L;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--url" -> { url = v; i++; }
                case "--rate" -> { rate = Args.positiveDouble(a, v); i++; }
                case "--duration" -> { duration = Args.positiveInt(a, v); i++; }
                case "--warmup" -> { warmup = Args.nonNegativeInt(a, v); i++; }
                case "--timeout" -> { timeout = Args.positiveInt(a, v); i++; }
                case "--slow-every" -> { slowEvery = Args.positiveInt(a, v); i++; }
                case "--label" -> { label = v == null ? "" : v; i++; }
                case "--arrivals" -> {
                    if (!"uniform".equals(v) && !"poisson".equals(v)) {
                        throw Args.fail(a, v, "uniform or poisson");
                    }
                    poisson = "poisson".equals(v);
                    i++;
                }
                case "--slow-pattern" -> {
                    if (!"random".equals(v) && !"spread".equals(v) && !"modulo".equals(v)) {
                        throw Args.fail(a, v, "random, spread or modulo");
                    }
                    pattern = v;
                    i++;
                }
                case "--seed" -> { seed = Args.positiveInt(a, v); i++; }
                case "-h", "--help" -> {
                    System.out.println("usage: OpenLoopClient --url http://127.0.0.1:PORT [--rate 500] [--duration 60]"
                            + " [--warmup 5] [--timeout 30] [--slow-every 100] [--slow-pattern random|spread|modulo] [--arrivals poisson|uniform]"
                            + " [--seed N] [--label NAME]");
                    return;
                }
                default -> throw Args.fail("argument", a,
                        "--url, --rate, --duration, --warmup, --timeout, --slow-every, --slow-pattern, --arrivals, --seed or --label");
            }
        }
        if (url == null || !url.startsWith("http://")) {
            throw Args.fail("--url", url, "http://HOST:PORT");
        }
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        new OpenLoopClient.Run(url, rate, duration, warmup, timeout, slowEvery, pattern, poisson, seed, label).execute();
    }

    /** One run of the schedule and its recorded outcomes. */
    private static final class Run {
        private final String base;
        private final double rate;
        private final int duration;
        private final int warmup;
        private final int timeout;
        private final int slowEvery;
        private final String pattern;
        private final boolean poisson;
        private final long seed;
        private final String label;
        private final int warmupCount;
        private final int total;
        private final long[] latencyNs;     // per measured request, valid when outcome is OK
        private final byte[] outcome;       // per measured request
        private final boolean[] slow;       // per measured request
        private final AtomicLongArray perBackend = new AtomicLongArray(MAX_BACKENDS);
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile int maxInFlight;
        private final CountDownLatch done;

        Run(String base, double rate, int duration, int warmup, int timeout, int slowEvery, String pattern,
                boolean poisson, long seed, String label) {
            this.base = base;
            this.rate = rate;
            this.duration = duration;
            this.warmup = warmup;
            this.timeout = timeout;
            this.slowEvery = slowEvery;
            this.pattern = pattern;
            this.poisson = poisson;
            this.seed = seed;
            this.label = label;
            this.warmupCount = (int) Math.round(rate * warmup);
            int measured = (int) Math.round(rate * duration);
            this.total = warmupCount + measured;
            this.latencyNs = new long[measured];
            this.outcome = new byte[measured];
            this.slow = new boolean[measured];
            this.done = new CountDownLatch(total);
        }

        void execute() throws InterruptedException {
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            Duration requestTimeout = Duration.ofSeconds(timeout);
            double periodNs = 1e9 / rate;
            long start = System.nanoTime() + 50_000_000L;   // a moment to set up, then on schedule
            long maxLagNs = 0;
            // Two generators from one seed: the slow draws and the gaps stay the same whatever the other does.
            SplittableRandom placement = new SplittableRandom(seed);
            int slowAt = -1;
            SplittableRandom gaps = new SplittableRandom(seed * 31 + 19700101L);
            double offsetNs = 0;
            for (int i = 0; i < total; i++) {
                boolean isSlow;
                if (pattern.equals("random")) {
                    isSlow = placement.nextInt(slowEvery) == 0;
                } else {
                    if (i % slowEvery == 0) {
                        slowAt = pattern.equals("spread") ? i + placement.nextInt(slowEvery) : i;
                    }
                    isSlow = i == slowAt;
                }
                long due = start + (long) (poisson ? offsetNs : i * periodNs);
                if (poisson) {
                    offsetNs += -Math.log(1.0 - gaps.nextDouble()) * periodNs;
                }
                long now;
                while ((now = System.nanoTime()) < due) {
                    long left = due - now;
                    if (left > 200_000) {
                        LockSupport.parkNanos(left - 100_000);
                    } else {
                        Thread.onSpinWait();
                    }
                }
                maxLagNs = Math.max(maxLagNs, now - due);
                String path = (isSlow ? "/slow/" : "/fast/") + i;
                HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(requestTimeout)
                        .GET()
                        .build();
                int index = i - warmupCount;
                if (index >= 0) {
                    slow[index] = isSlow;
                }
                int f = inFlight.incrementAndGet();
                if (f > maxInFlight) {
                    maxInFlight = f;
                }
                client.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                        .whenComplete((res, err) -> complete(index, due, res, err));
            }
            long sendEnd = System.nanoTime();
            boolean all = done.await(timeout + 10L, TimeUnit.SECONDS);
            client.shutdownNow();
            report(all, maxLagNs, (sendEnd - start) / 1e9);
        }

        private void complete(int index, long due, HttpResponse<Void> res, Throwable err) {
            long end = System.nanoTime();
            inFlight.decrementAndGet();
            try {
                if (index < 0) {
                    return;
                }
                if (err != null) {
                    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    outcome[index] = cause instanceof HttpTimeoutException ? ERR_TIMEOUT : ERR_IO;
                } else if (res.statusCode() < 200 || res.statusCode() > 299) {
                    outcome[index] = ERR_STATUS;
                } else {
                    outcome[index] = OK;
                    latencyNs[index] = end - due;
                    res.headers().firstValue("X-Backend").ifPresent(b -> {
                        try {
                            int n = Integer.parseInt(b.trim());
                            if (n >= 0 && n < MAX_BACKENDS) {
                                perBackend.incrementAndGet(n);
                            }
                        } catch (NumberFormatException e) {
                            // not one of ours; not counted
                        }
                    });
                }
            } finally {
                done.countDown();
            }
        }

        private void report(boolean allAnswered, long maxLagNs, double sendSeconds) {
            int measured = outcome.length;
            long[] fast = new long[measured];
            long[] slows = new long[measured];
            int nf = 0;
            int ns = 0;
            int fastN = 0;
            int slowN = 0;
            int[] fastErr = new int[4];
            int[] slowErr = new int[4];
            // done.await() gives a happens-before edge only for completed requests; one still
            // outstanding after the grace period reads as its initial outcome and is counted a timeout.
            long unanswered = done.getCount();
            for (int j = 0; j < measured; j++) {
                if (slow[j]) {
                    slowN++;
                } else {
                    fastN++;
                }
                if (outcome[j] == OK && latencyNs[j] > 0) {
                    if (slow[j]) {
                        slows[ns++] = latencyNs[j];
                    } else {
                        fast[nf++] = latencyNs[j];
                    }
                } else {
                    int kind = outcome[j] == OK ? ERR_TIMEOUT : outcome[j];
                    (slow[j] ? slowErr : fastErr)[kind]++;
                }
            }
            fast = Arrays.copyOf(fast, nf);
            slows = Arrays.copyOf(slows, ns);
            Arrays.sort(fast);
            Arrays.sort(slows);
            int fastErrors = fastErr[1] + fastErr[2] + fastErr[3];
            int slowErrors = slowErr[1] + slowErr[2] + slowErr[3];

            StringBuilder backends = new StringBuilder();
            int last = MAX_BACKENDS - 1;
            while (last >= 0 && perBackend.get(last) == 0) {
                last--;
            }
            for (int b = 0; b <= last; b++) {
                backends.append(b == 0 ? "" : "/").append(perBackend.get(b));
            }

            StringBuilder json = new StringBuilder("{");
            field(json, "label", "\"" + label.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            field(json, "rate", fmt(rate));
            field(json, "duration_s", Integer.toString(duration));
            field(json, "warmup_s", Integer.toString(warmup));
            field(json, "arrivals", poisson ? "\"poisson\"" : "\"uniform\"");
            field(json, "slow_pattern", "\"" + pattern + "\"");
            field(json, "seed", Long.toString(seed));
            field(json, "requests", Integer.toString(measured));
            field(json, "errors", Integer.toString(fastErrors + slowErrors));
            field(json, "err_status", Integer.toString(fastErr[1] + slowErr[1]));
            field(json, "err_timeout", Integer.toString(fastErr[2] + slowErr[2]));
            field(json, "err_io", Integer.toString(fastErr[3] + slowErr[3]));
            classFields(json, "fast", fastN, fastErrors, fast);
            classFields(json, "slow", slowN, slowErrors, slows);
            field(json, "max_send_lag_ms", fmt(maxLagNs / 1e6));
            field(json, "send_seconds", fmt(sendSeconds));
            field(json, "max_in_flight", Integer.toString(maxInFlight));
            field(json, "unanswered_at_end", Long.toString(unanswered));
            field(json, "per_backend", "\"" + backends + "\"");
            json.setLength(json.length() - 1);
            json.append('}');
            System.out.println(json);
            System.out.flush();

            System.err.printf(Locale.ROOT,
                    "%s%d requests at %s/s over %ds (+%ds warm-up): fast n=%d p50 %s p99 %s p99.9 %s max %s ms;"
                            + " slow n=%d p50 %s p99 %s p99.9 %s max %s ms; errors %d (status %d, timeout %d, io %d);"
                            + " max send lag %s ms, max in flight %d, per backend %s%s%n",
                    label.isEmpty() ? "" : label + ": ", measured, fmt(rate), duration, warmup,
                    fastN, ms(fast, 0.50), ms(fast, 0.99), ms(fast, 0.999), ms(fast, 1.0),
                    slowN, ms(slows, 0.50), ms(slows, 0.99), ms(slows, 0.999), ms(slows, 1.0),
                    fastErrors + slowErrors, fastErr[1] + slowErr[1], fastErr[2] + slowErr[2], fastErr[3] + slowErr[3],
                    fmt(maxLagNs / 1e6), maxInFlight, backends, allAnswered ? "" : " (some requests never answered)");
        }

        private static void classFields(StringBuilder json, String name, int n, int errors, long[] sorted) {
            field(json, name + "_n", Integer.toString(n));
            field(json, name + "_errors", Integer.toString(errors));
            field(json, name + "_p50_ms", ms(sorted, 0.50));
            field(json, name + "_p99_ms", ms(sorted, 0.99));
            field(json, name + "_p999_ms", ms(sorted, 0.999));
            field(json, name + "_max_ms", ms(sorted, 1.0));
        }

        private static void field(StringBuilder json, String key, String value) {
            json.append('"').append(key).append("\":").append(value).append(',');
        }

        /** Nearest-rank percentile q of sorted nanosecond values, in ms; NaN shown as null. */
        private static String ms(long[] sorted, double q) {
            if (sorted.length == 0) {
                return "null";
            }
            int rank = (int) Math.ceil(q * sorted.length);
            int idx = Math.min(sorted.length - 1, Math.max(0, rank - 1));
            return fmt(sorted[idx] / 1e6);
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
    }
}
