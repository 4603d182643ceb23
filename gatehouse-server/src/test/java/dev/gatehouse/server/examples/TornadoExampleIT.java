package dev.gatehouse.server.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.testing.FreePorts;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.WebSocketClose;
import dev.gatehouse.testing.WebSocketHandshakeFailedException;
import dev.gatehouse.testing.WebSocketTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tornado example ({@code examples/tornado}: app.py and its gatehouse.yaml, loaded as they
 * are) behind a real node that supervises it, with a real Redis for the sessions:
 *
 * <ul>
 *   <li>a strict deploy through the admin API keeps a session made before it (the visits it
 *       counted go on after it), ends the held WebSocket with a Close 1012 (the pool's tunnel
 *       policy), and no HTTP request fails meanwhile;</li>
 *   <li>the blocking handler runs behind the pool's limit of one request per instance: the slow
 *       lane keeps reports to one instance at a time, so that requests of a logged-in user are
 *       answered at once by the other instead of waiting behind a report.</li>
 * </ul>
 *
 * <p>Needs Debian's python3-tornado, python3-redis and redis-server; fails (not skips) without
 * them, since .ci/run and bin/test install them.
 */
final class TornadoExampleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SECRET = "a-cookie-secret-shared-by-every-version";

    @TempDir
    Path dir;

    @BeforeAll
    static void debianPackagesAreInstalled() {
        DebianTools.requirePythonModule("tornado", "python3-tornado");
        DebianTools.requirePythonModule("redis.asyncio", "python3-redis");
        DebianTools.requireProgram("/usr/bin/redis-server", "redis-server");
    }

    /** The example's config with the test's ports, directories and Redis; two instances per version. */
    private Map<String, String> env(LocalRedis redis) {
        int from = FreePorts.range(8);
        return Map.of("EXAMPLE_LISTEN", "127.0.0.1:0", "EXAMPLE_ADMIN", "127.0.0.1:0",
                "EXAMPLE_DIR", DebianTools.exampleDir("tornado").toString(), "EXAMPLE_INSTANCES", "2",
                "EXAMPLE_PORTS_FROM", Integer.toString(from), "EXAMPLE_PORTS_TO", Integer.toString(from + 7),
                "EXAMPLE_LOGS", dir.resolve("logs").toString(), "EXAMPLE_STATE_FILE", dir.resolve("state.json").toString(),
                "REDIS_URL", redis.url(), "COOKIE_SECRET", SECRET);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void strictDeploy_keepsTheRedisSession_closesTheWebSocketWith1012_andNoRequestFails() throws Exception {
        try (LocalRedis redis = LocalRedis.start(dir); ExampleNode node = ExampleNode.start(DebianTools.exampleDir("tornado"), env(redis))) {
            node.deploy("v1", "fast", Duration.ofSeconds(40));
            int port = node.port();
            String cookie = login(port, "alice");
            JsonNode first = me(port, cookie);
            assertThat(first.get("user").asText()).isEqualTo("alice");
            assertThat(first.get("visits").asInt()).isEqualTo(1);
            assertThat(first.get("version").asText()).isEqualTo("v1");

            // Bad input: no session, a forged cookie, a WebSocket without a session: 401, nothing breaks.
            assertThat(RawHttpResponse.get(port, "/me").status()).isEqualTo(401);
            assertThat(get(port, "/me", "sid=\"2|1:0|10:1700000000|3:sid|8:Zm9yZ2Vk|00\"").status()).isEqualTo(401);
            assertThatThrownBy(() -> WebSocketTestClient.connect(port, "/ws"))
                    .isInstanceOfSatisfying(WebSocketHandshakeFailedException.class, e -> assertThat(e.status()).isEqualTo(401));

            WebSocketTestClient held = webSocket(port, cookie);
            try {
                assertThat(held.handshakeHeader("X-App-Version")).isEqualTo("v1");
                assertThat(json(held.awaitMessage(WAIT).text())).isEqualTo(JSON.readTree("{\"hello\":\"alice\",\"version\":\"v1\"}"));
                held.sendText("before the deploy");
                assertThat(json(held.awaitMessage(WAIT).text()).get("echo").asText()).isEqualTo("before the deploy");

                try (SessionLoad load = SessionLoad.start(port, "/me", cookie, 3)) {
                    load.awaitFinished(30);
                    long deployStarted = System.nanoTime();
                    node.startDeploy("v2", "strict");

                    // The cutover, the pool's 5 s grace, then the node's Close 1012, answered by the client.
                    WebSocketClose close = held.awaitClose(Duration.ofSeconds(30));
                    assertThat(close.code()).as("the held WebSocket's close").isEqualTo(1012);
                    assertThat(close.closeFrameReceived()).isTrue();
                    assertThat(Duration.ofNanos(System.nanoTime() - deployStarted)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
                    JsonNode end = node.awaitDeployEnd(Duration.ofSeconds(40));
                    assertThat(end.get("phase").asText()).as("the deploy: %s", end).isEqualTo("done");
                    long deployEnded = System.nanoTime();

                    // The client reconnects with its cookie and finds its session on v2.
                    try (WebSocketTestClient again = webSocket(port, cookie)) {
                        assertThat(again.handshakeHeader("X-App-Version")).isEqualTo("v2");
                        assertThat(json(again.awaitMessage(WAIT).text()).get("hello").asText()).isEqualTo("alice");
                        again.sendClose(1000, "done");
                        assertThat(again.awaitClose(WAIT).code()).isEqualTo(1000);
                    }

                    load.awaitFinished(load.finished() + 30);
                    List<SessionLoad.Answer> answers = load.stop();
                    String counts = answers.stream().collect(Collectors.groupingBy(SessionLoad.Answer::version, TreeMap::new,
                            Collectors.counting())) + " answered, " + load.failures().size() + " failed";
                    assertThat(load.failures()).as("requests that failed during the deploy (%s)", counts).isEmpty();
                    assertThat(answers).extracting(SessionLoad.Answer::version).contains("v1", "v2").containsOnly("v1", "v2");
                    // Every answer, on either version, was alice's session.
                    assertThat(answers).extracting(a -> json(a.body()).get("user").asText()).containsOnly("alice");
                    // Strict: no v1 request was sent after a v2 answer had come back.
                    long lastV1Sent = answers.stream().filter(a -> a.version().equals("v1")).mapToLong(SessionLoad.Answer::sent)
                            .max().orElseThrow();
                    long firstV2Read = answers.stream().filter(a -> a.version().equals("v2")).mapToLong(SessionLoad.Answer::read)
                            .min().orElseThrow();
                    assertThat(lastV1Sent).isLessThan(firstV2Read);
                    assertThat(answers).filteredOn(a -> a.sent() > deployEnded).isNotEmpty()
                            .extracting(SessionLoad.Answer::version).containsOnly("v2");

                    // The session made on v1 is intact on v2: it counted every visit, before and after.
                    JsonNode last = me(port, cookie);
                    assertThat(last.get("version").asText()).isEqualTo("v2");
                    assertThat(last.get("user").asText()).isEqualTo("alice");
                    assertThat(last.get("visits").asInt()).isEqualTo(1 + answers.size() + 1);
                }
            } finally {
                held.close();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void blockingReports_holdOneInstanceAtATime_whileASessionsRequestsAreAnsweredAtOnce() throws Exception {
        try (LocalRedis redis = LocalRedis.start(dir); ExampleNode node = ExampleNode.start(DebianTools.exampleDir("tornado"), env(redis))) {
            node.deploy("v1", "fast", Duration.ofSeconds(40));
            int port = node.port();
            JsonNode pool = node.adminGet("/api/v1/pools/web");
            assertThat(pool.get("backends")).hasSize(2).allSatisfy(b -> assertThat(b.get("limit").asInt()).isEqualTo(1));
            String cookie = login(port, "bob");
            // The node learns that GET /report is slow: a route's first answer sets its latency
            // (a quick 400 first would have taught it the opposite for a few requests).
            assertThat(RawHttpResponse.get(port, "/report?ms=300").status()).isEqualTo(200);

            List<CompletableFuture<RawHttpResponse>> reports = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                // A thread each: the common pool may have a single thread on a small machine.
                CompletableFuture<RawHttpResponse> report = new CompletableFuture<>();
                Thread.ofPlatform().daemon().start(() -> report.complete(RawHttpResponse.get(port, "/report?ms=800")));
                reports.add(report);
            }
            // One report runs, the two others wait in the node's queue, not in an instance's socket.
            await().atMost(WAIT).until(() -> node.adminGet("/api/v1/pools/web").get("queue").get("length").asInt() == 2);
            for (int i = 0; i < 5; i++) {
                long sent = System.nanoTime();
                JsonNode me = me(port, cookie);
                Duration took = Duration.ofNanos(System.nanoTime() - sent);
                assertThat(me.get("user").asText()).isEqualTo("bob");
                assertThat(took).as("a session request while reports run (they take 800 ms each)")
                        .isLessThan(Duration.ofMillis(700)); // behind a report it would take 800 ms or more
            }
            List<JsonNode> done = new ArrayList<>();
            for (CompletableFuture<RawHttpResponse> r : reports) {
                RawHttpResponse response = r.get(20, TimeUnit.SECONDS);
                assertThat(response.status()).as("a report: %s", response.bodyText()).isEqualTo(200);
                done.add(json(response.bodyText()));
            }
            // One at a time: each report started after the one before it had ended.
            done.sort(Comparator.comparingDouble(j -> j.get("started").asDouble()));
            for (int i = 1; i < done.size(); i++) {
                assertThat(done.get(i).get("started").asDouble()).isGreaterThanOrEqualTo(done.get(i - 1).get("ended").asDouble());
            }
            // Bad input gets the app's 400 through the node.
            RawHttpResponse bad = RawHttpResponse.get(port, "/report?ms=abc");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.bodyText()).contains("ms: an integer from 0 to 2000");
        }
    }

    /** POST /login; returns the session cookie ({@code sid="..."}) the app set. */
    private static String login(int port, String name) {
        String body = "name=" + name;
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            RawHttpResponse r = client.send("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).readResponse();
            assertThat(r.status()).as("login: %s", r.bodyText()).isEqualTo(200);
            String setCookie = r.header("Set-Cookie");
            assertThat(setCookie).startsWith("sid=");
            return setCookie.substring(0, setCookie.indexOf(';'));
        }
    }

    private static RawHttpResponse get(int port, String path, String cookie) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            return client.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\n\r\n").readResponse();
        }
    }

    private static JsonNode me(int port, String cookie) {
        RawHttpResponse r = get(port, "/me", cookie);
        assertThat(r.status()).as("GET /me: %s", r.bodyText()).isEqualTo(200);
        return json(r.bodyText());
    }

    private static WebSocketTestClient webSocket(int port, String cookie) {
        return WebSocketTestClient.connect("ws://127.0.0.1:" + port + "/ws", WebSocketTestClient.options().header("Cookie", cookie));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
