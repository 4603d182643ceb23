package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.EtcdCluster;
import dev.gatehouse.testing.FreePorts;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBackendMain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Supervised apps in a fleet: two agents (no client listener, a supervisor each) run app
 * {@code web}; two balancer nodes route to their instances. One deploy through a balancer starts
 * the new version on every agent, gates on all of them, and cuts over on both balancers together;
 * the agents then stop the old version. An agent that restarts registers its new instances in
 * place of its old ones. Every process is real, on a real etcd.
 */
final class FleetAgentsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EtcdCluster etcd;

    @TempDir
    Path dir;

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

    private static String endpoints() {
        return String.join(", ", etcd.endpoints().stream().map(e -> "\"" + e + "\"").toList());
    }

    private Path balancer(String node) throws Exception {
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
                    health_check: { type: http, path: /status/200, interval: 200ms, rise: 1, fall: 2 }
                access_log: { enabled: false }
                fleet:
                  name: agents
                  node: %s
                  endpoints: [ %s ]
                """.formatted(node, endpoints()));
    }

    private Path agent(String node, int firstPort) throws Exception {
        Path nodeDir = Files.createDirectories(dir.resolve(node));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "\\\"" + java + "\\\" -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp \\\""
                + System.getProperty("java.class.path") + "\\\" " + StubBackendMain.class.getName()
                + " --port {port} --name {version}-" + node + "-{instance}";
        return Files.writeString(nodeDir.resolve("gatehouse.yaml"), """
                admin:
                  bind: 127.0.0.1:0
                pools:
                  web:
                    strategy: round-robin
                apps:
                  web:
                    command: "%s"
                    instances: 2
                    ports: { from: %d, to: %d }
                    stop_grace: 5s
                    logs: %s
                fleet:
                  name: agents
                  node: %s
                  endpoints: [ %s ]
                  agent: { advertise: 127.0.0.1 }
                """.formatted(command, firstPort, firstPort + 5, nodeDir.resolve("logs"), node, endpoints()));
    }

    private static JsonNode get(int admin, String path) throws Exception {
        return FleetRig.JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static HttpResponse<String> deploy(int admin, String version, String mode) throws Exception {
        return deploy(admin, version, mode, "60s");
    }

    private static HttpResponse<String> deploy(int admin, String version, String mode, String gateTimeout) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/api/v1/pools/web/deploy"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"version\": \"" + version + "\", \"mode\": \"" + mode
                        + "\", \"gate_timeout\": \"" + gateTimeout + "\", \"hold_timeout\": \"5s\", \"drain_timeout\": \"5s\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The pool's members as a node lists them: {@code address version}. */
    private static Set<String> members(int admin) throws Exception {
        Set<String> out = new TreeSet<>();
        for (JsonNode b : get(admin, "/api/v1/pools/web").path("backends")) {
            out.add(b.path("address").asText() + " " + b.path("version").asText());
        }
        return out;
    }

    private static Set<String> answeringBackends(int port, int requests) {
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < requests; i++) {
            names.add(RawHttpResponse.get(port, "/x").header(StubBackend.BACKEND_HEADER));
        }
        return names;
    }

    private static boolean done(int admin) throws Exception {
        String phase = get(admin, "/api/v1/pools/web/deploy").path("phase").asText();
        if (phase.equals("aborted")) {
            throw new AssertionError("deploy aborted: " + get(admin, "/api/v1/pools/web/deploy"));
        }
        return phase.equals("done");
    }

    @Test
    void aDeployThroughABalancer_startsTheNewVersionOnEveryAgent_andCutsOverOnEveryBalancer() throws Exception {
        int rangeA = FreePorts.range(12);
        int rangeB = rangeA + 6;
        List<NodeProcess> balancers = new ArrayList<>();
        List<ContinuousLoad> loads = new ArrayList<>();
        NodeProcess agentA = NodeProcess.start(dir, List.of(), "run", "--config", agent("a1", rangeA).toString());
        NodeProcess agentB = NodeProcess.start(dir, List.of(), "run", "--config", agent("a2", rangeB).toString());
        try {
            for (String n : List.of("n1", "n2")) {
                balancers.add(NodeProcess.start(dir, List.of(), "run", "--config", balancer(n).toString()));
            }
            int admin1 = balancers.get(0).awaitAdminPort();
            int admin2 = balancers.get(1).awaitAdminPort();
            int adminA = agentA.awaitAdminPort();
            // Every node sees both agents (and their apps) before the first deploy.
            await().atMost(WAIT).until(() -> {
                JsonNode nodes = get(admin1, "/api/v1/node").path("fleet").path("nodes");
                int agents = 0;
                for (JsonNode n : nodes) {
                    agents += n.path("role").asText().equals("agent") && n.path("apps").has("web") ? 1 : 0;
                }
                return agents == 2 && nodes.size() == 4;
            });
            // An agent runs no deploy itself: it says where to send it.
            HttpResponse<String> onAgent = deploy(adminA, "v1", "fast");
            assertThat(onAgent.statusCode()).as(onAgent.body()).isEqualTo(409);
            assertThat(onAgent.body()).contains("agent");

            // The first deploy: nothing runs yet; the agents start v1, register it, and it goes live.
            HttpResponse<String> first = deploy(admin1, "v1", "fast");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            await().atMost(WAIT).until(() -> done(admin1));
            await().atMost(WAIT).until(() -> members(admin2).size() == 4
                    && members(admin2).stream().allMatch(m -> m.endsWith(" v1")));
            int port2 = balancers.get(1).awaitPort();
            await().atMost(WAIT).until(() -> answeringBackends(port2, 8).size() == 4);
            assertThat(answeringBackends(port2, 8)).allMatch(b -> b.startsWith("v1-a1-") || b.startsWith("v1-a2-"));

            // The second, strict, under load through both balancers.
            for (NodeProcess n : balancers) {
                loads.add(ContinuousLoad.start(n.awaitPort(), 3, "/delay/5", "/delay/20"));
            }
            for (ContinuousLoad l : loads) {
                l.awaitCompleted(100, WAIT);
            }
            long command = System.nanoTime();
            HttpResponse<String> second = deploy(admin1, "v2", "strict");
            assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
            // Sized by the agents: 2 agents of 2 instances each, all of them gated on.
            assertThat(FleetRig.JSON.readTree(second.body()).path("detail").asText()).isEqualTo("healthy 0 of 4");
            await().atMost(WAIT).until(() -> done(admin1));
            long done = System.nanoTime();
            for (ContinuousLoad l : loads) {
                l.awaitCompleted(l.completed() + 100, WAIT);
            }
            List<List<String>> failures = loads.stream().map(ContinuousLoad::stop).toList();
            long firstNew = FleetRig.firstAnswerOf(loads, "v2");
            System.out.printf("agents deploy (2 agents x 2 instances, 2 balancers, strict): command -> first v2 answer %d ms,"
                            + " command -> done %d ms, requests %d%n", (firstNew - command) / 1_000_000, (done - command) / 1_000_000,
                    loads.stream().mapToLong(ContinuousLoad::completed).sum());

            assertThat(failures).allSatisfy(f -> assertThat(f).isEmpty());
            assertThat(FleetRig.answersSentAfter(loads, "v1", firstNew)).as("v1 answers sent after the first v2 one").isEmpty();
            for (NodeProcess b : balancers) {
                assertThat(b.stderr()).contains("fence in force");
            }
            // The old version is retired from the pool on every balancer, and stopped on every agent.
            await().atMost(WAIT).until(() -> members(admin2).size() == 4 && members(admin2).stream().allMatch(m -> m.endsWith(" v2")));
            for (NodeProcess a : List.of(agentA, agentB)) {
                await().atMost(WAIT).until(() -> a.stderr().contains("web v1: stopping 2 instances"));
            }
            await().atMost(WAIT).until(() -> get(admin1, "/api/v1/node").path("fleet").path("nodes").toString()
                    .matches(".*\"apps\":\\{\"web\":\\{\"v2\":2\\}\\}.*\"apps\":\\{\"web\":\\{\"v2\":2\\}\\}.*"));

            // A deploy whose instances are not all up within its gate timeout (JVMs take longer than
            // 300 ms to start here) aborts: v2 stays live, and the agents stop the v3 instances.
            HttpResponse<String> tooSoon = deploy(admin1, "v3", "strict", "300ms");
            assertThat(tooSoon.statusCode()).as(tooSoon.body()).isEqualTo(202);
            await().atMost(WAIT).until(() -> get(admin1, "/api/v1/pools/web/deploy").path("phase").asText().equals("aborted"));
            assertThat(get(admin1, "/api/v1/pools/web/deploy").path("reason").asText()).contains("v3");
            for (NodeProcess a : List.of(agentA, agentB)) {
                await().atMost(WAIT).until(() -> a.stderr().contains("web v3: stopping 2 instances"));
            }
            assertThat(members(admin2)).allMatch(m -> m.endsWith(" v2"));
            assertThat(answeringBackends(port2, 8)).allMatch(b -> b.startsWith("v2-"));

            // An agent that stops takes its instances out first; started again, it registers new ones.
            agentB.terminate(Duration.ofSeconds(30));
            await().atMost(WAIT).until(() -> members(admin2).size() == 2);
            assertThat(answeringBackends(port2, 6)).allMatch(b -> b.startsWith("v2-a1-"));
            agentB = NodeProcess.start(dir, List.of(), "run", "--config", agent("a2", rangeB).toString());
            await().atMost(WAIT).until(() -> members(admin2).size() == 4);
            await().atMost(WAIT).until(() -> answeringBackends(port2, 8).size() == 4);
            assertThat(answeringBackends(port2, 8)).allMatch(b -> b.startsWith("v2-"));
        } finally {
            for (NodeProcess n : List.of(agentA, agentB)) {
                n.stderr().lines().filter(l -> l.contains("agent")).limit(20).forEach(System.out::println);
            }
            loads.forEach(ContinuousLoad::close);
            balancers.forEach(NodeProcess::close);
            // SIGTERM, not SIGKILL: an agent stops its app processes as it stops.
            stop(agentA);
            stop(agentB);
        }
    }

    private static void stop(NodeProcess agent) {
        try {
            agent.terminate(Duration.ofSeconds(30));
        } catch (Exception | AssertionError e) {
            System.out.println("agent stop: " + e);
        }
    }
}
