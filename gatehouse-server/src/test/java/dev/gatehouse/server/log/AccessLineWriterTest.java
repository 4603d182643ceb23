package dev.gatehouse.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The access log's lines: valid JSON each, the same fields as ever, nothing carried from one line to the next. */
final class AccessLineWriterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static AccessRecord record(long millis, long totalMicros, long queueMicros, long upstreamMicros, String error) {
        return new AccessRecord(millis, "id-1", "4bf92f3577b34da6a3ce929d0e0e4736", "127.0.0.1", "GET",
                "/a?q=\"x\"\\\n", 200, 12, 1024, totalMicros, queueMicros, upstreamMicros, "web", "10.0.0.1:8080", "v2",
                1, 3, error, "h1", null, null, "hit");
    }

    @Test
    void aLine_isOneJsonObject_withEveryFieldOfTheRecord() throws Exception {
        long millis = Instant.parse("2026-12-07T15:50:45.702Z").toEpochMilli();
        String line = AccessLog.format(record(millis, 1234, 5, 987, "bad \"gateway\""));
        assertThat(line).doesNotContain("\n").startsWith("{").endsWith("}");
        JsonNode n = MAPPER.readTree(line);
        assertThat(n.get("time").asText()).isEqualTo("2026-12-07T15:50:45.702Z");
        assertThat(n.get("request_id").asText()).isEqualTo("id-1");
        assertThat(n.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(n.get("path").asText()).isEqualTo("/a?q=\"x\"\\\n");
        assertThat(n.get("status").asInt()).isEqualTo(200);
        assertThat(n.get("bytes_in").asLong()).isEqualTo(12);
        assertThat(n.get("bytes_out").asLong()).isEqualTo(1024);
        assertThat(n.get("duration_ms").decimalValue()).isEqualByComparingTo("1.234");
        assertThat(n.get("queue_ms").decimalValue()).isEqualByComparingTo("0.005");
        assertThat(n.get("upstream_ms").decimalValue()).isEqualByComparingTo("0.987");
        assertThat(n.get("error").asText()).isEqualTo("bad \"gateway\"");
        assertThat(n.get("cache").asText()).isEqualTo("hit");
        assertThat(n.has("tls")).isFalse();
        assertThat(n.get("epoch").asLong()).isEqualTo(3);
    }

    @Test
    void consecutiveLines_shareNothing_andTheSecondChangesAtItsBoundary() throws Exception {
        long millis = Instant.parse("2026-12-31T23:59:59.999Z").toEpochMilli();
        JsonNode first = MAPPER.readTree(AccessLog.format(record(millis, 1_000_000, 0, -1, null)));
        String secondLine = AccessLog.format(record(millis + 1, 7, 0, 0, null));
        JsonNode second = MAPPER.readTree(secondLine);
        assertThat(first.get("time").asText()).isEqualTo("2026-12-31T23:59:59.999Z");
        assertThat(first.get("duration_ms").decimalValue()).isEqualByComparingTo("1000.000");
        assertThat(first.get("upstream_ms").isNull()).isTrue();
        assertThat(first.has("queue_ms")).isFalse();
        assertThat(first.has("error")).isFalse();
        assertThat(second.get("time").asText()).isEqualTo("2027-01-01T00:00:00.000Z");
        assertThat(second.get("duration_ms").decimalValue()).isEqualByComparingTo("0.007");
        assertThat(second.get("upstream_ms").decimalValue()).isEqualByComparingTo("0");
        assertThat(secondLine).startsWith("{\"time\"");
    }

    @Test
    void linesFormattedOnTwoThreads_doNotMix() throws Exception {
        long millis = Instant.parse("2026-12-07T00:00:00Z").toEpochMilli();
        String[] other = new String[1];
        Thread t = Thread.ofPlatform().start(() -> other[0] = AccessLog.format(record(millis, 1, 0, 1, "other thread")));
        String here = AccessLog.format(record(millis, 2, 0, 2, null));
        t.join();
        assertThat(MAPPER.readTree(other[0]).get("error").asText()).isEqualTo("other thread");
        assertThat(MAPPER.readTree(here).has("error")).isFalse();
    }
}
