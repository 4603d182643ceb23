package dev.gatehouse.bench;

import dev.gatehouse.core.trace.TraceParent;
import dev.gatehouse.core.trace.TraceState;
import java.util.concurrent.ThreadLocalRandom;
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
 * What W3C Trace Context costs a request, on by default: reading a received {@code traceparent},
 * starting one when there is none, checking a {@code tracestate}, and cutting the trace id out for
 * the access log. Run: {@code gatehouse-bench/scripts/jmh.sh TraceContext}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TraceContextBenchmark {

    private final String received = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private final String state = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
    private final TraceParent parsed = TraceParent.parse(received);

    /** A request that arrives with a valid traceparent. */
    @Benchmark
    public TraceParent parseReceived() {
        return TraceParent.parse(received);
    }

    /** A request without one: the node starts a trace. */
    @Benchmark
    public TraceParent startNew() {
        return TraceParent.start(ThreadLocalRandom.current(), true);
    }

    /** A received tracestate, checked before it is passed on. */
    @Benchmark
    public boolean checkTracestate() {
        return TraceState.isValid(state);
    }

    /** The trace id the access log writes. */
    @Benchmark
    public String traceIdForTheLog() {
        return parsed.traceId();
    }
}
