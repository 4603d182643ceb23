package dev.gatehouse.server.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON object per request to the {@code gatehouse.access} logger; where the lines go
 * (standard output, a file) is the logging configuration's business. Thread-safe.
 */
public final class AccessLog {

    /** The SLF4J logger name the lines are written to. */
    public static final String LOGGER = "gatehouse.access";

    private static final JsonFactory JSON = new JsonFactory();
    private static final AccessLog DISABLED = new AccessLog(false);

    private final boolean enabled;
    private final Logger logger = LoggerFactory.getLogger(LOGGER);

    private AccessLog(boolean enabled) {
        this.enabled = enabled;
    }

    /** An access log that writes, or one that drops everything. */
    public static AccessLog create(boolean enabled) {
        return enabled ? new AccessLog(true) : DISABLED;
    }

    /** Whether records are written; callers skip building them otherwise. */
    public boolean enabled() {
        return enabled && logger.isInfoEnabled();
    }

    /** Writes one record. */
    public void log(AccessRecord r) {
        if (!enabled()) {
            return;
        }
        logger.info(format(r));
    }

    /** The JSON line for a record, without a line break. */
    public static String format(AccessRecord r) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.ofEpochMilli(r.timeMillis()).toString());
            g.writeStringField("request_id", r.requestId());
            if (r.traceId() != null) {
                g.writeStringField("trace_id", r.traceId());
            }
            g.writeStringField("client", r.client());
            g.writeStringField("method", r.method());
            if (r.protocol() != null) {
                g.writeStringField("protocol", r.protocol());
            }
            g.writeStringField("path", r.path());
            g.writeNumberField("status", r.status());
            g.writeNumberField("bytes_in", r.bytesIn());
            g.writeNumberField("bytes_out", r.bytesOut());
            g.writeNumberField("duration_ms", r.totalMicros() / 1000.0);
            if (r.queueMicros() > 0) {
                g.writeNumberField("queue_ms", r.queueMicros() / 1000.0);
            }
            if (r.upstreamMicros() >= 0) {
                g.writeNumberField("upstream_ms", r.upstreamMicros() / 1000.0);
            } else {
                g.writeNullField("upstream_ms");
            }
            g.writeStringField("pool", r.pool());
            g.writeStringField("backend", r.backend());
            g.writeStringField("version", r.version());
            g.writeNumberField("tries", r.tries());
            if (r.epoch() >= 0) {
                g.writeNumberField("epoch", r.epoch());
            }
            if (r.error() != null) {
                g.writeStringField("error", r.error());
            }
            if (r.tls() != null) {
                g.writeStringField("tls", r.tls());
            }
            if (r.served() != null) {
                g.writeStringField("served", r.served());
            }
            if (r.cache() != null) {
                g.writeStringField("cache", r.cache());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
