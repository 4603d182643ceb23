package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * deploy and rollback against a fake admin API: what they send, the progress lines, and the exit
 * code for each way a deploy can end.
 */
final class DeployCommandsTest {

    private static final String DEPLOY = "/api/v1/pools/web/deploy";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env = new HashMap<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private FakeAdminApi api;

    @BeforeEach
    void startApi() throws Exception {
        api = FakeAdminApi.start();
        env.put("GATEHOUSE_ADMIN", api.url());
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    private int run(String... args) {
        CommandLine cl = Main.commandLine(env::get);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** A deploy view of web from v41 to v42 as the API answers it. */
    static String view(String phase, String detail, long epoch, boolean switched, String reason) {
        boolean ended = phase.equals("done") || phase.equals("aborted");
        return """
                {"pool": "web", "from": "v41", "to": "v42", "mode": "strict", "phase": "%s", "detail": "%s", "epoch": %d,
                 "started_at": "2026-11-22T12:30:00.125Z", "ended_at": %s, "reason": %s, "switched": %b}
                """.formatted(phase, detail, epoch, ended ? "\"2026-11-22T12:30:01.730Z\"" : "null",
                reason == null ? "null" : "\"" + reason + "\"", switched);
    }

    @Test
    void deploy_postsTheDeploy_printsEachStepOnceWithItsTime_andExitsZeroWhenDone() throws Exception {
        api.on("POST", DEPLOY, 202, view("gating", "healthy 0 of 2", 2, false, null))
                .on("GET", DEPLOY, 200, view("gating", "healthy 1 of 2", 2, false, null))
                .on("GET", DEPLOY, 200, view("gating", "healthy 1 of 2", 2, false, null))
                .on("GET", DEPLOY, 200, view("holding", "3 requests of v41 in flight", 2, false, null))
                .on("GET", DEPLOY, 200, view("draining", "1 request of v41 in flight", 3, true, null))
                .on("GET", DEPLOY, 200, view("draining", "0 requests of v41 in flight", 3, true, null))
                .on("GET", DEPLOY, 200, view("done", "v42 live, v41 retired", 3, true, null));

        int code = run("deploy", "--pool", "web", "--version", "v42", "--backend", "10.0.0.21:8001",
                "--backend", "10.0.0.22:8001", "--strict", "--quorum", "2", "--timeout", "60s", "--hold-timeout", "10s",
                "--drain-timeout", "30s");

        assertThat(code).as(err.toString()).isZero();
        FakeAdminApi.Request post = api.requests().get(0);
        assertThat(post.method() + " " + post.rawPath()).isEqualTo("POST " + DEPLOY);
        assertThat(JSON.readTree(post.body())).isEqualTo(JSON.readTree("""
                {"version": "v42", "backends": ["10.0.0.21:8001", "10.0.0.22:8001"], "mode": "strict", "quorum": 2,
                 "gate_timeout": "60s", "hold_timeout": "10s", "drain_timeout": "30s"}
                """));
        assertThat(api.requests()).hasSize(7);
        assertThat(api.requests().subList(1, 7)).allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(7);
        assertThat(lines.stream().map(l -> l.replaceFirst("^\\d+\\.\\ds  ", "")).toList()).containsExactly(
                "gating: healthy 0 of 2",
                "gating: healthy 1 of 2",
                "holding: 3 requests of v41 in flight",
                "switched: v42 live at epoch 3",
                "draining: 1 request of v41 in flight",
                "draining: 0 requests of v41 in flight",
                "done: v42 live, v41 retired");
        assertThat(lines).allSatisfy(l -> assertThat(l).matches("\\d+\\.\\ds  \\S.*"));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void deploy_fastWithDefaults_sendsOnlyWhatWasGiven() throws Exception {
        api.on("POST", DEPLOY, 202, view("done", "v42 live, v41 retired", 3, true, null));

        assertThat(run("deploy", "--pool", "web", "--version", "v42", "--backend", "10.0.0.21:8001")).isZero();

        assertThat(JSON.readTree(api.last().body()))
                .isEqualTo(JSON.readTree("{\"version\": \"v42\", \"backends\": [\"10.0.0.21:8001\"], \"mode\": \"fast\"}"));
        assertThat(out.toString()).contains("switched: v42 live at epoch 3").contains("done: v42 live, v41 retired");
    }

    @Test
    void deploy_aborted_exitsOneWithTheReason() {
        api.on("POST", DEPLOY, 202, view("gating", "healthy 0 of 1", 2, false, null))
                .on("GET", DEPLOY, 200, view("aborted", "v41 still live, nothing changed for clients", 2, false,
                        "readiness gate timed out: 0 of 1 backends of v42 healthy, 1 needed"));

        assertThat(run("deploy", "--pool", "web", "--version", "v42", "--backend", "10.0.0.21:8001")).isEqualTo(1);

        assertThat(out.toString()).containsPattern("\\d\\.\\ds  aborted: v41 still live, nothing changed for clients");
        assertThat(err.toString()).contains("gatehouse: deploy of v42 to pool web aborted: readiness gate timed out: 0 of 1"
                + " backends of v42 healthy, 1 needed (v41 still serves, nothing changed for clients)");
    }

    @Test
    void deploy_json_printsOnlyTheFinalView() throws Exception {
        String done = view("done", "v42 live, v41 retired", 3, true, null);
        api.on("POST", DEPLOY, 202, view("gating", "healthy 0 of 1", 2, false, null)).on("GET", DEPLOY, 200, done);

        assertThat(run("deploy", "--pool", "web", "--version", "v42", "--backend", "10.0.0.21:8001", "--json")).isZero();

        assertThat(JSON.readTree(out.toString())).isEqualTo(JSON.readTree(done));
    }

    @Test
    void deploy_rejectedByTheNode_exitsFiveWithItsMessage() {
        api.on("POST", DEPLOY, 409, "{\"error\": \"a deploy of v42 is running in pool web (expected: one at a time)\","
                + " \"field\": null}");

        assertThat(run("deploy", "--pool", "web", "--version", "v43", "--backend", "10.0.0.21:8001")).isEqualTo(5);

        assertThat(err.toString()).contains("rejected (409): a deploy of v42 is running in pool web");
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void deploy_whenFollowingItFails_exitsWithThatCode_andSaysTheDeployGoesOn() {
        api.on("POST", DEPLOY, 202, view("gating", "healthy 0 of 1", 2, false, null))
                .on("GET", DEPLOY, 500, "{\"error\": \"internal error\", \"field\": null}");

        assertThat(run("deploy", "--pool", "web", "--version", "v42", "--backend", "10.0.0.21:8001")).isEqualTo(1);

        assertThat(err.toString()).contains("failed (500): internal error")
                .contains("the deploy goes on on the node: GET " + DEPLOY + " shows where it stands");
    }

    @Test
    void deploy_badOptions_exitTwoWithoutCallingTheNode() {
        assertThat(run("deploy", "--pool", "web", "--version", "v42", "--backend", "10.0.0.21")).isEqualTo(2);
        assertThat(err.toString()).contains("--backend: \"10.0.0.21\" (expected: host:port");
        assertThat(run("deploy", "--pool", "web", "--version", "v42", "--backend", "10.0.0.21:1", "--timeout", "soon"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--timeout: \"soon\"");
        assertThat(run("deploy", "--pool", "web", "--backend", "10.0.0.21:1")).isEqualTo(2);
        assertThat(err.toString()).contains("--version");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void rollback_postsTheModeAndHold_andPrintsTheVersionLiveAgain() throws Exception {
        api.on("POST", "/api/v1/pools/web/rollback", 200, "{\"pool\": \"web\", \"live_version\": \"v41\", \"epoch\": 4}");

        assertThat(run("rollback", "--pool", "web", "--strict", "--hold-timeout", "5s")).isZero();

        assertThat(JSON.readTree(api.last().body()))
                .isEqualTo(JSON.readTree("{\"mode\": \"strict\", \"hold_timeout\": \"5s\"}"));
        assertThat(out.toString().strip()).isEqualTo("web: v41 live again at epoch 4");
    }

    @Test
    void rollback_json_printsTheApisAnswer() {
        String answer = "{\"pool\": \"web\", \"live_version\": \"v41\", \"epoch\": 4}";
        api.on("POST", "/api/v1/pools/web/rollback", 200, answer);

        assertThat(run("rollback", "--pool", "web", "--json")).isZero();

        assertThat(out.toString().strip()).isEqualTo(answer);
        assertThat(api.last().body()).isEqualTo("{\"mode\":\"fast\"}");
    }

    @Test
    void rollback_withoutThePreviousVersion_exitsFive() {
        api.on("POST", "/api/v1/pools/web/rollback", 409, "{\"error\": \"v41, the previous version of pool web, has no"
                + " backend in the pool any more\", \"field\": null}");

        assertThat(run("rollback", "--pool", "web")).isEqualTo(5);
        assertThat(err.toString()).contains("rejected (409): v41, the previous version of pool web, has no backend");
    }

    @Test
    void canary_postsTheVersionAndShare_andSaysWhatServes() throws Exception {
        api.on("POST", "/api/v1/pools/web/canary", 200,
                "{\"pool\": \"web\", \"live_version\": \"v41\", \"canary\": \"v42\", \"canary_percent\": 10, \"epoch\": 3}");

        assertThat(run("canary", "--pool", "web", "--version", "v42", "--percent", "10")).isZero();

        assertThat(JSON.readTree(api.last().body())).isEqualTo(JSON.readTree("{\"version\": \"v42\", \"percent\": 10}"));
        assertThat(out.toString().strip()).isEqualTo("web: v42 takes 10 % of new requests beside v41");
    }

    @Test
    void canary_percentZero_endsIt() throws Exception {
        api.on("POST", "/api/v1/pools/web/canary", 200,
                "{\"pool\": \"web\", \"live_version\": \"v41\", \"canary\": null, \"canary_percent\": 0, \"epoch\": 3}");

        assertThat(run("canary", "--pool", "web", "--percent", "0")).isZero();

        assertThat(JSON.readTree(api.last().body())).isEqualTo(JSON.readTree("{\"percent\": 0}"));
        assertThat(out.toString().strip()).isEqualTo("web: no canary; v41 takes every request");
    }

    @Test
    void help_describesDeployAndRollback() {
        assertThat(run("help", "deploy")).isZero();
        assertThat(out.toString()).contains("--backend=HOST:PORT", "--strict", "--quorum=N", "--timeout=DURATION",
                "--hold-timeout=DURATION", "--drain-timeout=DURATION", "--json", "Exit codes:", "deploy: aborted");
        assertThat(run("help", "rollback")).isZero();
        assertThat(out.toString()).contains("previous version", "--hold-timeout");
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("deploy", "rollback");
    }
}
