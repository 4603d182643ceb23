package dev.gatehouse.server.trace;

import dev.gatehouse.core.config.OtlpConfig;
import dev.gatehouse.core.trace.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's span export ({@code tracing.otlp}): one OpenTelemetry tracer whose spans a batch
 * processor queues (bounded; a full queue drops, never blocks) and exports on its own thread with
 * OTLP over HTTP (protobuf, the JDK's client). Thread-safe; one per node, closed at its stop.
 *
 * <p>Sampling: a request that arrives with a {@code traceparent} follows its {@code sampled} flag
 * (its caller decided); a trace the node starts is recorded with {@code sample_percent} chance,
 * decided by its trace id, so every node and backend that sees the trace agrees.
 */
public final class SpanExport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpanExport.class);
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final Duration FLUSH_AT_STOP = Duration.ofSeconds(5);

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final String endpoint;

    private SpanExport(OtlpConfig config) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(config.endpoint().toString())
                .setTimeout(config.timeout())
                .build();
        this.provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(SERVICE_NAME, config.serviceName())))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.samplePercent() / 100.0)))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                        .setMaxQueueSize(config.maxQueue())
                        .setMaxExportBatchSize(Math.min(512, config.maxQueue()))
                        .setScheduleDelay(Duration.ofSeconds(1))
                        .setExporterTimeout(config.timeout())
                        .build())
                .build();
        this.tracer = provider.get("dev.gatehouse");
        this.endpoint = config.endpoint().toString();
    }

    /** The export a config asks for, or null for none. */
    public static SpanExport of(OtlpConfig config) {
        if (config == null) {
            return null;
        }
        SpanExport export = new SpanExport(config);
        LOG.info("spans per request exported with OTLP/HTTP to {} (service {}, {} % of the traces the node starts)",
                export.endpoint, config.serviceName(), config.samplePercent());
        return export;
    }

    /**
     * Starts the span of a request that just arrived.
     *
     * @param received the request's valid {@code traceparent}, or null when it had none (or none
     *                 valid): the span then starts a trace
     * @param name     the span's name, e.g. the method
     */
    public ExchangeSpan start(TraceParent received, String name) {
        Context parent = Context.root();
        if (received != null) {
            SpanContext remote = SpanContext.createFromRemoteParent(received.traceId(), received.parentId(),
                    received.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
            parent = parent.with(Span.wrap(remote));
        }
        Span span = tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER).setParent(parent).startSpan();
        return new ExchangeSpan(span);
    }

    /** Exports what is queued (up to 5 s) and stops. */
    @Override
    public void close() {
        provider.forceFlush().join(FLUSH_AT_STOP.toMillis(), TimeUnit.MILLISECONDS);
        provider.shutdown().join(FLUSH_AT_STOP.toMillis(), TimeUnit.MILLISECONDS);
    }
}
