package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's side of the admin listener on real sockets: its files served without the token
 * (and nothing else of the class path), its view and its event stream only with the token, the
 * stream's pace (a change arrives well before the next second), its bound, and the per-backend
 * traffic it shows.
 */
final class DashboardApiIT {

    private static final String TOKEN = "dashboard-api-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void files_areServedWithoutTheToken_withAStrictPolicy_andNothingElseIs() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            AdminClient anonymous = new AdminClient(node.adminPort(), null);
            AdminClient.Response index = anonymous.get("/ui/");
            assertThat(index.status()).isEqualTo(200);
            assertThat(index.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
            assertThat(index.header("Content-Security-Policy")).contains("default-src 'none'").contains("script-src 'self'")
                    .contains("frame-ancestors 'none'");
            assertThat(index.body()).contains("<label for=\"token\">Admin token</label>").doesNotContain(a.address());
            assertThat(anonymous.get("/ui/app.js").header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
            assertThat(anonymous.get("/ui/app.css").status()).isEqualTo(200);
            assertThat(anonymous.get("/ui/session").json().get("token_required").asBoolean()).isTrue();
            assertThat(anonymous.get("/").status()).isEqualTo(302);
            assertThat(anonymous.get("/ui").header("Location")).isEqualTo("/ui/");
            // No other resource of the class path, however the name is spelt.
            for (String path : List.of("/ui/logback.xml", "/ui/..%2fadmin%2fAdminAuth.class", "/ui/../api/v1/pools",
                    "/ui/nested/app.js", "/ui/App.js", "/ui/missing.js")) {
                AdminClient.Response r = anonymous.get(path);
                assertThat(r.status()).as(path).isIn(400, 404);
                assertThat(r.body()).as(path).doesNotContain(a.address());
            }
            assertThat(anonymous.post("/ui/index.html", "{}").status()).isEqualTo(405);
            AdminClient.Response head = anonymous.send("HEAD", "/ui/app.js", null);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
            // The data is not: the view and the stream need the token.
            assertThat(anonymous.get("/api/v1/dashboard").status()).isEqualTo(401);
            assertThat(anonymous.get("/api/v1/events").status()).isEqualTo(401);
        }
    }

    @Test
    void view_showsVersionsTrafficAndLatencyPerBackend() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            for (int i = 0; i < 5; i++) {
                assertThat(get(node, "/x").status()).isEqualTo(200);
            }
            assertThat(get(node, "/status/503").status()).isEqualTo(503);
            AdminClient admin = new AdminClient(node.adminPort(), TOKEN);
            JsonNode view = admin.get("/api/v1/dashboard").json();
            JsonNode pool = view.get("pools").get(0);
            assertThat(pool.get("view").get("name").asText()).isEqualTo("web");
            assertThat(pool.get("live_version").asText()).isEqualTo("v1");
            assertThat(pool.get("epoch").asLong()).isZero();
            JsonNode traffic = pool.get("traffic").get(a.address());
            assertThat(traffic.get("requests").asLong()).isEqualTo(6);
            assertThat(traffic.get("errors").asLong()).isEqualTo(1);
            assertThat(traffic.get("p50_ms").asDouble()).isPositive();
            assertThat(traffic.get("p99_ms").asDouble()).isGreaterThanOrEqualTo(traffic.get("p50_ms").asDouble());
            assertThat(view.get("deploys")).isEmpty();
            assertThat(view.get("recent_deploys")).isEmpty();
            assertThat(view.get("at_millis").asLong()).isPositive();
        }
    }

    @Test
    void events_sendTheViewAtOnce_everySecond_andAChangeWithinATenth() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a);
             EventReader events = EventReader.open(node.adminPort(), TOKEN)) {
            assertThat(events.head()).startsWith("HTTP/1.1 200").containsIgnoringCase("content-type: text/event-stream")
                    .containsIgnoringCase("transfer-encoding: chunked");
            JsonNode first = events.next(Duration.ofSeconds(2));
            assertThat(first.get("pools").get(0).get("view").get("backends").get(0).get("admin").asText()).isEqualTo("ready");
            assertThat(first.get("at_millis").asLong()).isPositive();
            // Nothing changing: about one event a second (a change-storm bug would send ten).
            events.drain();
            long from = System.nanoTime();
            int n = 0;
            while (System.nanoTime() - from < TimeUnit.SECONDS.toNanos(3)) {
                if (events.poll(Duration.ofMillis(200)) != null) {
                    n++;
                }
            }
            assertThat(n).isBetween(2, 6);

            // A change goes out at once: right after an event, the next tick is a second away, and
            // the change comes well before it.
            events.drain();
            events.next(Duration.ofSeconds(2));
            AdminClient admin = new AdminClient(node.adminPort(), TOKEN);
            long sent = System.nanoTime();
            assertThat(admin.post("/api/v1/pools/web/backends/" + a.address() + "/drain", null).status()).isEqualTo(202);
            JsonNode changed;
            do {
                changed = events.next(Duration.ofSeconds(2));
            } while (!changed.get("pools").get(0).get("view").get("backends").get(0).get("admin").asText().equals("drain"));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertThat(tookMillis).isLessThan(800);
        }
    }

    @Test
    void events_areBounded_theStreamPastTheBoundIs503_andAClosedOneFreesItsPlace() throws Exception {
        try (StubBackend a = StubBackend.start("a"); TestNode node = node(a)) {
            List<EventReader> open = new ArrayList<>();
            try {
                for (int i = 0; i < EventStream.MAX_STREAMS; i++) {
                    EventReader r = EventReader.open(node.adminPort(), TOKEN);
                    open.add(r);
                    assertThat(r.head()).startsWith("HTTP/1.1 200");
                }
                AdminClient admin = new AdminClient(node.adminPort(), TOKEN);
                AdminClient.Response refused = admin.get("/api/v1/events");
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.json().get("error").asText()).contains("too many event streams open");
                assertThat(admin.get("/api/v1/dashboard").status()).isEqualTo(200);
                open.remove(0).close();
                await().atMost(WAIT).untilAsserted(() -> {
                    try (EventReader again = EventReader.open(node.adminPort(), TOKEN)) {
                        assertThat(again.head()).startsWith("HTTP/1.1 200");
                    }
                });
            } finally {
                for (EventReader r : open) {
                    r.close();
                }
            }
        }
    }

    @Test
    void anotherSitesPage_cannotChangeAnything_andARenamedHostIsRefusedWithoutAToken() throws Exception {
        try (StubBackend a = StubBackend.start("a");
             TestNode open = TestNode.builder().backend(a.address()).accessLog(false)
                     .admin(new AdminConfig(new HostPort("127.0.0.1", 0), null, null, null)).start();
             RawHttpClient raw = RawHttpClient.connect(open.adminPort())) {
            String drain = "/api/v1/pools/web/backends/" + a.address() + "/drain";
            raw.send("POST " + drain + " HTTP/1.1\r\nHost: 127.0.0.1:" + open.adminPort()
                    + "\r\nOrigin: https://evil.example\r\nContent-Length: 0\r\n\r\n");
            RawHttpResponse refused = raw.readResponse();
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.bodyText()).contains("cross-origin request refused");
            raw.send("GET /api/v1/pools HTTP/1.1\r\nHost: rebound.example:" + open.adminPort() + "\r\n\r\n");
            RawHttpResponse rebound = raw.readResponse();
            assertThat(rebound.status()).isEqualTo(403);
            assertThat(rebound.bodyText()).contains("without a token").doesNotContain(a.address());
            // Nothing changed; the same request from the dashboard's own origin is served.
            raw.send("GET /api/v1/pools HTTP/1.1\r\nHost: 127.0.0.1:" + open.adminPort() + "\r\n\r\n");
            assertThat(raw.readResponse().bodyText()).contains("\"admin\" : \"ready\"");
            raw.send("POST " + drain + " HTTP/1.1\r\nHost: 127.0.0.1:" + open.adminPort() + "\r\nOrigin: http://127.0.0.1:"
                    + open.adminPort() + "\r\nContent-Length: 0\r\n\r\n");
            assertThat(raw.readResponse().status()).isEqualTo(202);
        }
    }

    private TestNode node(StubBackend a) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
        return TestNode.builder().backend(a.address()).accessLog(false)
                .admin(new AdminConfig(new HostPort("127.0.0.1", 0), tokenFile.toString(), null, null)).start();
    }

    private static RawHttpResponse get(TestNode node, String path) throws Exception {
        try (RawHttpClient c = RawHttpClient.connect(node.port())) {
            c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return c.readResponse();
        }
    }

    /** A blocking SSE reader on a plain socket: the head, then each {@code data:} line as JSON. */
    private static final class EventReader implements AutoCloseable {

        private final Socket socket;
        private final BufferedReader in;
        private final String head;
        private final BlockingQueue<String> data = new LinkedBlockingQueue<>();

        private EventReader(Socket socket) throws Exception {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder h = new StringBuilder();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                h.append(line).append('\n');
            }
            this.head = h.toString();
            Thread.ofVirtual().start(() -> {
                try {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.startsWith("data: ")) {
                            data.add(line.substring(6));
                        }
                    }
                } catch (Exception e) {
                    // closed
                }
            });
        }

        static EventReader open(int port, String token) throws Exception {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new EventReader(s);
        }

        String head() {
            return head;
        }

        JsonNode next(Duration within) throws Exception {
            String line = data.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(line).as("an event within " + within).isNotNull();
            return JSON.readTree(line);
        }

        void drain() {
            data.clear();
        }

        String poll(Duration within) throws Exception {
            return data.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
