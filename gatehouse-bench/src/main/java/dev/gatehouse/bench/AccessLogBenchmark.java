package dev.gatehouse.bench;

import dev.gatehouse.server.log.AccessLog;
import dev.gatehouse.server.log.AccessRecord;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the access log's line costs a request, on by default: one record of a typical proxied
 * request formatted as its JSON line. Run: {@code gatehouse-bench/scripts/jmh.sh AccessLog}
 * (with {@code -prof gc} for the bytes allocated per line).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AccessLogBenchmark {

    private long now = System.currentTimeMillis();

    /** A GET proxied to a backend, as most lines are; the time moves on by a millisecond a line. */
    @Benchmark
    public String formatProxiedGet() {
        now++;
        return AccessLog.format(new AccessRecord(now, "cc82c0b306a29092", "2d8b312f408cfb38372231e05b61ffa8", "127.0.0.1",
                "GET", "/api/items?page=2", 200, 0, 1024, 1234, 0, 987, "web", "10.0.0.12:8080", "v2", 1, 3, null, "h1",
                null, null, null));
    }
}
