package dev.gatehouse.postgres.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class TrackedParametersTest {

    @Test
    void syncSql_setsWhatDiffersOnly() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("timezone", "UTC");
        expected.put("application_name", "web");
        expected.put("datestyle", "ISO, MDY");

        String sql = TrackedParameters.syncSql(expected, Map.of("timezone", "UTC", "datestyle", "ISO, DMY"));

        assertThat(sql).isEqualTo("SET application_name TO E'web'; SET datestyle TO E'ISO, MDY'");
        assertThat(TrackedParameters.syncSql(expected, expected)).isEmpty();
    }

    @Test
    void literal_escapesQuotesAndBackslashesAndDropsNul() {
        assertThat(TrackedParameters.literal("it's a \\ test\0")).isEqualTo("E'it''s a \\\\ test'");
    }

    @Test
    void clientParameters_layerBaselineStartupAndReportedValues() {
        ClientParameters client = new ClientParameters(Map.of("user", "alice", "TimeZone", "UTC",
                "application_name", "psql", "search_path", "x"));
        client.serverReported("application_name", "worker");
        client.serverReported("server_version", "15.1");

        Map<String, String> expected = client.expected(Map.of("TimeZone", "Europe/Berlin",
                "DateStyle", "ISO, MDY", "server_version", "15.1"));

        assertThat(expected).containsOnly(Map.entry("timezone", "UTC"), Map.entry("datestyle", "ISO, MDY"),
                Map.entry("application_name", "worker"));
    }
}
