package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.OutlierConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.deploy.DeployStatus;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.StubBackend;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Deploys and rollbacks through the admin API on real sockets, under continuous load: a deploy
 * answers 202 at once and runs on its own thread to done with no request failed; one deploy or
 * rollback at a time per pool; a gate that never opens aborts with the old version serving; a
 * rollback needs the previous version's backends; bad bodies name their field.
 */
final class DeployApiIT {

    private static final AdminConfig LOOPBACK = new AdminConfig(new HostPort("127.0.0.1", 0), null, null, null);
    private static final HealthConfig NO_SLOW_START =
            new HealthConfig(null, OutlierConfig.DEFAULTS, SlowStartConfig.OFF, PanicConfig.DEFAULTS);
    private static final String POOL = "/api/v1/pools/web";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void deployUnderLoad_is202AtOnce_runsToDone_failsNothing_andRetiresTheOldVersion() throws Exception {
        ListAppender<ILoggingEvent> audit = captureAudit();
        try (StubBackend a = StubBackend.start("a"); StubBackend b1 = StubBackend.start("b1");
             StubBackend b2 = StubBackend.start("b2"); TestNode node = node(a);
             ContinuousLoad load = ContinuousLoad.start(node.port(), 4, "/")) {
            AdminClient admin = admin(node);
            load.awaitCompleted(100, WAIT);

            AdminClient.Response started = admin.post(POOL + "/deploy", """
                    {"version": "v2", "backends": ["%s", "%s"], "mode": "strict", "hold_timeout": "5s"}
                    """.formatted(b1.address(), b2.address()));

            assertThat(started.status()).as(started.toString()).isEqualTo(202);
            assertThat(started.header("Location")).isEqualTo(POOL + "/deploy");
            JsonNode first = started.json();
            assertThat(first.get("pool").asText()).isEqualTo("web");
            assertThat(first.get("from").asText()).isEqualTo("v1");
            assertThat(first.get("to").asText()).isEqualTo("v2");
            assertThat(first.get("mode").asText()).isEqualTo("strict");
            assertThat(first.get("ended_at").isNull()).isTrue();
            assertThat(first.get("switched").asBoolean()).isFalse();
            Instant.parse(first.get("started_at").asText());

            JsonNode end = awaitEnd(admin);
            long doneAt = System.nanoTime();

            assertThat(end.get("phase").asText()).as(end.toString()).isEqualTo("done");
            assertThat(end.get("detail").asText()).isEqualTo("v2 live, v1 retired");
            assertThat(end.get("switched").asBoolean()).isTrue();
            assertThat(end.get("epoch").asLong()).isEqualTo(1);
            assertThat(end.get("reason").isNull()).isTrue();
            assertThat(Instant.parse(end.get("ended_at").asText()))
                    .isAfterOrEqualTo(Instant.parse(end.get("started_at").asText()));
            load.awaitCompleted(load.completed() + 200, WAIT);
            assertThat(load.stop()).isEmpty();
            assertThat(load.sentAfter(doneAt)).isNotEmpty().extracting(ContinuousLoad.Sample::backend)
                    .containsOnly("b1", "b2");
            JsonNode pool = admin.get(POOL).json();
            assertThat(pool.get("backends")).extracting(b -> b.get("address").asText())
                    .containsExactlyInAnyOrder(b1.address(), b2.address());
            assertThat(pool.get("backends")).extracting(b -> b.get("version").asText()).containsOnly("v2");
            JsonNode web = admin.get("/api/v1/node").json().get("pools").get("web");
            assertThat(web.get("live_version").asText()).isEqualTo("v2");
            assertThat(web.get("epoch").asLong()).isEqualTo(1);
            // One line for the request; the control plane's for each change (register, cutover, retire).
            List<String> lines = audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(lines.stream().filter(l -> l.contains("what=\"deploy v2 to pool web"))).singleElement()
                    .satisfies(l -> assertThat(l).startsWith("who=\"admin-api 127.0.0.1\"").contains("result=\"started: "));
            assertThat(lines).anyMatch(l -> l.contains("what=\"cutover web to v2 (strict)\"") && l.contains("applied"));
            assertThat(lines).anyMatch(l -> l.contains("what=\"retire " + a.address()));
        } finally {
            releaseAudit(audit);
        }
    }

    @Test
    void whileADeployRuns_anotherDeployOrARollbackIs409_onItsOwnDaemonThread() throws Exception {
        int closed = closedPort();
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); TestNode node = node(a)) {
            AdminClient admin = admin(node);
            String body = "{\"version\": \"v2\", \"backends\": [\"127.0.0.1:" + closed + "\"], \"gate_timeout\": \"3s\"}";
            assertThat(admin.post(POOL + "/deploy", body).status()).isEqualTo(202);

            AdminClient.Response again = admin.post(POOL + "/deploy", body);
            AdminClient.Response other = admin.post(POOL + "/deploy",
                    "{\"version\": \"v3\", \"backends\": [\"" + b.address() + "\"]}");
            AdminClient.Response rollback = admin.post(POOL + "/rollback", null);

            for (AdminClient.Response r : List.of(again, other, rollback)) {
                assertThat(r.status()).as(r.toString()).isEqualTo(409);
                assertThat(r.json().get("error").asText()).startsWith("a deploy of v2 is running in pool web");
            }
            JsonNode running = admin.get(POOL + "/deploy").json();
            assertThat(running.get("phase").asText()).isEqualTo("gating");
            assertThat(running.get("detail").asText()).isEqualTo("healthy 0 of 1");
            assertThat(running.get("ended_at").isNull()).isTrue();
            Thread thread = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("gatehouse-deploy-web")).findFirst().orElseThrow();
            assertThat(thread.isDaemon()).isTrue();
            assertThat(awaitEnd(admin).get("phase").asText()).isEqualTo("aborted");
            // Once it has ended, the next deploy may start.
            assertThat(admin.post(POOL + "/deploy", "{\"version\": \"v3\", \"backends\": [\"" + b.address() + "\"]}")
                    .status()).isEqualTo(202);
            assertThat(awaitEnd(admin).get("phase").asText()).isEqualTo("done");
        }
    }

    @Test
    void deployToAClosedPort_abortsAtTheGateWithTheReason_andTheOldVersionServesUntouched() throws Exception {
        int closed = closedPort();
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a);
             ContinuousLoad load = ContinuousLoad.start(node.port(), 2, "/")) {
            AdminClient admin = admin(node);
            load.awaitCompleted(50, WAIT);

            AdminClient.Response started = admin.post(POOL + "/deploy",
                    "{\"version\": \"v2\", \"backends\": [\"127.0.0.1:" + closed + "\"], \"gate_timeout\": \"500ms\"}");
            assertThat(started.status()).isEqualTo(202);
            JsonNode end = awaitEnd(admin);

            assertThat(end.get("phase").asText()).isEqualTo("aborted");
            assertThat(end.get("reason").asText()).startsWith("readiness gate timed out: 0 of 1 backends of v2 healthy");
            assertThat(end.get("detail").asText()).isEqualTo("v1 still live, nothing changed for clients");
            assertThat(end.get("switched").asBoolean()).isFalse();
            assertThat(end.get("epoch").asLong()).isZero();
            load.awaitCompleted(load.completed() + 50, WAIT);
            assertThat(load.stop()).isEmpty();
            JsonNode pool = admin.get(POOL).json();
            assertThat(pool.get("backends")).extracting(b -> b.get("address").asText()).containsExactly(a.address());
            JsonNode web = admin.get("/api/v1/node").json().get("pools").get("web");
            assertThat(web.get("live_version").asText()).isEqualTo("v1");
            assertThat(web.get("epoch").asLong()).isZero();
        }
    }

    @Test
    void rollback_afterACompletedDeployIs409_untilTheOldBackendsAreRegisteredAgain_thenSwitchesUnderLoad() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); TestNode node = node(a);
             ContinuousLoad load = ContinuousLoad.start(node.port(), 4, "/")) {
            AdminClient admin = admin(node);
            load.awaitCompleted(50, WAIT);
            assertThat(admin.post(POOL + "/deploy", "{\"version\": \"v2\", \"backends\": [\"" + b.address() + "\"]}")
                    .status()).isEqualTo(202);
            assertThat(awaitEnd(admin).get("phase").asText()).isEqualTo("done");

            AdminClient.Response retired = admin.post(POOL + "/rollback", null);

            assertThat(retired.status()).isEqualTo(409);
            assertThat(retired.json().get("error").asText())
                    .startsWith("v1, the previous version of pool web, has no backend in the pool any more")
                    .contains("version v1, then roll back");
            assertThat(admin.post(POOL + "/backends", "{\"address\": \"" + a.address() + "\", \"version\": \"v1\"}").status())
                    .isEqualTo(201);

            AdminClient.Response back = admin.post(POOL + "/rollback", "{\"mode\": \"strict\", \"hold_timeout\": \"5s\"}");
            long backAt = System.nanoTime();

            assertThat(back.status()).as(back.toString()).isEqualTo(200);
            assertThat(back.json().get("pool").asText()).isEqualTo("web");
            assertThat(back.json().get("live_version").asText()).isEqualTo("v1");
            assertThat(back.json().get("epoch").asLong()).isEqualTo(2);
            load.awaitCompleted(load.completed() + 100, WAIT);
            assertThat(load.sentAfter(backAt)).isNotEmpty().extracting(ContinuousLoad.Sample::backend).containsOnly("a");
            // The version left stays registered: rolling back again goes forward.
            AdminClient.Response forward = admin.post(POOL + "/rollback", "{}");
            assertThat(forward.json().get("live_version").asText()).isEqualTo("v2");
            assertThat(forward.json().get("epoch").asLong()).isEqualTo(3);
            load.awaitCompleted(load.completed() + 100, WAIT);
            assertThat(load.stop()).isEmpty();
        }
    }

    @Test
    void rollback_ofAPoolNeverCutOver_is409() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            AdminClient.Response r = admin(node).post(POOL + "/rollback", null);

            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("error").asText()).startsWith("pool web has no previous version to go back to");
        }
    }

    @Test
    void badRequests_are400NamingTheField_or404() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = TestNode.builder().backend(a.address()).pool("empty").health("web", NO_SLOW_START)
                     .accessLog(false).admin(LOOPBACK).start()) {
            AdminClient admin = admin(node);
            String nb = "\"backends\": [\"" + b.address() + "\"]";

            assertError(admin.post(POOL + "/deploy", "{\"version\": \"v2\"}"), 400, "backends");
            assertError(admin.post(POOL + "/deploy", "{\"version\": \"v2\", \"backends\": []}"), 400, "backends");
            assertError(admin.post(POOL + "/deploy", "{\"version\": \"v2\", \"backends\": [\"nope\"]}"), 400, "backends");
            assertError(admin.post(POOL + "/deploy", "{" + nb + "}"), 400, "version");
            assertError(admin.post(POOL + "/deploy", "{\"version\": \"v1\", " + nb + "}"), 400, "version");
            assertError(admin.post(POOL + "/deploy", "{\"version\": \"v2\", " + nb + ", \"mode\": \"slow\"}"), 400, "mode");
            assertError(admin.post(POOL + "/deploy", "{\"version\": \"v2\", " + nb + ", \"quorum\": 2}"), 400, "quorum");
            assertError(admin.post(POOL + "/deploy", "{\"version\": \"v2\", " + nb + ", \"gate_timeout\": 60}"), 400,
                    "gate_timeout");
            assertError(admin.post(POOL + "/deploy", "{\"version\": \"v2\", " + nb + ", \"drain_timeout\": \"1y\"}"), 400,
                    "drain_timeout");
            assertError(admin.post(POOL + "/deploy", "{\"version\": \"v2\", " + nb + ", \"warmup\": -1}"), 400, "warmup");
            assertError(admin.post(POOL + "/deploy", "{\"version\": \"v2\", \"backends\": [\"" + a.address() + "\"]}"), 400,
                    "backends");
            assertError(admin.post("/api/v1/pools/empty/deploy", "{\"version\": \"v2\", " + nb + "}"), 400, "pool");
            assertError(admin.post("/api/v1/pools/nope/deploy", "{\"version\": \"v2\", " + nb + "}"), 404, "pool");
            assertError(admin.get(POOL + "/deploy"), 404, null);
            assertError(admin.post(POOL + "/rollback", "{\"mode\": \"slow\"}"), 400, "mode");
            assertError(admin.post(POOL + "/rollback", "{\"hold_timeout\": \"0s\"}"), 400, "hold_timeout");
            assertThat(admin.send("PUT", POOL + "/deploy", "{}").status()).isEqualTo(405);
            // Nothing was started or changed.
            assertThat(node.server().deploys().status("web")).isNull();
            assertThat(admin.get(POOL).json().get("backends")).hasSize(1);
        }
    }

    @Test
    void nodeStop_interruptsARunningDeploy_whichStopsWhereItStands() throws Exception {
        int closed = closedPort();
        TestNode node;
        try (StubBackend a = StubBackend.start("a")) {
            node = node(a);
            try {
                assertThat(admin(node).post(POOL + "/deploy",
                        "{\"version\": \"v2\", \"backends\": [\"127.0.0.1:" + closed + "\"], \"gate_timeout\": \"1h\"}")
                        .status()).isEqualTo(202);
                await().until(() -> deployThread() != null);
            } finally {
                long start = System.nanoTime();
                node.close();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        }
        assertThat(deployThread()).isNull();
        DeployStatus status = node.server().deploys().status("web");
        assertThat(status.running()).isFalse();
        assertThat(status.phase()).isInstanceOfSatisfying(DeployPhase.Aborted.class,
                p -> assertThat(p.reason()).startsWith("interrupted (the node is stopping)"));
    }

    // ---------------------------------------------------------------- helpers

    private static Thread deployThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("gatehouse-deploy-web") && t.isAlive()).findFirst().orElse(null);
    }

    private static JsonNode awaitEnd(AdminClient admin) {
        JsonNode[] last = {null};
        await().until(() -> {
            AdminClient.Response r = admin.get(POOL + "/deploy");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            last[0] = r.json();
            return !last[0].get("ended_at").isNull();
        });
        return last[0];
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void canary_throughTheApi_takesItsShare_andEnds() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); TestNode node = node(a)) {
            AdminClient admin = admin(node);
            assertThat(admin.post(POOL + "/backends", "{\"address\": \"" + b.address() + "\", \"version\": \"v2\"}").status())
                    .isEqualTo(201);

            AdminClient.Response r = admin.post(POOL + "/canary", "{\"version\": \"v2\", \"percent\": 30}");

            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().get("canary").asText()).isEqualTo("v2");
            assertThat(r.json().get("canary_percent").asInt()).isEqualTo(30);
            long toB = 0;
            try (var client = dev.gatehouse.testing.RawHttpClient.connect(node.port())) {
                for (int i = 0; i < 400; i++) {
                    client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                    toB += "b".equals(client.readResponse().header("X-Backend")) ? 1 : 0;
                }
            }
            assertThat(toB).isBetween(80L, 160L); // 30 % of 400 = 120, about five standard deviations either way
            assertError(admin.post(POOL + "/canary", "{\"version\": \"v2\", \"percent\": 100}"), 400, "percent");
            assertError(admin.post(POOL + "/canary", "{\"version\": \"v1\", \"percent\": 10}"), 400, "version");
            assertError(admin.post(POOL + "/canary", "{\"version\": \"v2\"}"), 400, "percent");
            AdminClient.Response ended = admin.post(POOL + "/canary", "{\"percent\": 0}");
            assertThat(ended.status()).isEqualTo(200);
            assertThat(ended.json().get("canary").isNull()).isTrue();
        }
    }

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

    private static void assertError(AdminClient.Response r, int status, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        JsonNode json = r.json();
        assertThat(json.get("error").asText()).as(r.toString()).contains("expected");
        if (field == null) {
            assertThat(json.get("field").isNull()).as(r.toString()).isTrue();
        } else {
            assertThat(json.get("field").asText()).as(r.toString()).isEqualTo(field);
        }
    }

    private static ListAppender<ILoggingEvent> captureAudit() {
        Logger audit = (Logger) LoggerFactory.getLogger("gatehouse.audit");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        audit.setLevel(Level.INFO);
        audit.addAppender(lines);
        return lines;
    }

    private static void releaseAudit(ListAppender<ILoggingEvent> lines) {
        Logger audit = (Logger) LoggerFactory.getLogger("gatehouse.audit");
        audit.detachAppender(lines);
        audit.setLevel(null);
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20));
    }
}
