package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * status, backend and reload against a fake admin API: what they send, what they print, and the
 * exit code for each way a call can go wrong.
 */
final class AdminCommandsTest {

    static final long DEADLINE = 1_795_338_000_000L;

    static final String NODE = """
            {"version": "0.1.0", "started_at": "2026-11-22T08:00:00Z", "uptime_seconds": 7384, "state_revision": 7,
             "state_file": "/etc/gatehouse/g.yaml.state.json", "transport": "epoll",
             "pools": {"web": {"epoch": 3, "live_version": "v41"}, "api": {"epoch": 1, "live_version": "default"}},
             "runtime": {"revision": 7, "pools": {"web": {
                 "added": [{"address": "10.0.0.13:8001", "weight": 2, "version": "v42"}],
                 "removed": ["10.0.0.12:8001"],
                 "overrides": [{"address": "10.0.0.11:8001", "weight": 5, "admin": "drain", "drainDeadlineMillis": %d}]}}}}
            """.formatted(DEADLINE);

    static final String WEB = """
            {"name": "web", "strategy": "p2c-ewma", "panicking": false,
             "queue": {"length": 0, "queued_total": 12, "rejected_total": 1, "timed_out_total": 0, "wait_ms_total": 36},
             "retries": 3, "retries_denied": 0,
             "backends": [
               {"address": "10.0.0.11:8001", "version": "v41", "weight": 5, "declared": true, "admin": "drain",
                "state": "draining", "reason": "an operator drains it", "in_flight": 2, "limit": 8, "latency_ms": 3.2,
                "last_check": null, "drain_deadline": null},
               {"address": "10.0.0.13:8001", "version": "v42", "weight": 2, "declared": false, "admin": "ready",
                "state": "healthy", "reason": null, "in_flight": 0, "limit": 0, "latency_ms": 0,
                "last_check": "passed: HTTP 200 in 3 ms", "drain_deadline": null}]}
            """;

    static final String API_POOL = """
            {"name": "api", "strategy": "round-robin", "panicking": true,
             "queue": {"length": 4, "queued_total": 0, "rejected_total": 0, "timed_out_total": 0, "wait_ms_total": 0},
             "retries": 0, "retries_denied": 0,
             "backends": [{"address": "10.0.0.21:9000", "version": "default", "weight": 1, "declared": true,
                "admin": "ready", "state": "unhealthy", "reason": "3 health check(s) failed in a row, the last: connection refused",
                "in_flight": 0, "limit": 0, "latency_ms": 0, "last_check": null, "drain_deadline": null}]}
            """;

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private FakeAdminApi api;

    @BeforeEach
    void startApi() throws Exception {
        api = FakeAdminApi.start();
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

    private int runAgainstApi(String... args) {
        env.put("GATEHOUSE_ADMIN", api.url());
        return run(args);
    }

    // status

    @Test
    void status_printsTheNodeEachPoolItsBackendsAndTheRuntimeChanges() {
        api.on("GET", "/api/v1/node", 200, NODE).on("GET", "/api/v1/pools", 200, "{\"pools\": [" + WEB + ", " + API_POOL + "]}")
                .on("GET", "/api/v1/cache", 200, CACHES);

        assertThat(runAgainstApi("status")).isZero();

        String text = out.toString();
        assertThat(text).contains("node: gatehouse 0.1.0, up 2h 03m, transport epoll")
                .contains("runtime state: revision 7, kept in /etc/gatehouse/g.yaml.state.json")
                .contains("pool web (p2c-ewma): epoch 3, live version v41")
                .contains("queue: 0 waiting; 12 queued, 1 rejected, 0 timed out, 3.0 ms average wait")
                .contains("retries: 3, denied by the budget 0; panic: no")
                .containsPattern("ADDRESS +VERSION +WEIGHT +ADMIN +STATE +IN-FLIGHT +LATENCY +REASON")
                .containsPattern("10\\.0\\.0\\.11:8001 +v41 +5 +drain +draining +2/8 +3\\.2 ms +an operator drains it")
                .containsPattern("10\\.0\\.0\\.13:8001 +v42 +2 +ready +healthy +0 +-\\n")
                .contains("runtime changes (the config file says otherwise):")
                .containsPattern("added +10\\.0\\.0\\.13:8001 +weight 2, version v42")
                .containsPattern("removed +10\\.0\\.0\\.12:8001")
                .containsPattern("changed +10\\.0\\.0\\.11:8001 +weight 5, admin drain, drain deadline "
                        + Instant.ofEpochMilli(DEADLINE))
                .contains("pool api (round-robin): epoch 1, live version default")
                .contains("panic: YES")
                .containsPattern("10\\.0\\.0\\.21:9000 +default +1 +ready +unhealthy +0 +- +3 health check")
                .contains("runtime changes: none, the pool is as the config file says");
        assertThat(text.indexOf("pool web")).isLessThan(text.indexOf("pool api"));
        assertThat(text).contains("cache */: 1.0 MiB of 64.0 MiB in memory (12 entries), no disk tier")
                .contains("hits 900, stale 1, revalidated 2, collapsed 3, misses 40, bypassed 5, stored 38");
        assertThat(err.toString()).isEmpty();
    }

    /** One route cache, memory only. */
    private static final String CACHES = "{\"caches\": [{\"route\": \"*/\", \"memory_bytes\": 1048576,"
            + " \"memory_limit\": 67108864, \"memory_entries\": 12, \"disk_bytes\": -1, \"disk_limit\": -1,"
            + " \"disk_entries\": -1, \"hits\": 900, \"stale\": 1, \"revalidated\": 2, \"collapsed\": 3,"
            + " \"misses\": 40, \"bypassed\": 5, \"stored\": 38}]}";

    @Test
    void cacheStatusAndPurge_talkToTheCacheEndpoints() throws Exception {
        api.on("GET", "/api/v1/cache", 200, CACHES).on("POST", "/api/v1/cache/purge", 200, "{\"purged\": 3}");

        assertThat(runAgainstApi("cache", "status")).isZero();
        assertThat(out.toString()).containsPattern("\\*/ +1\\.0 MiB / 64\\.0 MiB +12 +- +900 +1 +2 +3 +40 +5");
        assertThat(runAgainstApi("cache", "purge", "--prefix", "https://example.com/static/")).isZero();
        assertThat(out.toString()).contains("purged 3 URLs");
        assertThat(api.last().body()).isEqualTo("{\"prefix\":\"https://example.com/static/\"}");
    }

    @Test
    void status_ofOnePool_readsOnlyThatPool() {
        api.on("GET", "/api/v1/node", 200, NODE).on("GET", "/api/v1/pools/api", 200, API_POOL);

        assertThat(runAgainstApi("status", "--pool", "api")).isZero();

        assertThat(out.toString()).contains("pool api").doesNotContain("pool web");
        assertThat(api.requests()).extracting(FakeAdminApi.Request::rawPath).containsExactly("/api/v1/node", "/api/v1/pools/api");
    }

    @Test
    void status_json_printsTheApisJsonUnderNodeAndPools() throws Exception {
        api.on("GET", "/api/v1/node", 200, NODE).on("GET", "/api/v1/pools", 200, "{\"pools\": [" + WEB + "]}")
                .on("GET", "/api/v1/cache", 200, CACHES);

        assertThat(runAgainstApi("status", "--json")).isZero();

        ObjectMapper json = new ObjectMapper();
        JsonNode printed = json.readTree(out.toString());
        assertThat(printed.get("node")).isEqualTo(json.readTree(NODE));
        assertThat(printed.get("pools").get(0)).isEqualTo(json.readTree(WEB));
        assertThat(out.toString()).doesNotContain("ADDRESS");
    }

    @Test
    void status_ofAnUnknownPool_exitsFiveWithTheApisMessage() {
        api.on("GET", "/api/v1/node", 200, NODE).on("GET", "/api/v1/pools/nope", 404, "{\"error\": \"no pool nope\", \"field\": \"pool\"}");

        assertThat(runAgainstApi("status", "--pool", "nope")).isEqualTo(5);
        assertThat(err.toString()).contains("rejected (404): pool: no pool nope");
    }

    // backend changes

    @Test
    void backendAdd_postsTheBackendAndSaysWhatWasAdded() throws Exception {
        api.on("POST", "/api/v1/pools/web/backends", 201, "{\"address\": \"10.0.0.14:8001\", \"weight\": 3, \"version\": \"v42\"}");

        assertThat(runAgainstApi("backend", "add", "--pool", "web", "--address", "10.0.0.14:8001", "--weight", "3",
                "--version", "v42")).isZero();

        FakeAdminApi.Request r = api.last();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(new ObjectMapper().readTree(r.body()))
                .isEqualTo(new ObjectMapper().readTree("{\"address\": \"10.0.0.14:8001\", \"weight\": 3, \"version\": \"v42\"}"));
        assertThat(out.toString()).isEqualTo("web: 10.0.0.14:8001 added (weight 3, version v42)" + System.lineSeparator());
    }

    @Test
    void backendAdd_withoutWeightOrVersion_leavesThemToTheNode() throws Exception {
        api.on("POST", "/api/v1/pools/web/backends", 201, "");

        assertThat(runAgainstApi("backend", "add", "--pool", "web", "--address", "10.0.0.14:8001")).isZero();

        assertThat(new ObjectMapper().readTree(api.last().body()))
                .isEqualTo(new ObjectMapper().readTree("{\"address\": \"10.0.0.14:8001\"}"));
        assertThat(out.toString()).contains("web: 10.0.0.14:8001 added");
    }

    @Test
    void backendAdd_json_printsTheApisAnswer() {
        String answer = "{\"address\":\"10.0.0.14:8001\",\"weight\":1,\"version\":\"default\"}";
        api.on("POST", "/api/v1/pools/web/backends", 201, answer);

        assertThat(runAgainstApi("backend", "add", "--pool", "web", "--address", "10.0.0.14:8001", "--json")).isZero();

        assertThat(out.toString().strip()).isEqualTo(answer);
    }

    @Test
    void backendRemove_deletesTheBackendByItsEncodedAddress() {
        api.on("DELETE", "/api/v1/pools/web/backends/10.0.0.13:8001", 204, "")
                .on("DELETE", "/api/v1/pools/web/backends/%5B::1%5D:8001", 204, "");

        assertThat(runAgainstApi("backend", "remove", "--pool", "web", "--address", "10.0.0.13:8001")).isZero();
        assertThat(runAgainstApi("backend", "remove", "--pool", "web", "--address", "[::1]:8001")).isZero();

        assertThat(api.requests()).extracting(FakeAdminApi.Request::rawPath)
                .containsExactly("/api/v1/pools/web/backends/10.0.0.13:8001", "/api/v1/pools/web/backends/%5B::1%5D:8001");
        assertThat(out.toString()).contains("web: 10.0.0.13:8001 removed").contains("web: [::1]:8001 removed");
    }

    @Test
    void backendWeight_putsTheWeight() {
        api.on("PUT", "/api/v1/pools/web/backends/10.0.0.13:8001/weight", 200, "{}");

        assertThat(runAgainstApi("backend", "weight", "--pool", "web", "--address", "10.0.0.13:8001", "--weight", "7")).isZero();

        assertThat(api.last().body()).isEqualTo("{\"weight\":7}");
        assertThat(out.toString()).contains("web: 10.0.0.13:8001 weight 7");
    }

    @Test
    void backendReadyAndMaintenance_postToTheirPaths() {
        api.on("POST", "/api/v1/pools/web/backends/10.0.0.13:8001/maintenance", 200, "{}")
                .on("POST", "/api/v1/pools/web/backends/10.0.0.13:8001/ready", 200, "{}");

        assertThat(runAgainstApi("backend", "maintenance", "--pool", "web", "--address", "10.0.0.13:8001")).isZero();
        assertThat(runAgainstApi("backend", "ready", "--pool", "web", "--address", "10.0.0.13:8001")).isZero();

        assertThat(api.requests()).extracting(r -> r.method() + " " + r.rawPath()).containsExactly(
                "POST /api/v1/pools/web/backends/10.0.0.13:8001/maintenance",
                "POST /api/v1/pools/web/backends/10.0.0.13:8001/ready");
        assertThat(out.toString()).contains("in maintenance").contains("ready");
    }

    @Test
    void backendDrain_withADeadline_returnsAtOnce() {
        api.on("POST", "/api/v1/pools/web/backends/10.0.0.11:8001/drain", 202, "{}");

        assertThat(runAgainstApi("backend", "drain", "--pool", "web", "--address", "10.0.0.11:8001", "--deadline", "30s")).isZero();

        assertThat(api.last().body()).isEqualTo("{\"deadline\":\"30s\"}");
        assertThat(api.requests()).hasSize(1);
        assertThat(out.toString()).contains("web: 10.0.0.11:8001 draining").contains("30s");
    }

    @Test
    void backendDrain_wait_printsInFlightAsItFallsUntilDrained() {
        api.on("POST", "/api/v1/pools/web/backends/10.0.0.11:8001/drain", 202, "{}")
                .on("GET", "/api/v1/pools/web", 200, withBackend("drain", "draining", 2))
                .on("GET", "/api/v1/pools/web", 200, withBackend("drain", "draining", 1))
                .on("GET", "/api/v1/pools/web", 200, withBackend("drain", "drained", 0));

        assertThat(runAgainstApi("backend", "drain", "--pool", "web", "--address", "10.0.0.11:8001", "--wait")).isZero();

        assertThat(api.requests().get(0).body()).isEqualTo("{}");
        String text = out.toString();
        assertThat(text).contains("2 in flight").contains("1 in flight").contains("web: 10.0.0.11:8001 drained");
        assertThat(text.indexOf("2 in flight")).isLessThan(text.indexOf("1 in flight"));
    }

    @Test
    void backendDrain_wait_whenAnotherChangeEndsTheDrain_exitsOne() {
        api.on("POST", "/api/v1/pools/web/backends/10.0.0.11:8001/drain", 202, "{}")
                .on("GET", "/api/v1/pools/web", 200, withBackend("ready", "healthy", 1));

        assertThat(runAgainstApi("backend", "drain", "--pool", "web", "--address", "10.0.0.11:8001", "--wait")).isEqualTo(1);
        assertThat(err.toString()).contains("no longer draining (admin: ready)");
    }

    @Test
    void backend_aBadAddressOrDeadline_exitsTwoWithoutCallingTheNode() {
        assertThat(runAgainstApi("backend", "remove", "--pool", "web", "--address", "10.0.0.11")).isEqualTo(2);
        assertThat(err.toString()).contains("--address: \"10.0.0.11\" (expected: host:port");
        assertThat(runAgainstApi("backend", "drain", "--pool", "web", "--address", "10.0.0.11:1", "--deadline", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--deadline: \"soon\"");
        assertThat(runAgainstApi("backend", "weight", "--pool", "web", "--address", "10.0.0.11:1")).isEqualTo(2);
        assertThat(err.toString()).contains("--weight");
        assertThat(runAgainstApi("backend")).isEqualTo(2);
        assertThat(api.requests()).isEmpty();
    }

    // reload

    @Test
    void reload_printsWhatOnlyARestartApplies() {
        api.on("POST", "/api/v1/reload", 200,
                "{\"applied\": true, \"notes\": [\"timeouts: changed; a restart applies it\"]}");

        assertThat(runAgainstApi("reload")).isZero();

        assertThat(out.toString()).contains("reload: applied, except what only a restart applies:")
                .contains("  timeouts: changed; a restart applies it");
    }

    @Test
    void reload_withNothingLeftOver_saysApplied() {
        api.on("POST", "/api/v1/reload", 200, "{\"applied\": true, \"notes\": []}");

        assertThat(runAgainstApi("reload")).isZero();
        assertThat(out.toString().strip()).isEqualTo("reload: applied");
    }

    @Test
    void reload_ofAFileWithErrors_exitsFiveAndPrintsThem() {
        api.on("POST", "/api/v1/reload", 400, """
                {"error": "the config file has 2 errors; nothing changed", "field": "config",
                 "errors": ["pools.web.backends[0].weight: 0 (expected: 1-1000)",
                            {"path": "listeners[0].routes[0].pool", "message": "\\"nope\\" (expected: a pool name)"}]}
                """);

        assertThat(runAgainstApi("reload")).isEqualTo(5);

        assertThat(err.toString()).contains("rejected (400): config: the config file has 2 errors; nothing changed")
                .contains("  pools.web.backends[0].weight: 0 (expected: 1-1000)")
                .contains("  listeners[0].routes[0].pool: \"nope\" (expected: a pool name)");
    }

    // exit codes

    @Test
    void unreachableNode_exitsThreeAndSaysWhere() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        assertThat(run("status", "--admin", "127.0.0.1:" + port)).isEqualTo(3);

        assertThat(err.toString()).contains("cannot reach the node's admin API at http://127.0.0.1:" + port)
                .contains("is the node running");
    }

    @Test
    void unauthorized_exitsFourAndSaysWhichTokenWasRefused() throws Exception {
        api.on("GET", "/api/v1/node", 401, "{\"error\": \"a valid bearer token is required\"}");

        assertThat(runAgainstApi("status")).isEqualTo(4);
        assertThat(err.toString()).contains("authentication failed (401)").contains("no token was sent");

        env.put("GATEHOUSE_TOKEN", "wrong-token");
        assertThat(runAgainstApi("status")).isEqualTo(4);
        assertThat(err.toString()).contains("refused the token from $GATEHOUSE_TOKEN").doesNotContain("wrong-token");
    }

    @Test
    void rejectedChange_exitsFiveWithTheApisMessage() {
        api.on("PUT", "/api/v1/pools/web/backends/10.0.0.13:8001/weight", 400,
                "{\"error\": \"0 (expected: 1-1000)\", \"field\": \"weight\"}");
        api.on("POST", "/api/v1/pools/web/backends", 409,
                "{\"error\": \"10.0.0.13:8001 is already in pool web\", \"field\": \"address\"}");

        assertThat(runAgainstApi("backend", "weight", "--pool", "web", "--address", "10.0.0.13:8001", "--weight", "0"))
                .isEqualTo(5);
        assertThat(err.toString()).contains("gatehouse: rejected (400): weight: 0 (expected: 1-1000)");
        assertThat(runAgainstApi("backend", "add", "--pool", "web", "--address", "10.0.0.13:8001")).isEqualTo(5);
        assertThat(err.toString()).contains("rejected (409): address: 10.0.0.13:8001 is already in pool web");
    }

    @Test
    void serverError_exitsOne() {
        api.on("POST", "/api/v1/reload", 500, "{\"error\": \"the state file could not be saved: disk full\"}");

        assertThat(runAgainstApi("reload")).isEqualTo(1);
        assertThat(err.toString()).contains("POST /api/v1/reload failed (500): the state file could not be saved: disk full");
    }

    // address and token

    @Test
    void token_fromTheEnvironment_isSentAsABearerToken() {
        api.on("POST", "/api/v1/reload", 200, "{\"applied\": true, \"notes\": []}");
        env.put("GATEHOUSE_TOKEN", "s3cret-from-env\n");

        assertThat(runAgainstApi("reload")).isZero();
        assertThat(api.last().header("Authorization")).isEqualTo("Bearer s3cret-from-env");
    }

    @Test
    void token_fromTheFileInTheEnvironment_isSent() throws Exception {
        api.on("POST", "/api/v1/reload", 200, "{\"applied\": true, \"notes\": []}");
        env.put("GATEHOUSE_TOKEN_FILE", Files.writeString(dir.resolve("token"), "s3cret-from-file\n").toString());

        assertThat(runAgainstApi("reload")).isZero();
        assertThat(api.last().header("Authorization")).isEqualTo("Bearer s3cret-from-file");
    }

    @Test
    void token_fromTokenFile_winsOverTheEnvironment() throws Exception {
        api.on("POST", "/api/v1/reload", 200, "{\"applied\": true, \"notes\": []}");
        env.put("GATEHOUSE_TOKEN", "from-env");
        Path file = Files.writeString(dir.resolve("token"), "from-flag-file");

        assertThat(runAgainstApi("reload", "--token-file", file.toString())).isZero();
        assertThat(api.last().header("Authorization")).isEqualTo("Bearer from-flag-file");
    }

    @Test
    void token_none_sendsNoAuthorization() {
        api.on("POST", "/api/v1/reload", 200, "{\"applied\": true, \"notes\": []}");

        assertThat(runAgainstApi("reload")).isZero();
        assertThat(api.last().header("Authorization")).isNull();
    }

    @Test
    void token_isNeverAcceptedOnTheCommandLine() {
        assertThat(runAgainstApi("status", "--token", "s3cret")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option").contains("--token-file");
        assertThat(api.requests()).isEmpty();
        for (String command : new String[] {"status", "reload", "backend add", "backend remove", "backend drain",
                "backend weight", "backend ready", "backend maintenance", "deploy", "rollback"}) {
            CommandLine cl = Main.commandLine(env::get);
            for (String part : command.split(" ")) {
                cl = cl.getSubcommands().get(part);
            }
            assertThat(cl.getCommandSpec().options()).allSatisfy(o -> assertThat(o.names())
                    .noneMatch(n -> n.contains("token") && !n.equals("--token-file")));
        }
    }

    @Test
    void token_anUnreadableOrEmptyFile_exitsTwo() throws Exception {
        assertThat(runAgainstApi("reload", "--token-file", dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--token-file: ").contains("cannot be read");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThat(runAgainstApi("reload", "--token-file", empty.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("is empty");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void admin_aFlagWinsOverTheEnvironment_andABadUrlExitsTwo() {
        api.on("POST", "/api/v1/reload", 200, "{\"applied\": true, \"notes\": []}");
        env.put("GATEHOUSE_ADMIN", "http://127.0.0.1:1");

        assertThat(run("reload", "--admin", api.url() + "/")).isZero();
        assertThat(run("reload", "--admin", "ftp://x")).isEqualTo(2);
        assertThat(err.toString()).contains("--admin: \"ftp://x\" (expected: a URL");
    }

    @Test
    void help_listsTheExitCodes() {
        assertThat(run("backend", "drain", "--help")).isZero();
        assertThat(out.toString()).contains("Exit codes:").contains("node's admin API cannot be reached")
                .contains("authentication failed").contains("rejected the change");
        assertThat(run("help", "status")).isZero();
        assertThat(out.toString()).contains("--token-file").contains("--json").contains("--config");
    }

    private static String withBackend(String admin, String state, int inFlight) {
        return """
                {"name": "web", "strategy": "round-robin", "panicking": false, "queue": {"length": 0},
                 "backends": [{"address": "10.0.0.11:8001", "version": "v41", "weight": 1, "admin": "%s", "state": "%s",
                               "in_flight": %d, "limit": 0}]}
                """.formatted(admin, state, inFlight);
    }
}
