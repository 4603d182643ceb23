package dev.gatehouse.bench;

import dev.gatehouse.core.config.RateLimitConfig;
import dev.gatehouse.core.limit.RateLimiter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost a route's {@code rate_limit} adds to a request: one {@link RateLimiter#acquire}, on one
 * thread and on two (two event loops sharing the route's limiter), over a table of 10,000 client
 * addresses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RateLimiterBenchmark {

    private static final int KEYS = 10_000;

    private final RateLimiter limiter = new RateLimiter(new RateLimitConfig(RateLimitConfig.Key.CLIENT_IP, null,
            100, Duration.ofSeconds(1), 200, 100_000));
    private final String[] keys = new String[KEYS];

    /** Addresses as the access log has them, made once. */
    @Setup
    public void keys() {
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "10.0." + (i >> 8) + "." + (i & 0xff);
        }
    }

    /** Per-thread position in the keys and the fake time (the real clock's read is not what is measured). */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
        long now;
    }

    private long acquire(Cursor c) {
        c.next = (c.next + 1) % KEYS;
        c.now += 1000;
        return limiter.acquire(keys[c.next], c.now);
    }

    /** One event loop. */
    @Benchmark
    @Threads(1)
    public long acquireOneThread(Cursor c) {
        return acquire(c);
    }

    /** Two event loops on one route's limiter. */
    @Benchmark
    @Threads(2)
    public long acquireTwoThreads(Cursor c) {
        return acquire(c);
    }
}
