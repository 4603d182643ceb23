package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.OutlierConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.control.FileStateStore;
import dev.gatehouse.server.control.FullDiskStore;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The admin API against a real node and stub backends: authentication, each operation's effect on
 * live traffic, durability across a restart, reload, and the answers to bad input.
 */
final class AdminApiIT {

    private static final AdminConfig LOOPBACK = new AdminConfig(new HostPort("127.0.0.1", 0), null, null, null);
    private static final HealthConfig NO_SLOW_START =
            new HealthConfig(null, OutlierConfig.DEFAULTS, SlowStartConfig.OFF, PanicConfig.DEFAULTS);
    private static final String POOL = "/api/v1/pools/web";
    private static final Duration WAIT = Duration.ofSeconds(10);

    // ---------------------------------------------------------------- authentication

    @Test
    void noTokenConfigured_onLoopback_requestsAreAllowed() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            AdminClient admin = admin(node);

            assertThat(admin.get("/api/v1/pools").status()).isEqualTo(200);
            assertThat(admin.post(backendPath(a) + "/maintenance", null).status()).isEqualTo(200);
        }
    }

    @Test
    void tokenConfigured_missingOrWrongTokenIs401_andNothingIsReadOrChanged_theRightTokenWorks(@TempDir Path dir)
            throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("admin.token"), "  s3cret-admin-token-0123456789\n");
        AdminConfig withToken = new AdminConfig(new HostPort("127.0.0.1", 0), tokenFile.toString(), null, null);
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = TestNode.builder().backend(a.address()).health("web", NO_SLOW_START).accessLog(false)
                     .admin(withToken).start()) {
            AdminClient anonymous = new AdminClient(node.adminPort(), null);
            AdminClient wrong = anonymous.withToken("s3cret-admin-token-012345678");
            AdminClient right = anonymous.withToken("s3cret-admin-token-0123456789");

            for (AdminClient c : List.of(anonymous, wrong)) {
                AdminClient.Response read = c.get("/api/v1/pools");
                assertThat(read.status()).isEqualTo(401);
                assertThat(read.header("WWW-Authenticate")).startsWith("Bearer");
                assertThat(read.json().get("error").asText()).contains("token");
                assertThat(read.body()).doesNotContain(a.address());

                AdminClient.Response change = c.post(POOL + "/backends", "{\"address\": \"" + b.address() + "\"}");
                assertThat(change.status()).isEqualTo(401);
                assertThat(c.post(backendPath(a) + "/drain", null).status()).isEqualTo(401);
                assertThat(c.post("/api/v1/reload", null).status()).isEqualTo(401);
            }
            assertThat(wrong.get("/api/v1/pools").header("WWW-Authenticate")).contains("invalid_token");
            assertThat(anonymous.withToken("").get("/api/v1/node").status()).isEqualTo(401);
            // Nothing changed: still one backend, in service, and every request goes to it.
            JsonNode pool = right.get(POOL).json();
            assertThat(pool.get("backends")).hasSize(1);
            assertThat(pool.get("backends").get(0).get("admin").asText()).isEqualTo("ready");
            assertThat(servedBy(node)).isEqualTo("a");

            assertThat(right.get("/api/v1/pools").status()).isEqualTo(200);
            assertThat(right.post(POOL + "/backends", "{\"address\": \"" + b.address() + "\"}").status()).isEqualTo(201);
            // The scheme is case-insensitive; two Authorization headers are one too many.
            try (RawHttpClient raw = RawHttpClient.connect(node.adminPort())) {
                raw.send("GET /api/v1/node HTTP/1.1\r\nHost: x\r\nauthorization: bearer s3cret-admin-token-0123456789\r\n\r\n");
                assertThat(raw.readResponse().status()).isEqualTo(200);
                raw.send("GET /api/v1/node HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret-admin-token-0123456789\r\n"
                        + "Authorization: Bearer s3cret-admin-token-0123456789\r\n\r\n");
                assertThat(raw.readResponse().status()).isEqualTo(401);
            }
        }
    }

    @Test
    void offLoopback_noRequestWithoutTheTokenReadsOrChangesAnything(@TempDir Path dir) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("admin.token"), "off-loopback-token-0123456789\n");
        AdminConfig everywhere = new AdminConfig(new HostPort("0.0.0.0", 0), tokenFile.toString(), null, null);
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = TestNode.builder().backend(a.address()).health("web", NO_SLOW_START).accessLog(false)
                     .admin(everywhere).start()) {
            AdminClient anonymous = new AdminClient(node.adminPort(), null);
            for (String path : List.of("/api/v1/node", "/api/v1/pools", POOL, backendPath(a), "/metrics")) {
                AdminClient.Response r = anonymous.get(path);
                assertThat(r.status()).as(path).isEqualTo(401);
                assertThat(r.body()).as(path).doesNotContain(a.address()).doesNotContain("gatehouse_requests_total");
            }
            assertThat(anonymous.post(POOL + "/backends", "{\"address\": \"" + b.address() + "\"}").status()).isEqualTo(401);
            assertThat(anonymous.put(backendPath(a) + "/weight", "{\"weight\": 5}").status()).isEqualTo(401);
            assertThat(anonymous.post(backendPath(a) + "/drain", null).status()).isEqualTo(401);
            assertThat(anonymous.post(backendPath(a) + "/maintenance", null).status()).isEqualTo(401);
            assertThat(anonymous.delete(backendPath(a)).status()).isEqualTo(401);
            assertThat(anonymous.post("/api/v1/reload", null).status()).isEqualTo(401);
            // Nothing changed.
            AdminClient right = anonymous.withToken("off-loopback-token-0123456789");
            JsonNode pool = right.get(POOL).json();
            assertThat(pool.get("backends")).hasSize(1);
            assertThat(pool.get("backends").get(0).get("admin").asText()).isEqualTo("ready");
            assertThat(pool.get("backends").get(0).get("weight").asInt()).isEqualTo(1);
            assertThat(right.get("/metrics").status()).isEqualTo(200);
        }
    }

    @Test
    void nonLoopbackBindWithoutToken_refusesToStart() {
        assertThatThrownBy(() -> new AdminConfig(new HostPort("0.0.0.0", 9090), null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bind: \"0.0.0.0:9090\" (expected: a loopback address");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                listeners: [ { bind: 127.0.0.1:0, routes: [ { pool: web } ] } ]
                pools: { web: {} }
                admin: { bind: 0.0.0.0:9090 }
                """, name -> null));
        assertThat(e.errors()).singleElement().satisfies(error -> assertThat(error.path()).isEqualTo("admin.bind"));
    }

    @Test
    void emptyOrMissingToken_stopsTheStart_namingTheSetting(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.token"), " \n");
        for (String file : List.of(empty.toString(), dir.resolve("missing.token").toString())) {
            AdminConfig config = new AdminConfig(new HostPort("127.0.0.1", 0), file, null, null);
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> TestNode.builder().backend("127.0.0.1:1").admin(config).start());
            assertThat(e).as(file).isNotNull();
            assertThat(e.errors()).singleElement().satisfies(error -> {
                assertThat(error.path()).isEqualTo("admin.token_file");
                assertThat(error.message()).contains(file);
            });
        }
        AdminConfig unset = new AdminConfig(new HostPort("127.0.0.1", 0), null, "GATEHOUSE_TEST_UNSET_TOKEN_VARIABLE", null);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> TestNode.builder().backend("127.0.0.1:1").admin(unset).start());
        assertThat(e.errors().get(0).toString())
                .isEqualTo("admin.token_env: GATEHOUSE_TEST_UNSET_TOKEN_VARIABLE is not set (expected: the admin token)");
    }

    // ---------------------------------------------------------------- operations and live traffic

    @Test
    void addBackend_is201WithTheBackend_andItGetsRequests() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); TestNode node = node(a)) {
            AdminClient.Response r = admin(node).post(POOL + "/backends",
                    "{\"address\": \"" + b.address() + "\", \"weight\": 2, \"version\": \"v1\"}");

            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            assertThat(r.header("Location")).isEqualTo(POOL + "/backends/" + b.address());
            JsonNode backend = r.json();
            assertThat(backend.get("address").asText()).isEqualTo(b.address());
            assertThat(backend.get("weight").asInt()).isEqualTo(2);
            assertThat(backend.get("version").asText()).isEqualTo("v1");
            assertThat(backend.get("declared").asBoolean()).isFalse();
            assertThat(backend.get("admin").asText()).isEqualTo("ready");
            assertThat(backend.get("state").asText()).isEqualTo("healthy");
            assertThat(servedBy(node, 4)).containsOnly("a", "b").contains("b");
        }
    }

    @Test
    void weight_changesTheShareOfRequests() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = TestNode.builder().backend(a.address()).backend(b.address())
                     .policy("web", Strategy.WEIGHTED_ROUND_ROBIN, null, null, null)
                     .health("web", NO_SLOW_START).accessLog(false).admin(LOOPBACK).start()) {
            AdminClient.Response r = admin(node).put(backendPath(b) + "/weight", "{\"weight\": 3}");

            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().get("weight").asInt()).isEqualTo(3);
            List<String> served = servedBy(node, 40);
            assertThat(served.stream().filter("b"::equals).count()).isEqualTo(30);
            assertThat(served.stream().filter("a"::equals).count()).isEqualTo(10);
        }
    }

    @Test
    void drain_answers202AtOnceWithInFlight_noNewRequestReachesIt_andItIsDrainedAtZero() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); TestNode node = node(a, b);
             RawHttpClient slow1 = RawHttpClient.connect(node.port()); RawHttpClient slow2 = RawHttpClient.connect(node.port())) {
            // Round robin: two slow requests, one on each backend.
            slow1.send("GET /delay/1500 HTTP/1.1\r\nHost: x\r\n\r\n");
            slow2.send("GET /delay/1500 HTTP/1.1\r\nHost: x\r\n\r\n");
            await().until(() -> a.requestsStarted() == 1 && b.requestsStarted() == 1);

            AdminClient.Response r = admin(node).post(backendPath(a) + "/drain", "{\"deadline\": \"1m\"}");

            assertThat(r.status()).as(r.toString()).isEqualTo(202);
            assertThat(r.json().get("admin").asText()).isEqualTo("drain");
            assertThat(r.json().get("state").asText()).isEqualTo("draining");
            assertThat(r.json().get("in_flight").asInt()).isEqualTo(1);
            assertThat(r.json().get("drain_deadline").asText()).endsWith("Z");
            // Nothing new reaches a once the call has returned.
            assertThat(servedBy(node, 10)).containsOnly("b");
            assertThat(a.requestsStarted()).isEqualTo(1);
            // The request in flight finishes, and then a is drained.
            assertThat(slow1.readResponse().status()).isEqualTo(200);
            assertThat(slow2.readResponse().status()).isEqualTo(200);
            await().until(() -> backend(admin(node).get(POOL).json(), a).get("state").asText().equals("drained"));
            JsonNode drained = admin(node).get(backendPath(a)).json();
            assertThat(drained.get("in_flight").asInt()).isZero();
            assertThat(drained.get("reason").asText()).isEqualTo("drained by an operator: no request in flight");
        }
    }

    @Test
    void maintenance_takesABackendOut_andReadyPutsItBack() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); TestNode node = node(a, b)) {
            AdminClient.Response r = admin(node).post(backendPath(a) + "/maintenance", null);

            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().get("state").asText()).isEqualTo("maintenance");
            assertThat(r.json().get("admin").asText()).isEqualTo("maint");
            assertThat(servedBy(node, 6)).containsOnly("b");

            AdminClient.Response ready = admin(node).post(backendPath(a) + "/ready", "{}");

            assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
            assertThat(ready.json().get("admin").asText()).isEqualTo("ready");
            assertThat(servedBy(node, 6)).contains("a", "b");
        }
    }

    @Test
    void remove_takesABackendOut_andAnswersWithThePool() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); TestNode node = node(a, b)) {
            AdminClient.Response r = admin(node).delete(backendPath(b));

            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().get("backends")).extracting(n -> n.get("address").asText()).containsExactly(a.address());
            assertThat(servedBy(node, 6)).containsOnly("a");
            assertThat(admin(node).get(backendPath(b)).status()).isEqualTo(404);
        }
    }

    @Test
    void addDrainRemove_underContinuousLoad_failNoRequest() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); TestNode node = node(a);
             ContinuousLoad load = ContinuousLoad.start(node.port(), 4, "/")) {
            AdminClient admin = admin(node);
            load.awaitCompleted(50, WAIT);

            assertThat(admin.post(POOL + "/backends", "{\"address\": \"" + b.address() + "\"}").status()).isEqualTo(201);
            await().until(() -> load.answeredBy("b") > 50);
            assertThat(admin.post(backendPath(b) + "/drain", null).status()).isEqualTo(202);
            int afterDrain = b.requestsStarted();
            load.awaitCompleted(load.completed() + 200, WAIT);
            assertThat(b.requestsStarted()).isEqualTo(afterDrain);
            assertThat(admin.delete(backendPath(b)).status()).isEqualTo(200);
            load.awaitCompleted(load.completed() + 100, WAIT);

            assertThat(load.stop()).isEmpty();
        }
    }

    @Test
    void stateThatCannotBeSaved_is500_andNothingChanges() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = TestNode.builder().backend(a.address()).health("web", NO_SLOW_START).accessLog(false)
                     .admin(LOOPBACK).store(FullDiskStore.full()).start()) {
            AdminClient admin = admin(node);

            assertError(admin.post(backendPath(a) + "/drain", null), 500, null,
                    "the state could not be saved, so nothing changed: No space left on device");
            assertError(admin.post(POOL + "/backends", "{\"address\": \"" + b.address() + "\"}"), 500, null,
                    "the state could not be saved");
            assertThat(admin.get(POOL).json().get("backends")).hasSize(1);
            assertThat(admin.get(backendPath(a)).json().get("admin").asText()).isEqualTo("ready");
            assertThat(servedBy(node, 3)).containsOnly("a");
        }
    }

    // ---------------------------------------------------------------- durability and reload

    @Test
    void runtimeState_survivesARestart(@TempDir Path dir) throws Exception {
        FileStateStore store = new FileStateStore(dir.resolve("state.json"));
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); StubBackend c = StubBackend.start("c")) {
            TestNode.Builder config = TestNode.builder().backend(a.address()).backend(b.address()).health("web", NO_SLOW_START)
                    .accessLog(false).admin(LOOPBACK).store(store);
            Map<String, Object> before;
            JsonNode runtimeBefore;
            try (TestNode node = config.start()) {
                AdminClient admin = admin(node);
                assertThat(admin.post(POOL + "/backends", "{\"address\": \"" + c.address() + "\", \"version\": \"v2\"}").status())
                        .isEqualTo(201);
                assertThat(admin.put(backendPath(b) + "/weight", "{\"weight\": 7}").status()).isEqualTo(200);
                assertThat(admin.post(backendPath(a) + "/drain", "{\"deadline\": \"10m\"}").status()).isEqualTo(202);
                before = operatorView(admin.get("/api/v1/pools").json());
                runtimeBefore = admin.get("/api/v1/node").json().get("runtime");
            }
            try (TestNode node = config.start()) {
                AdminClient admin = admin(node);

                assertThat(operatorView(admin.get("/api/v1/pools").json())).isEqualTo(before);
                assertThat(admin.get("/api/v1/node").json().get("runtime")).isEqualTo(runtimeBefore);
                assertThat(runtimeBefore.get("revision").asLong()).isEqualTo(3);
                assertThat(servedBy(node, 6)).containsOnly("b", "c").contains("c");
            }
        }
    }

    @Test
    void reload_ofAnEditedConfigFile_addsABackend_withoutFailingARequest_andAConfigWithErrorsChangesNothing(@TempDir Path dir)
            throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b")) {
            Path file = dir.resolve("gatehouse.yaml");
            Files.writeString(file, yaml(a.address()));
            GatehouseConfig config = ConfigLoader.load(file);
            try (GatehouseServer server = GatehouseServer.start(config, new FileStateStore(dir.resolve("state.json")),
                    () -> ConfigLoader.load(file));
                 ContinuousLoad load = ContinuousLoad.start(server.port(), 2, "/")) {
                AdminClient admin = new AdminClient(server.adminPort(), null);
                load.awaitCompleted(20, WAIT);

                Files.writeString(file, yaml(a.address() + ", " + b.address()));
                AdminClient.Response r = admin.post("/api/v1/reload", null);

                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                assertThat(r.json().get("applied").asBoolean()).isTrue();
                assertThat(r.json().get("notes")).isEmpty();
                JsonNode added = backend(admin.get(POOL).json(), b);
                assertThat(added.get("declared").asBoolean()).isTrue();
                await().until(() -> load.answeredBy("b") > 20);

                Files.writeString(file, yaml(a.address() + ", { address: " + b.address() + ", weight: 0 }"));
                AdminClient.Response bad = admin.post("/api/v1/reload", null);

                assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
                assertThat(bad.json().get("field").asText()).isEqualTo("config");
                assertThat(bad.json().get("errors").get(0).get("path").asText()).isEqualTo("pools.web.backends[1].weight");
                assertThat(bad.json().get("errors").get(0).get("message").asText()).isEqualTo("0 (expected: an integer 1-1000)");
                assertThat(bad.json().get("error").asText()).startsWith("the config has 1 error; nothing changed");
                assertThat(backend(admin.get(POOL).json(), b).get("weight").asInt()).isEqualTo(1);

                assertThat(load.stop()).isEmpty();
            }
        }
    }

    @Test
    void reload_withoutAConfigSource_is409() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            AdminClient.Response r = admin(node).post("/api/v1/reload", null);

            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("error").asText()).isEqualTo("this node was not started from a config file, so there is nothing to reload");
        }
    }

    // ---------------------------------------------------------------- reads

    @Test
    void node_showsVersionUptimeStateAndWhatDiffersFromTheConfig() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); TestNode node = node(a)) {
            AdminClient admin = admin(node);
            admin.post(POOL + "/backends", "{\"address\": \"" + b.address() + "\"}");

            JsonNode info = admin.get("/api/v1/node").json();

            assertThat(info.get("version").asText()).isNotEmpty();
            assertThat(info.get("started_at").asText()).endsWith("Z");
            assertThat(info.get("uptime_seconds").asLong()).isNotNegative();
            assertThat(info.get("state_revision").asLong()).isEqualTo(1);
            assertThat(info.get("state_file").asText()).isEqualTo("not kept (no state file)");
            assertThat(info.get("transport").asText()).isIn("epoll", "nio");
            assertThat(info.get("pools").get("web").get("epoch").asLong()).isZero();
            // The version the config file declares is live before any cutover.
            assertThat(info.get("pools").get("web").get("live_version").asText()).isEqualTo("v1");
            assertThat(info.get("runtime").get("pools").get("web").get("added").get(0).get("address").asText())
                    .isEqualTo(b.address());
        }
    }

    @Test
    void pools_showStrategyQueueRetriesAndEveryBackend() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            servedBy(node, 3);
            JsonNode pools = admin(node).get("/api/v1/pools").json().get("pools");

            assertThat(pools).hasSize(1);
            JsonNode web = pools.get(0);
            assertThat(web.get("name").asText()).isEqualTo("web");
            assertThat(web.get("strategy").asText()).isEqualTo("round-robin");
            assertThat(web.get("panicking").asBoolean()).isFalse();
            assertThat(web.get("queue").get("length").asInt()).isZero();
            assertThat(web.has("retries")).isTrue();
            assertThat(web.has("retries_denied")).isTrue();
            JsonNode backend = web.get("backends").get(0);
            assertThat(backend.get("address").asText()).isEqualTo(a.address());
            assertThat(backend.get("declared").asBoolean()).isTrue();
            assertThat(backend.get("state").asText()).isEqualTo("healthy");
            assertThat(backend.get("in_flight").asInt()).isZero();
            assertThat(backend.get("drain_deadline").isNull()).isTrue();
            assertThat(backend.get("latency_ms").asDouble()).isPositive();
        }
    }

    @Test
    void metrics_showPerBackendLatencyPercentilesThatMatchTheLoad() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); TestNode node = node(a, b)) {
            // Round robin: half the requests to each; a answers in about 40 ms, b in about 5 ms.
            try (var client = dev.gatehouse.testing.RawHttpClient.connect(node.port())) {
                for (int i = 0; i < 40; i++) {
                    // Round robin alternates strictly, so each backend always gets the same one of the two.
                    String path = i % 2 == 0 ? "/delay/40" : "/delay/5";
                    client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                    client.readResponse();
                }
            }
            AdminClient.Response r = admin(node).get("/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/plain");
            double aMedian = quantile(r.body(), a.address(), "0.5");
            double bMedian = quantile(r.body(), b.address(), "0.5");
            // Each backend's median is its own latency, not a mix: the 40 ms route went to one of them.
            assertThat(Math.max(aMedian, bMedian)).isBetween(0.040, 0.090);
            assertThat(Math.min(aMedian, bMedian)).isBetween(0.004, 0.030);
            assertThat(r.body()).contains("gatehouse_requests_total{").contains("jvm_memory_used_bytes");
        }
    }

    private static double quantile(String text, String backend, String q) {
        return text.lines()
                .filter(l -> l.startsWith("gatehouse_request_duration_quantiles_seconds{") && l.contains("backend=\"" + backend + "\"")
                        && l.contains("quantile=\"" + q + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + q + " quantile for " + backend + " in\n" + text));
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void badInput_is400_namingTheProblem() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            AdminClient admin = admin(node);

            assertError(admin.post(POOL + "/backends", "{\"address\": \"10.0.0.1:80\",}"), 400, null, "malformed JSON at line 1, column ");
            assertError(admin.post(POOL + "/backends", "{\"address\": \"10.0.0.1:80\", \"weigth\": 2}"), 400, "weigth",
                    "weigth: unknown field \"weigth\" (expected one of: address, weight, version)");
            assertError(admin.put(backendPath(a) + "/weight", "{\"weight\": 0}"), 400, "weight", "weight: 0 (expected: 1-1000)");
            assertError(admin.put(backendPath(a) + "/weight", "{\"weight\": \"5\"}"), 400, "weight",
                    "weight: \"5\" (expected: an integer)");
            assertError(admin.put(backendPath(a) + "/weight", "{}"), 400, "weight", "weight: missing (expected: an integer 1-1000)");
            assertError(admin.post(POOL + "/backends", "{\"address\": \"nonsense\"}"), 400, "address",
                    "address: \"nonsense\" (expected: host:port, or [ipv6]:port)");
            assertError(admin.post(POOL + "/backends", "{\"address\": \"" + a.address() + "\"}"), 400, "address",
                    "address: \"" + a.address() + "\" (expected: a backend not in pool web yet)");
            assertError(admin.post(POOL + "/backends", "{\"address\": \"10.0.0.1:80\", \"version\": \"v 1\"}"), 400, "version",
                    "version: \"v 1\" (expected: 1-64 letters, digits, '.', '_' or '-')");
            assertError(admin.post(backendPath(a) + "/drain", "{\"deadline\": \"soon\"}"), 400, "deadline", "deadline: \"soon\"");
            assertError(admin.post(backendPath(a) + "/maintenance", "{\"now\": true}"), 400, "now",
                    "now: unknown field \"now\" (expected: no fields)");
            assertError(admin.post(POOL + "/backends/not-an-address/drain", null), 400, "address", "address: \"not-an-address\"");
            assertError(admin.get("/api/v1/pools/Web%20App"), 400, "pool", "pool: \"Web App\"");
            assertError(admin.post(POOL + "/backends", "[]"), 400, null, "[] (expected: a JSON object)");
            // Nothing changed.
            JsonNode backend = admin.get(backendPath(a)).json();
            assertThat(backend.get("weight").asInt()).isEqualTo(1);
            assertThat(backend.get("admin").asText()).isEqualTo("ready");
            assertThat(admin.get("/api/v1/node").json().get("state_revision").asLong()).isZero();
        }
    }

    @Test
    void unknownPoolOrBackend_is404() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            AdminClient admin = admin(node);

            assertError(admin.get("/api/v1/pools/api"), 404, "pool", "pool \"api\" not found (expected: one of [web])");
            assertError(admin.post("/api/v1/pools/api/backends", "{\"address\": \"10.0.0.1:80\"}"), 404, "pool",
                    "pool: \"api\" (expected: one of [web])");
            assertError(admin.post(POOL + "/backends/10.0.0.1:80/drain", null), 404, "address",
                    "address: \"10.0.0.1:80\" (expected: a backend of pool web)");
            assertError(admin.delete(POOL + "/backends/10.0.0.1:80"), 404, "address", "address: \"10.0.0.1:80\"");
            assertError(admin.get(POOL + "/backends/10.0.0.1:80"), 404, "address", "backend \"10.0.0.1:80\" not found in pool web");
        }
    }

    @Test
    void unknownPath_is404_wrongMethod_is405WithAllow_tooLargeABody_is413() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            AdminClient admin = admin(node);

            assertError(admin.get("/api/v2/pools"), 404, null, "\"/api/v2/pools\" is no admin API path");
            AdminClient.Response wrongMethod = admin.post("/api/v1/pools", "{}");
            assertError(wrongMethod, 405, null, "POST /api/v1/pools (expected: GET)");
            assertThat(wrongMethod.header("Allow")).isEqualTo("GET");
            assertThat(admin.send("PATCH", backendPath(a), "{}").header("Allow")).isEqualTo("GET, DELETE");
            AdminClient.Response tooLarge = admin.post(POOL + "/backends", "{\"address\": \"" + "x".repeat(70_000) + "\"}");
            assertError(tooLarge, 413, null, "request body too large (expected: at most 64 KiB)");
        }
    }

    // ---------------------------------------------------------------- HTTP and lifecycle

    @Test
    void pipelinedRequests_areAnsweredInOrder_onAKeptAliveConnection() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a);
             RawHttpClient client = RawHttpClient.connect(node.adminPort())) {
            client.send("POST " + backendPath(a) + "/maintenance HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
                    + "GET " + backendPath(a) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /api/v1/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            RawHttpResponse first = client.readResponse();
            RawHttpResponse second = client.readResponse();
            RawHttpResponse third = client.readResponse();

            assertThat(first.status()).isEqualTo(200);
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.bodyText()).contains("\"state\" : \"maintenance\"");
            assertThat(third.status()).isEqualTo(404);
            assertThat(third.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(client.isClosedByPeer()).isFalse();
        }
    }

    @Test
    void malformedHttp_is400_andTheConnectionCloses() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a);
             RawHttpClient client = RawHttpClient.connect(node.adminPort())) {
            client.send("GET /api/v1/node HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");

            assertThat(client.readResponse().status()).isEqualTo(400);
            await().until(client::isClosedByPeer);
        }
    }

    @Test
    void everyChangeRequest_isOneAuditLine() throws Exception {
        Logger audit = (Logger) LoggerFactory.getLogger("gatehouse.audit");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Level level = audit.getLevel();
        audit.setLevel(Level.INFO);
        audit.addAppender(lines);
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); TestNode node = node(a)) {
            AdminClient admin = admin(node);
            admin.get("/api/v1/pools");
            admin.post(POOL + "/backends", "{\"address\": \"" + b.address() + "\"}");
            admin.post(POOL + "/backends", "{\"address\": ");
            admin.post(POOL + "/backends/10.0.0.1:80/drain", null);
            admin.put(backendPath(b) + "/weight", "{\"weight\": 2000}");

            List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(messages).hasSize(4).allSatisfy(m -> assertThat(m).startsWith("who=\"admin-api 127.0.0.1\" what=\""));
            assertThat(messages.get(0)).contains("what=\"add backend " + b.address() + " (weight 1, version v1) to pool web\"",
                    "result=\"applied (revision 1)\"");
            assertThat(messages.get(1)).contains("what=\"POST " + POOL + "/backends\"", "result=\"refused: 400 malformed JSON");
            assertThat(messages.get(2)).contains("what=\"drain backend 10.0.0.1:80 in pool web\"", "result=\"rejected: address:");
            assertThat(messages.get(3)).contains("result=\"rejected: weight: 2000 (expected: 1-1000)\"");
        } finally {
            audit.detachAppender(lines);
            audit.setLevel(level);
        }
    }

    @Test
    void stop_closesTheAdminListener() throws Exception {
        int port;
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            port = node.adminPort();
            assertThat(admin(node).get("/api/v1/node").status()).isEqualTo(200);
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void changesFromManyClientsAtOnce_allApply_inSomeOrder() throws Exception {
        List<StubBackend> stubs = new ArrayList<>();
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            for (int i = 0; i < 8; i++) {
                stubs.add(StubBackend.start("s" + i));
            }
            AdminClient admin = admin(node);
            List<CompletableFuture<AdminClient.Response>> calls = stubs.stream()
                    .map(s -> CompletableFuture.supplyAsync(() -> admin.post(POOL + "/backends", "{\"address\": \"" + s.address() + "\"}")))
                    .toList();

            assertThat(calls).allSatisfy(c -> assertThat(c.get(20, TimeUnit.SECONDS).status()).isEqualTo(201));
            assertThat(admin.get(POOL).json().get("backends")).hasSize(9);
            assertThat(admin.get("/api/v1/node").json().get("state_revision").asLong()).isEqualTo(8);
        } finally {
            stubs.forEach(StubBackend::close);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static TestNode node(StubBackend... backends) throws Exception {
        TestNode.Builder b = TestNode.builder().health("web", NO_SLOW_START).accessLog(false).admin(LOOPBACK);
        for (StubBackend s : backends) {
            b.backend(s.address());
        }
        return b.start();
    }

    private static AdminClient admin(TestNode node) {
        return new AdminClient(node.adminPort(), null);
    }

    private static String backendPath(StubBackend backend) {
        return POOL + "/backends/" + backend.address();
    }

    private static JsonNode backend(JsonNode pool, StubBackend backend) {
        for (JsonNode b : pool.get("backends")) {
            if (b.get("address").asText().equals(backend.address())) {
                return b;
            }
        }
        throw new AssertionError(backend.address() + " not in " + pool);
    }

    /** What an operator decided, per backend, in pool order: what a restart must keep. */
    private static Map<String, Object> operatorView(JsonNode pools) {
        Map<String, Object> view = new LinkedHashMap<>();
        for (JsonNode pool : pools.get("pools")) {
            List<Map<String, String>> backends = new ArrayList<>();
            for (JsonNode b : pool.get("backends")) {
                Map<String, String> fields = new HashMap<>();
                for (String f : List.of("address", "version", "weight", "declared", "admin", "state", "drain_deadline")) {
                    fields.put(f, b.get(f).asText());
                }
                backends.add(fields);
            }
            view.put(pool.get("name").asText(), backends);
        }
        return view;
    }

    private static void assertError(AdminClient.Response r, int status, String field, String messageStart) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        JsonNode json = r.json();
        assertThat(json.get("error").asText()).as(r.toString()).startsWith(messageStart);
        if (field == null) {
            assertThat(json.get("field").isNull()).as(r.toString()).isTrue();
        } else {
            assertThat(json.get("field").asText()).as(r.toString()).isEqualTo(field);
        }
    }

    private static String servedBy(TestNode node) {
        return RawHttpResponse.get(node.port(), "/").header(StubBackend.BACKEND_HEADER);
    }

    private static List<String> servedBy(TestNode node, int requests) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            RawHttpResponse r = RawHttpResponse.get(node.port(), "/");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            out.add(r.header(StubBackend.BACKEND_HEADER));
        }
        return out;
    }

    private static String yaml(String backends) {
        return """
                listeners:
                  - bind: 127.0.0.1:0
                    routes: [ { pool: web } ]
                pools:
                  web:
                    strategy: round-robin
                    slow_start: false
                    backends: [ %s ]
                admin: { bind: 127.0.0.1:0 }
                access_log: { enabled: false }
                """.formatted(backends);
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20));
    }
}
