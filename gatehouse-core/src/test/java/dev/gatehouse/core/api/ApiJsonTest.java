package dev.gatehouse.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.ConfigError;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.BackendOverride;
import dev.gatehouse.core.state.PoolRuntime;
import dev.gatehouse.core.state.RuntimeState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class ApiJsonTest {

    @Test
    void read_bindsSnakeCaseFields() {
        AddBackendRequest r = read("{\"address\": \"10.0.0.5:8001\", \"weight\": 3, \"version\": \"v41\"}", AddBackendRequest.class);

        assertThat(r).isEqualTo(new AddBackendRequest("10.0.0.5:8001", 3, "v41"));
        assertThat(r.hostPort()).isEqualTo(new HostPort("10.0.0.5", 8001));
    }

    @Test
    void read_emptyBodyIsAnEmptyObject() {
        assertThat(read("", DrainRequest.class)).isEqualTo(DrainRequest.NONE);
        assertThat(read("  \n", AddBackendRequest.class)).isEqualTo(new AddBackendRequest(null, null, null));
    }

    @Test
    void read_unknownFieldIsNamed_withTheFieldsThatExist() {
        ApiInputException e = error("{\"address\": \"10.0.0.5:8001\", \"wieght\": 3}", AddBackendRequest.class);

        assertThat(e.field()).isEqualTo("wieght");
        assertThat(e.getMessage()).isEqualTo("wieght: unknown field \"wieght\" (expected one of: address, weight, version)");
    }

    @Test
    void read_malformedJsonSaysWhere() {
        ApiInputException e = error("{\"weight\": 3,\n \"x\" 4}", WeightRequest.class);

        assertThat(e.field()).isNull();
        assertThat(e.getMessage()).startsWith("malformed JSON at line 2, column ").endsWith("(expected: a JSON object)");
    }

    @Test
    void read_malformedJsonMessage_leavesOutTheParsersSourceNotes() {
        assertThat(error("{\"weight\": 0", WeightRequest.class).getMessage()).isEqualTo(
                "malformed JSON at line 1, column 13: Unexpected end-of-input: expected close marker for Object"
                        + " (expected: a JSON object)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"weight\": \"5\"}|weight|weight: \"5\" (expected: an integer)",
            "{\"weight\": 1.5}|weight|weight: 1.5 (expected: an integer)",
            "{\"weight\": true}|weight|weight: true (expected: an integer)",
            "{\"weight\": [1]}|weight|weight: an array (expected: an integer)",
            "{\"weight\": {}}|weight|weight: {} (expected: an integer)",
    })
    void read_wrongTypeIsNamed_withTheValueAsSent(String json, String field, String message) {
        ApiInputException e = error(json, WeightRequest.class);

        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void read_numberForAStringIsAnError() {
        ApiInputException e = error("{\"address\": \"10.0.0.5:8001\", \"version\": 42}", AddBackendRequest.class);

        assertThat(e.field()).isEqualTo("version");
        assertThat(e.getMessage()).isEqualTo("version: 42 (expected: a string)");
    }

    @Test
    void read_bodyThatIsNotAnObjectIsAnError() {
        assertThat(error("[1, 2]", WeightRequest.class).getMessage()).isEqualTo("an array (expected: a JSON object)");
        assertThat(error("5", WeightRequest.class).getMessage()).isEqualTo("5 (expected: a JSON object)");
    }

    @Test
    void read_duplicateKeyAndTrailingGarbageAreErrors() {
        assertThat(error("{\"weight\": 1, \"weight\": 2}", WeightRequest.class).getMessage())
                .startsWith("malformed JSON at line 1, column ").contains("Duplicate field 'weight'");
        assertThat(error("{\"weight\": 1} x", WeightRequest.class).getMessage()).startsWith("malformed JSON at line 1");
    }

    @Test
    void read_integerTooLargeIsAnError() {
        ApiInputException e = error("{\"weight\": 99999999999}", WeightRequest.class);

        assertThat(e.getMessage()).isEqualTo("weight: 99999999999 (expected: an integer)");
    }

    @Test
    void requests_checkTheirValues() {
        assertThat(catchThrowableOfType(ApiInputException.class, () -> new AddBackendRequest(null, 1, "v").hostPort())
                .getMessage()).isEqualTo("address: missing (expected: host:port)");
        assertThat(catchThrowableOfType(ApiInputException.class, () -> new AddBackendRequest("x", 1, "v").hostPort())
                .getMessage()).isEqualTo("address: \"x\" (expected: host:port, or [ipv6]:port)");
        assertThat(catchThrowableOfType(ApiInputException.class, () -> new AddBackendRequest("h:0", 1, "v").hostPort())
                .getMessage()).isEqualTo("address: \"h:0\" (expected: port 1-65535)");
        assertThat(catchThrowableOfType(ApiInputException.class, () -> new WeightRequest(null).required())
                .getMessage()).isEqualTo("weight: missing (expected: an integer 1-1000)");
        assertThat(catchThrowableOfType(ApiInputException.class, () -> new DrainRequest("soon").duration())
                .getMessage()).isEqualTo("deadline: \"soon\" (expected: a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)");
        assertThat(new DrainRequest("30s").duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(new AddBackendRequest("[::1]:80", null, null).versionOrDefault()).isEqualTo("default");
        assertThat(new AddBackendRequest("[::1]:80", null, null).weightOrDefault()).isEqualTo(1);
        assertThat(ApiRequests.poolName("web-2")).isEqualTo("web-2");
        assertThat(catchThrowableOfType(ApiInputException.class, () -> ApiRequests.poolName("Web")).field()).isEqualTo("pool");
    }

    @Test
    void write_usesSnakeCase_andKeepsNullFields() {
        String json = text(new BackendView("10.0.0.1:80", "v1", 1, true, "drain", "draining", null, 2, 0, 1.5, null,
                "2026-01-01T00:00:00Z"));

        assertThat(json).contains("\"in_flight\" : 2", "\"latency_ms\" : 1.5", "\"drain_deadline\" : \"2026-01-01T00:00:00Z\"",
                "\"last_check\" : null").endsWith("}\n");
    }

    @Test
    void write_errorLeavesOutAnEmptyErrorList() {
        assertThat(text(ApiError.of("pool: \"x\" not found", "pool"))).doesNotContain("errors").contains("\"field\" : \"pool\"");
        assertThat(text(new ApiError("config has 1 error", null, List.of(new ConfigError("pools.web", "bad")))))
                .contains("\"errors\" : [ {", "\"path\" : \"pools.web\"", "\"message\" : \"bad\"");
    }

    @Test
    void runtimeState_roundTripsThroughTheResponseReader() throws IOException {
        RuntimeState state = new RuntimeState(7, Map.of("web", new PoolRuntime(
                List.of(new BackendConfig(new HostPort("10.0.0.9", 80), 2, "v2")),
                List.of(new HostPort("10.0.0.1", 80)),
                List.of(new BackendOverride(new HostPort("10.0.0.2", 80), 5, AdminState.DRAIN, 1234L)))));
        NodeInfo node = new NodeInfo("dev", "2026-01-01T00:00:00Z", 5, 7, "/tmp/s.json", "nio",
                Map.of("web", new NodeInfo.PoolEpoch(0, null)), state);

        String json = text(node);

        assertThat(json).contains("\"drain_deadline_millis\" : 1234", "\"admin\" : \"drain\"", "\"live_version\" : null",
                "\"state_revision\" : 7");
        assertThat(ApiJson.readResponse(json.getBytes(StandardCharsets.UTF_8), NodeInfo.class)).isEqualTo(node);
    }

    private static <T> T read(String json, Class<T> type) {
        return ApiJson.read(json.getBytes(StandardCharsets.UTF_8), type);
    }

    private static ApiInputException error(String json, Class<?> type) {
        ApiInputException e = catchThrowableOfType(ApiInputException.class, () -> read(json, type));
        assertThat(e).as("error for %s", json).isNotNull();
        return e;
    }

    private static String text(Object value) {
        return new String(ApiJson.write(value), StandardCharsets.UTF_8);
    }
}
