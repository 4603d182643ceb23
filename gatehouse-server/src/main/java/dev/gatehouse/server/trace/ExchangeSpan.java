package dev.gatehouse.server.trace;

import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.trace.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;

/**
 * One request's span, with its phases as events: {@code queued} (it waited for a backend slot),
 * {@code try} (a slot was granted on a backend: the first try, or a retry's), {@code connected}
 * (a connection to it, new or reused, and the request sent), {@code retry} (why a try was given
 * up for another), then the end with the outcome. Attribute names follow OpenTelemetry's HTTP
 * conventions where one fits, {@code gatehouse.*} otherwise. Loop-confined, like its exchange;
 * {@link #NONE} does nothing, so call sites need no test.
 */
public class ExchangeSpan {

    /** No span: tracing off, or no export. */
    public static final ExchangeSpan NONE = new ExchangeSpan(null);

    private static final AttributeKey<String> BACKEND = AttributeKey.stringKey("gatehouse.backend");
    private static final AttributeKey<String> VERSION = AttributeKey.stringKey("gatehouse.version");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("gatehouse.try");
    private static final AttributeKey<Boolean> REUSED = AttributeKey.booleanKey("gatehouse.connection.reused");
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("gatehouse.reason");
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> TARGET = AttributeKey.stringKey("url.path");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("network.protocol.name");
    private static final AttributeKey<String> CLIENT = AttributeKey.stringKey("client.address");
    private static final AttributeKey<String> POOL = AttributeKey.stringKey("gatehouse.pool");
    private static final AttributeKey<Long> EPOCH = AttributeKey.longKey("gatehouse.epoch");
    private static final AttributeKey<Long> TRIES = AttributeKey.longKey("gatehouse.tries");
    private static final AttributeKey<Long> QUEUE_MICROS = AttributeKey.longKey("gatehouse.queue_us");
    private static final AttributeKey<String> ERROR = AttributeKey.stringKey("gatehouse.error");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("gatehouse.request_id");

    private final Span span;
    private boolean ended;

    ExchangeSpan(Span span) {
        this.span = span;
    }

    /**
     * The {@code traceparent} to send to the backend: the request's trace with this span as the
     * parent, and the sampling decision made for it; {@code trace} itself without a span.
     */
    public TraceParent forBackend(TraceParent trace) {
        if (span == null) {
            return trace;
        }
        SpanContext c = span.getSpanContext();
        return TraceParent.of(c.getTraceId(), c.getSpanId(), c.isSampled(), trace == null || trace.started());
    }

    /** The request waits in its pool's queue. */
    public void queued() {
        if (span != null) {
            span.addEvent("queued");
        }
    }

    /** A slot on {@code backend} was granted: try number {@code attempt}, from 1. */
    public void tryStarted(Backend backend, int attempt) {
        if (span != null) {
            span.addEvent("try", Attributes.of(BACKEND, backend.address().toString(), VERSION, backend.version(),
                    ATTEMPT, (long) attempt));
        }
    }

    /** The try has its connection ({@code reused} from the pool, or new) and sends the request. */
    public void connected(boolean reused) {
        if (span != null) {
            span.addEvent("connected", Attributes.of(REUSED, reused));
        }
    }

    /** The try failed and the request goes to another backend. */
    public void retry(String why) {
        if (span != null) {
            span.addEvent("retry", Attributes.of(REASON, why));
        }
    }

    /** What the request was, known at its start. */
    public void request(String method, String target, String protocol, String client, String requestId) {
        if (span != null) {
            span.setAllAttributes(Attributes.of(METHOD, method, TARGET, target, PROTOCOL, protocol, CLIENT, client,
                    REQUEST_ID, requestId));
        }
    }

    /**
     * Ends the span with the outcome.
     *
     * @param status      the status sent to the client, 0 for none (the client left first)
     * @param pool        the pool, or null
     * @param backend     the last backend tried, or null
     * @param version     its version, or null
     * @param epoch       the pool's epoch, or -1
     * @param tries       backends tried
     * @param queueMicros time queued
     * @param error       why the proxy answered or cut the exchange, or null
     */
    public void end(int status, String pool, String backend, String version, long epoch, int tries, long queueMicros,
                    String error) {
        if (span == null || ended) {
            return; // a tunnel ends its exchange's span when it closes, not at its handshake
        }
        ended = true;
        AttributesBuilder a = Attributes.builder().put(TRIES, tries).put(QUEUE_MICROS, queueMicros);
        if (status > 0) {
            a.put(STATUS, status);
        }
        if (pool != null) {
            a.put(POOL, pool).put(EPOCH, epoch);
        }
        if (backend != null) {
            a.put(BACKEND, backend).put(VERSION, version);
        }
        if (error != null) {
            a.put(ERROR, error);
        }
        span.setAllAttributes(a.build());
        // A server span is an error for a 5xx, or when nothing was sent; a 4xx is the client's.
        if (status >= 500 || status == 0) {
            span.setStatus(StatusCode.ERROR, error == null ? "" : error);
        }
        span.end();
    }
}
