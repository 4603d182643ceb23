package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.EtcdCluster;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two node processes of one fleet on a real etcd: a change made through either node's admin API is
 * in force on both; a node that was down starts from the fleet's state; changes racing through both
 * nodes are each applied whole or refused with 409, and both nodes end with the same state; a
 * fleet that points at nothing stops the node at start with etcd's error.
 */
final class FleetProcessIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern WEIGHT = Pattern.compile("\"weight\"\\s*:\\s*(\\d+)");

    private static EtcdCluster etcd;

    @TempDir
    Path dir;

    private final InProcessCli cli = new InProcessCli();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(1);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A node's config: an admin API on a port of its own choosing ({@link NodeProcess#awaitAdminPort}),
     * two backends, the fleet {@code fleet} on the given etcd.
     */
    private Path config(String node, String fleet, List<String> endpoints, StubBackend a, StubBackend b)
            throws Exception {
        Path nodeDir = Files.createDirectories(dir.resolve(node));
        return Files.writeString(nodeDir.resolve("gatehouse.yaml"), """
                listeners:
                  - bind: 127.0.0.1:0
                    routes:
                      - { path_prefix: /, pool: web }
                admin:
                  bind: 127.0.0.1:0
                pools:
                  web:
                    strategy: round-robin
                    backends:
                      - { address: "%s" }
                      - { address: "%s" }
                access_log: { enabled: false }
                fleet:
                  name: %s
                  node: node-%s
                  endpoints: [ %s ]
                  timeout: 2s
                """.formatted(a.address(), b.address(), fleet, node,
                String.join(", ", endpoints.stream().map(e -> "\"" + e + "\"").toList())));
    }

    /** Whether the next {@code n} requests through {@code port} all reach backend {@code name}. */
    private static boolean allGoTo(int port, String name, int n) {
        for (int i = 0; i < n; i++) {
            if (!name.equals(RawHttpResponse.get(port, "/x").header(StubBackend.BACKEND_HEADER))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aChangeThroughOneNode_isInForceOnBoth_andANodeThatWasDownStartsFromIt() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b")) {
            Path configA = config("a", "one", etcd.endpoints(), a, b);
            Path configB = config("b", "one", etcd.endpoints(), a, b);
            try (NodeProcess nodeA = NodeProcess.start(dir, List.of(), "run", "--config", configA.toString())) {
                int portA = nodeA.awaitPort();
                int adminA = nodeA.awaitAdminPort();
                int portB;
                try (NodeProcess nodeB = NodeProcess.start(dir, List.of(), "run", "--config", configB.toString())) {
                    portB = nodeB.awaitPort();
                    int adminB = nodeB.awaitAdminPort();
                    await().atMost(WAIT).until(() -> cli.run("status", "--admin", "http://127.0.0.1:" + adminB) == 0);

                    assertThat(cli.run("backend", "drain", "--admin", "http://127.0.0.1:" + adminA, "--pool", "web",
                            "--address", a.address())).as(cli.printed()).isZero();

                    assertThat(allGoTo(portA, "b", 10)).isTrue();
                    int b0 = portB;
                    await().atMost(WAIT).until(() -> allGoTo(b0, "b", 10));
                    assertThat(nodeB.stderr()).contains("fleet revision");
                }

                // B is down; A puts a back in service and drains b.
                String adminUrlA = "http://127.0.0.1:" + adminA;
                assertThat(cli.run("backend", "ready", "--admin", adminUrlA, "--pool", "web", "--address", a.address())).isZero();
                assertThat(cli.run("backend", "drain", "--admin", adminUrlA, "--pool", "web", "--address", b.address())).isZero();
                assertThat(allGoTo(portA, "a", 10)).isTrue();

                try (NodeProcess nodeB = NodeProcess.start(dir, List.of(), "run", "--config", configB.toString())) {
                    int port = nodeB.awaitPort();
                    // It answers 503 for the few milliseconds between listening and joining the fleet.
                    await().atMost(WAIT).until(() -> RawHttpResponse.get(port, "/x").status() == 200);
                    assertThat(allGoTo(port, "a", 10)).as("B started from the fleet's state").isTrue();
                }
            }
        }
    }

    @Test
    void changesRacingThroughTwoNodes_areEachWholeOrRefused_andBothNodesAgree() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b")) {
            try (NodeProcess nodeA = NodeProcess.start(dir, List.of(), "run", "--config",
                         config("a", "race", etcd.endpoints(), a, b).toString());
                 NodeProcess nodeB = NodeProcess.start(dir, List.of(), "run", "--config",
                         config("b", "race", etcd.endpoints(), a, b).toString())) {
                nodeA.awaitPort();
                nodeB.awaitPort();
                int adminA = nodeA.awaitAdminPort();
                int adminB = nodeB.awaitAdminPort();
                await().atMost(WAIT).until(() -> cli.run("status", "--admin", "http://127.0.0.1:" + adminB) == 0);

                List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
                for (int i = 1; i <= 40; i++) {
                    int admin = i % 2 == 0 ? adminA : adminB;
                    HttpRequest put = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/api/v1/pools/web/backends/"
                                    + a.address() + "/weight"))
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"weight\": " + i + "}")).build();
                    sent.add(http.sendAsync(put, HttpResponse.BodyHandlers.ofString()));
                }
                List<Integer> applied = new ArrayList<>();
                int refused = 0;
                for (int i = 0; i < sent.size(); i++) {
                    HttpResponse<String> r = sent.get(i).get();
                    assertThat(r.statusCode()).as(r.body()).isIn(200, 409);
                    if (r.statusCode() == 200) {
                        applied.add(i + 1);
                    } else {
                        refused++;
                        assertThat(r.body()).contains("another node changed the fleet's state first");
                    }
                }
                assertThat(applied).isNotEmpty();
                assertThat(applied.size() + refused).isEqualTo(40);

                // Both nodes end with one state, one whose weight a successful change set.
                await().atMost(WAIT).until(() -> weight(adminA, a) == weight(adminB, a));
                assertThat(applied).contains(weight(adminA, a));
            }
        }
    }

    private int weight(int adminPort, StubBackend backend) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                + "/api/v1/pools/web/backends/" + backend.address())).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = WEIGHT.matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void statusOnAnyNode_listsEveryNode_andANodeCutOffFromEtcd_refusesWith503_untilEtcdIsBack() throws Exception {
        try (EtcdCluster own = EtcdCluster.start(1); StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b")) {
            try (NodeProcess nodeA = NodeProcess.start(dir, List.of(), "run", "--config",
                         config("a", "seen", own.endpoints(), a, b).toString());
                 NodeProcess nodeB = NodeProcess.start(dir, List.of(), "run", "--config",
                         config("b", "seen", own.endpoints(), a, b).toString())) {
                int portA = nodeA.awaitPort();
                nodeB.awaitPort();
                int adminA = nodeA.awaitAdminPort();
                int adminB = nodeB.awaitAdminPort();
                // 503 for the few milliseconds between listening and joining the fleet.
                await().atMost(WAIT).until(() -> RawHttpResponse.get(portA, "/x").status() == 200);
                String statusB = "http://127.0.0.1:" + adminB;
                await().atMost(WAIT).untilAsserted(() -> {
                    cli.clear();
                    assertThat(cli.run("status", "--admin", statusB)).isZero();
                    assertThat(cli.printed()).contains("fleet seen: this node is node-b, current")
                            .contains("node node-a").contains("node node-b");
                });

                own.kill(0);
                await().atMost(WAIT).until(() -> fleetStale(adminA) && fleetStale(adminB));
                // The heartbeat logs it once its read has timed out.
                await().atMost(WAIT).untilAsserted(() -> assertThat(nodeA.stderr()).contains("fleet seen: STALE"));
                RawHttpResponse refused = RawHttpResponse.get(portA, "/x");
                assertThat(refused.status()).as("a stale node's pool").isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminA
                        + "/api/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("\"stale\"");

                own.restart(0);
                await().atMost(WAIT).until(() -> !fleetStale(adminA) && !fleetStale(adminB));
                await().atMost(WAIT).untilAsserted(() -> assertThat(nodeB.stderr()).contains("fleet seen: current again"));
                assertThat(RawHttpResponse.get(portA, "/x").status()).isEqualTo(200);
            }
        }
    }

    private boolean fleetStale(int adminPort) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/v1/node")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"fleet\"\\s*:\\s*\\{[^}]*?\"stale\"\\s*:\\s*(true|false)").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return Boolean.parseBoolean(m.group(1));
    }

    @Test
    void aFleetThatPointsAtNothing_stopsTheNodeAtStart_withEtcdsError() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b")) {
            Path config = config("nowhere", "nowhere", List.of("http://127.0.0.1:" + freePort()), a, b);
            try (NodeProcess node = NodeProcess.start(dir, List.of(), "run", "--config", config.toString())) {
                assertThat(node.process().waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThat(node.process().exitValue()).isNotZero();
                assertThat(node.stderr()).contains("etcd did not answer within 2000 ms");
            }
        }
    }
}
