package dev.gatehouse.server.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Formats access records as JSON lines, reusing everything from one line to the next: one Jackson
 * generator over one growing buffer, the text of the current second, a scratch array for the
 * times and the millisecond figures. Per line it allocates the line's {@code String} and nothing
 * else; a new generator, a {@code StringWriter}, {@code Instant.toString()} and a
 * {@code Double.toString()} per figure cost about 2 µs and 2 KB a line (AccessLogBenchmark).
 * Not thread-safe: one per thread ({@link AccessLog#format}).
 */
final class AccessLineWriter {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private final StringBuilder line = new StringBuilder(512);
    private final JsonGenerator json;
    /** "2026-12-07T15:50:45." plus room for "702Z". */
    private final char[] time = new char[32];
    private int timePrefix;
    private long second = Long.MIN_VALUE;
    /** A figure in milliseconds with three decimals, written from the right. */
    private final char[] figure = new char[24];

    AccessLineWriter() {
        try {
            json = JSON.createGenerator(new Writer() {
                @Override
                public void write(char[] buf, int off, int len) {
                    line.append(buf, off, len);
                }

                @Override
                public void write(String s, int off, int len) {
                    line.append(s, off, off + len);
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a JSON generator over memory", e);
        }
        // One object per line, the lines joined by the caller: no separator between root values.
        json.setRootValueSeparator(null);
    }

    /**
     * The JSON line of a record, without a line break. A failure part-way leaves this writer
     * unusable: the caller drops it.
     */
    String format(AccessRecord r) throws IOException {
        line.setLength(0);
        JsonGenerator g = json;
        g.writeStartObject();
        g.writeFieldName("time");
        g.writeString(time, 0, time(r.timeMillis()));
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
        millis(g, "duration_ms", r.totalMicros());
        if (r.queueMicros() > 0) {
            millis(g, "queue_ms", r.queueMicros());
        }
        if (r.upstreamMicros() >= 0) {
            millis(g, "upstream_ms", r.upstreamMicros());
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
        optional(g, "error", r.error());
        optional(g, "tls", r.tls());
        optional(g, "served", r.served());
        optional(g, "cache", r.cache());
        g.writeEndObject();
        g.flush();
        return line.toString();
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    /** Writes UTC {@code yyyy-MM-ddTHH:mm:ss.SSSZ} into {@link #time}; returns its length. */
    private int time(long epochMillis) {
        long s = Math.floorDiv(epochMillis, 1000);
        if (s != second) {
            String text = SECOND.format(LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC));
            text.getChars(0, text.length(), time, 0);
            timePrefix = text.length();
            time[timePrefix++] = '.';
            second = s;
        }
        int ms = (int) Math.floorMod(epochMillis, 1000);
        time[timePrefix] = (char) ('0' + ms / 100);
        time[timePrefix + 1] = (char) ('0' + ms / 10 % 10);
        time[timePrefix + 2] = (char) ('0' + ms % 10);
        time[timePrefix + 3] = 'Z';
        return timePrefix + 4;
    }

    /** Writes microseconds as milliseconds with three decimals ({@code 1234} as {@code 1.234}). */
    private void millis(JsonGenerator g, String name, long micros) throws IOException {
        g.writeFieldName(name);
        long v = Math.abs(micros);
        int at = figure.length;
        for (int i = 0; i < 3; i++) {
            figure[--at] = (char) ('0' + v % 10);
            v /= 10;
        }
        figure[--at] = '.';
        do {
            figure[--at] = (char) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
        if (micros < 0) {
            figure[--at] = '-';
        }
        g.writeNumber(figure, at, figure.length - at);
    }
}
