package dev.gatehouse.core.config;

/**
 * W3C Trace Context on proxied requests (docs/operations.md, "Tracing"): a valid {@code traceparent}
 * is passed on with its {@code tracestate}; an absent or invalid one is replaced by a trace the node
 * starts. The trace id is in the access log.
 *
 * @param enabled whether the node reads and sets {@code traceparent}; off, both headers pass as any
 *                other header does and the access log has no {@code trace_id}
 * @param sampled the {@code sampled} flag of the traces the node starts: on by default, so that a
 *                backend whose tracer follows its parent's decision (OpenTelemetry's default
 *                {@code parentbased_always_on}) keeps recording as it did with no proxy in front
 * @param otlp    spans per request exported to a collector, or null for none; then the node
 *                records a span of its own per request and sends its id on as the parent
 */
public record TracingConfig(boolean enabled, boolean sampled, OtlpConfig otlp) {

    /** On, starting sampled traces, exporting no span. */
    public static final TracingConfig DEFAULTS = new TracingConfig(true, true, null);

    /** Without span export. */
    public TracingConfig(boolean enabled, boolean sampled) {
        this(enabled, sampled, null);
    }

    /** Validates. */
    public TracingConfig {
        if (otlp != null && !enabled) {
            throw new IllegalArgumentException("otlp: set while enabled is false (expected: enabled: true for spans, or no otlp)");
        }
    }
}
