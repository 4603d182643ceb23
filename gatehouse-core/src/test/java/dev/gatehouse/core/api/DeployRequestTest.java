package dev.gatehouse.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.deploy.DeployMode;
import dev.gatehouse.core.deploy.DeployPhase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The deploy and rollback bodies read strictly, with defaults; the deploy view's words per phase. */
final class DeployRequestTest {

    private static DeployRequest read(String json) {
        return ApiJson.read(json.getBytes(StandardCharsets.UTF_8), DeployRequest.class);
    }

    @Test
    void deploy_allFields_readInSnakeCase() {
        DeployRequest r = read("""
                {"version": "v42", "backends": ["10.0.0.21:8001", "[::1]:8002"], "mode": "strict", "quorum": 1,
                 "gate_timeout": "90s", "hold_timeout": "250ms", "drain_timeout": "2m"}
                """);

        assertThat(r.versionRequired()).isEqualTo("v42");
        assertThat(r.addresses()).containsExactly(new HostPort("10.0.0.21", 8001), new HostPort("::1", 8002));
        assertThat(r.modeOrDefault()).isEqualTo(DeployMode.STRICT);
        assertThat(r.quorumOf(2)).isEqualTo(1);
        assertThat(r.gateTimeoutOrDefault()).isEqualTo(Duration.ofSeconds(90));
        assertThat(r.holdTimeoutOrDefault()).isEqualTo(Duration.ofMillis(250));
        assertThat(r.drainTimeoutOrDefault()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void deploy_defaults_fastAllBackendsAndTheDocumentedTimeouts() {
        DeployRequest r = read("{\"version\": \"v42\", \"backends\": [\"10.0.0.21:8001\", \"10.0.0.22:8001\"]}");

        assertThat(r.modeOrDefault()).isEqualTo(DeployMode.FAST);
        assertThat(r.quorumOf(2)).isEqualTo(2);
        assertThat(r.gateTimeoutOrDefault()).isEqualTo(Duration.ofSeconds(60));
        assertThat(r.holdTimeoutOrDefault()).isEqualTo(Duration.ofSeconds(10));
        assertThat(r.drainTimeoutOrDefault()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void noBackends_isAnEmptyList_theNodeDecides() {
        // A supervised app's deploy starts its own instances; for any other pool the node answers 400.
        assertThat(read("{\"version\": \"v42\"}").addresses()).isEmpty();
        assertThat(read("{\"version\": \"v42\", \"backends\": []}").addresses()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                                              | version",
            "{\"version\": \"v 42\", \"backends\": [\"a:1\"]}                | version",
            "{\"version\": \"v42\", \"backends\": [\"a\"]}                   | backends",
            "{\"version\": \"v42\", \"backends\": [\"a:1\", \"a:1\"]}        | backends",
            "{\"version\": \"v42\", \"backends\": [\"a:1\"], \"mode\": \"x\"}| mode",
            "{\"version\": \"v42\", \"backends\": [\"a:1\"], \"quorum\": 2}  | quorum",
            "{\"version\": \"v42\", \"backends\": [\"a:1\"], \"quorum\": 0}  | quorum",
            "{\"version\": \"v42\", \"backends\": [\"a:1\"], \"gate_timeout\": \"soon\"}   | gate_timeout",
            "{\"version\": \"v42\", \"backends\": [\"a:1\"], \"hold_timeout\": \"0s\"}     | hold_timeout",
            "{\"version\": \"v42\", \"backends\": [\"a:1\"], \"drain_timeout\": \"25h\"}   | drain_timeout",
    })
    void deploy_badValues_nameTheirField(String json, String field) {
        DeployRequest r = read(json);
        ApiInputException e = catchThrowableOfType(ApiInputException.class, () -> {
            r.versionRequired();
            List<HostPort> backends = r.addresses();
            r.modeOrDefault();
            r.quorumOf(backends.size());
            r.gateTimeoutOrDefault();
            r.holdTimeoutOrDefault();
            r.drainTimeoutOrDefault();
        });

        assertThat(e).as(json).isNotNull();
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).startsWith(field + ": ").contains("(expected");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"version\": 42}                         | version",
            "{\"backends\": \"a:1\"}                   | backends",
            "{\"backends\": [1]}                       | backends",
            "{\"quorum\": \"1\"}                       | quorum",
            "{\"versoin\": \"v42\"}                    | versoin",
    })
    void deploy_wrongTypesAndUnknownFields_areNamed(String json, String field) {
        ApiInputException e = catchThrowableOfType(ApiInputException.class, () -> read(json));

        assertThat(e.field()).isEqualTo(field);
    }

    @Test
    void deploy_aBackendOfTheWrongType_isShownWithItsIndex() {
        ApiInputException e = catchThrowableOfType(ApiInputException.class, () -> read("{\"backends\": [\"a:1\", 2]}"));

        assertThat(e.getMessage()).isEqualTo("backends: 2 at index 1 (expected: a string)");
    }

    @Test
    void rollback_emptyBodyIsFast_strictWithItsHold() {
        RollbackRequest none = ApiJson.read(new byte[0], RollbackRequest.class);
        RollbackRequest strict = ApiJson.read("{\"mode\": \"strict\", \"hold_timeout\": \"3s\"}".getBytes(StandardCharsets.UTF_8),
                RollbackRequest.class);

        assertThat(none.modeOrDefault()).isEqualTo(DeployMode.FAST);
        assertThat(none.holdTimeoutOrDefault()).isEqualTo(Duration.ofSeconds(10));
        assertThat(strict.modeOrDefault()).isEqualTo(DeployMode.STRICT);
        assertThat(strict.holdTimeoutOrDefault()).isEqualTo(Duration.ofSeconds(3));
        assertThat(catchThrowableOfType(ApiInputException.class, () -> new RollbackRequest("slow", null).modeOrDefault()).field())
                .isEqualTo("mode");
    }

    @Test
    void view_saysWhereEachPhaseStands() {
        Instant t = Instant.parse("2026-11-22T12:00:00Z");

        assertThat(view(new DeployPhase.Gating(1, 2), 2).detail()).isEqualTo("healthy 1 of 2");
        assertThat(view(new DeployPhase.Gating(1, 2), 3).detail()).isEqualTo("healthy 1 of 3 (2 needed)");
        assertThat(view(new DeployPhase.Holding(3), 2).detail()).isEqualTo("3 requests of v41 in flight");
        assertThat(view(new DeployPhase.Draining(4, 1), 2).detail()).isEqualTo("1 request of v41 in flight");
        assertThat(view(new DeployPhase.Done(4, false), 2).detail()).isEqualTo("v42 live, v41 retired");
        DeployView aborted = DeployView.of("web", "v41", "v42", DeployMode.STRICT, 2,
                new DeployPhase.Aborted("readiness gate timed out", true), 3, false, t, t.plusSeconds(60));

        assertThat(aborted.phase()).isEqualTo("aborted");
        assertThat(aborted.reason()).isEqualTo("readiness gate timed out");
        assertThat(aborted.detail()).isEqualTo("v41 still live, nothing changed for clients");
        assertThat(aborted.mode()).isEqualTo("strict");
        assertThat(aborted.startedAt()).isEqualTo("2026-11-22T12:00:00Z");
        assertThat(aborted.endedAt()).isEqualTo("2026-11-22T12:01:00Z");
        assertThat(aborted.ended()).isTrue();
        assertThat(new String(ApiJson.write(aborted), StandardCharsets.UTF_8))
                .contains("\"started_at\"", "\"ended_at\"", "\"switched\" : false").doesNotContain("\"ended\"");
    }

    private static DeployView view(DeployPhase phase, int backends) {
        Instant t = Instant.parse("2026-11-22T12:00:00Z");
        return DeployView.of("web", "v41", "v42", DeployMode.FAST, backends, phase, 3, false, t, null);
    }
}
