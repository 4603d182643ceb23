package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.TracingConfig;
import dev.gatehouse.core.trace.TraceParent;
import dev.gatehouse.core.trace.TraceState;
import dev.gatehouse.server.trace.ExchangeSpan;
import dev.gatehouse.server.trace.SpanExport;
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

    private static final TraceHeaders OFF = new TraceHeaders(false, false, null);

    private final boolean enabled;
    private final boolean sampled;
    private final SpanExport spans;

    private TraceHeaders(boolean enabled, boolean sampled, SpanExport spans) {
        this.enabled = enabled;
        this.sampled = sampled;
        this.spans = spans;
    }

    /** With {@code spans}, the node's span export (null for none), each request gets a span. */
    static TraceHeaders of(TracingConfig config, SpanExport spans) {
        return config.enabled() ? new TraceHeaders(true, config.sampled(), spans) : OFF;
    }

    /**
     * Opens an exchange's trace: its {@code traceparent} ({@link #read}) and, with a span export,
     * its span, a child of the received trace or the root of a new one. With a span the backend
     * is sent the span's id as the parent, and the sampling decision made for it.
     */
    void open(Exchange e) {
        if (!enabled || spans == null) {
            e.facts().trace(read(e.request().headers()));
            return;
        }
        // With spans, the SDK makes the ids of a trace the node starts: none is drawn here.
        TraceParent received = received(e.request().headers());
        ExchangeSpan span = spans.start(received, e.request().method().name());
        ExchangeFacts f = e.facts();
        span.request(e.request().method().name(), e.request().uri(), f.protocol(), f.clientAddress(), e.requestId());
        f.span(span);
        f.trace(span.forBackend(received));
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
        TraceParent received = received(h);
        // ThreadLocalRandom: fast and never blocks; trace ids must be unique, not unguessable.
        return received != null ? received : TraceParent.start(ThreadLocalRandom.current(), sampled);
    }

    /** The request's valid traceparent, or null: none, an invalid one, or two (they cannot both describe the caller). */
    private static TraceParent received(HttpHeaders h) {
        String value = h.get(TRACEPARENT);
        return value == null || h.getAll(TRACEPARENT).size() != 1 ? null : TraceParent.parse(value);
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
