package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.TracingConfig;
import dev.gatehouse.core.trace.TraceParent;
import dev.gatehouse.core.trace.TraceState;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context at the proxy boundary (docs/operations.md, "Tracing"): the node passes a
 * valid {@code traceparent} on unchanged, with its {@code tracestate} when that is valid too, and
 * starts a trace of its own (a new {@code traceparent}, no {@code tracestate}) when the request's is
 * absent, invalid or repeated. The rules are core's ({@link TraceParent}, {@link TraceState}); this
 * reads and writes the headers. Immutable and thread-safe.
 */
final class TraceHeaders {

    static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
    static final AsciiString TRACESTATE = AsciiString.cached("tracestate");

    private static final TraceHeaders OFF = new TraceHeaders(false, false);

    private final boolean enabled;
    private final boolean sampled;

    private TraceHeaders(boolean enabled, boolean sampled) {
        this.enabled = enabled;
        this.sampled = sampled;
    }

    static TraceHeaders of(TracingConfig config) {
        return config.enabled() ? new TraceHeaders(true, config.sampled()) : OFF;
    }

    /**
     * The request's trace: the one it carries, or a new one. Changes no header (that is
     * {@link #forBackend}'s job, once the request goes to a backend).
     *
     * @return the trace, or null when tracing is off
     */
    TraceParent read(HttpHeaders h) {
        if (!enabled) {
            return null;
        }
        String value = h.get(TRACEPARENT);
        // Two traceparent fields cannot both describe the caller: the request has none that is valid.
        TraceParent received = value == null || h.getAll(TRACEPARENT).size() != 1 ? null : TraceParent.parse(value);
        // ThreadLocalRandom: fast and never blocks; trace ids must be unique, not unguessable.
        return received != null ? received : TraceParent.start(ThreadLocalRandom.current(), sampled);
    }

    /**
     * Sets the request's trace headers for the backend: {@code traceparent} to {@code trace} (the
     * received one as it was, a downgraded later version, or a new one), and {@code tracestate}
     * kept only when the trace was received and the tracestate is valid and within its limits.
     *
     * @param trace what {@link #read} returned for this request; null leaves both headers alone
     */
    static void forBackend(HttpHeaders h, TraceParent trace) {
        if (trace == null) {
            return;
        }
        h.set(TRACEPARENT, trace.value());
        if (trace.started()) {
            h.remove(TRACESTATE);
            return;
        }
        String first = h.get(TRACESTATE);
        if (first == null) {
            return;
        }
        List<String> all = h.getAll(TRACESTATE);
        // Several fields are one list (RFC 9110 §5.3); it is checked as such, and passed on as it came.
        if (!TraceState.isValid(all.size() == 1 ? first : String.join(",", all))) {
            h.remove(TRACESTATE);
        }
    }
}
