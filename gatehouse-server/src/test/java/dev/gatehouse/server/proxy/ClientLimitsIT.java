package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.core.config.RateLimitConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.log.AccessLog;
import dev.gatehouse.server.metrics.PrometheusText;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Each limit on what a client controls, on real sockets: the node answers (status, and
 * {@code Connection: close} where the connection cannot go on), logs (the access record and the
 * rate-limited WARN), counts ({@code gatehouse_limit_rejections_total{limit=...}}), and goes on
 * serving a bystander on another connection and, where the connection survives, the client itself.
 */
final class ClientLimitsIT {

    private static final String REJECTIONS = "gatehouse_limit_rejections_total";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private final ListAppender<ILoggingEvent> access = new ListAppender<>();
    private final Logger limitLogger = (Logger) LoggerFactory.getLogger(ClientLimits.class);
    private final Logger accessLogger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);

    @BeforeEach
    void listen() {
        warnings.start();
        limitLogger.addAppender(warnings);
        access.start();
        accessLogger.addAppender(access);
        // The test logging configuration is quiet (WARN); the access log writes at INFO.
        accessLogger.setLevel(Level.INFO);
    }

    @AfterEach
    void stopListening() {
        limitLogger.detachAppender(warnings);
        accessLogger.detachAppender(access);
        accessLogger.setLevel(null);
    }

    // ---------------------------------------------------------------- header count

    @Test
    void maxHeaders_oneFieldTooMany_gets431AndClose_isLoggedAndCounted_othersServed() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address())
                     .limits(new LimitsConfig(8192, 32768, 1 << 20, 10, 0)).start();
             RawHttpClient bystander = RawHttpClient.connect(node.port());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            assertServed(bystander, "/before");

            // Host and nine more: exactly the limit, served.
            client.send("GET /ten HTTP/1.1\r\nHost: x\r\n" + fields(9) + "\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            // Host and ten more: refused, and the connection closed.
            client.send("GET /eleven HTTP/1.1\r\nHost: x\r\n" + fields(10) + "\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(431);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            await().atMost(WAIT).until(client::isClosedByPeer);

            assertServed(bystander, "/after");
            assertThat(backend.requests()).extracting(req -> req.path()).containsExactly("/before", "/ten", "/after");
            assertCounted(node, ClientLimit.HEADERS, 1);
            assertAccessRecord(431, "max_headers: 11 header fields (at most 10)");
            assertWarned("max_headers: 11 header fields (at most 10)");
        }
    }

    // ---------------------------------------------------------------- URI length: max_request_line

    @Test
    void maxRequestLine_boundsTheUri_aByteOverGets414AndClose_isLoggedAndCounted() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).limits(new LimitsConfig(1024, 4096, 0)).start();
             RawHttpClient bystander = RawHttpClient.connect(node.port());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            assertServed(bystander, "/before");
            // "GET " + target + " HTTP/1.1" is 13 bytes around the target; the CRLF does not count.
            String fits = "/" + "a".repeat(1024 - 13 - 1);
            client.send("GET " + fits + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            client.send("GET " + fits + "b HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(414);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            await().atMost(WAIT).until(client::isClosedByPeer);

            assertServed(bystander, "/after");
            assertThat(backend.requests()).extracting(req -> req.uri()).containsExactly("/before", fits, "/after");
            assertCounted(node, ClientLimit.REQUEST_LINE, 1);
            assertWarned("max_request_line: ");
            assertAccessRecord(414, "max_request_line: ");
        }
    }

    @Test
    void maxHeaderSize_isCountedUnderItsOwnLabel() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).limits(new LimitsConfig(1024, 4096, 0)).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(5000) + "\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(431);
            await().atMost(WAIT).until(client::isClosedByPeer);
            assertCounted(node, ClientLimit.HEADER_SIZE, 1);
            assertCounted(node, ClientLimit.HEADERS, 0);
            assertWarned("max_header_size: ");
            assertThat(backend.requestsStarted()).isZero();
        }
    }

    // ---------------------------------------------------------------- body size per route

    @Test
    void routeMaxRequestBody_contentLengthOverIt_gets413BeforeAnyBackend_andARouteMayAllowMoreThanTheNode() throws Exception {
        try (StubBackend small = StubBackend.start("small");
             StubBackend web = StubBackend.start("web");
             TestNode node = TestNode.builder().limits(new LimitsConfig(8192, 32768, 1000))
                     .route(new RouteConfig(null, "/", "web"))
                     .route(new RouteConfig(null, "/small/", "small", 100L, null))
                     .route(new RouteConfig(null, "/big/", "web", 0L, null))
                     .backend("small", small.address()).backend("web", web.address()).start();
             RawHttpClient bystander = RawHttpClient.connect(node.port())) {
            assertServed(bystander, "/before");

            // The route's 100 bytes, not the node's 1000.
            assertRefusedBeforeBody(node.port(), "/small/upload", 101);
            // The node's 1000 where the route has no limit of its own.
            assertRefusedBeforeBody(node.port(), "/upload", 1001);
            // 0 on a route is no limit there, above the node's.
            try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                client.send("POST /big/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + "b".repeat(5000));
                assertThat(client.readResponse().status()).isEqualTo(200);
                // And at the limit is within it.
                client.send("POST /small/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "b".repeat(100));
                assertThat(client.readResponse().status()).isEqualTo(200);
            }

            assertServed(bystander, "/after");
            assertThat(small.requests()).extracting(req -> req.bodyBytes()).containsExactly(100L);
            assertThat(web.requests()).extracting(req -> req.path()).containsExactly("/before", "/big/upload", "/after");
            assertCounted(node, ClientLimit.REQUEST_BODY, 2);
            assertAccessRecord(413, "max_request_body: content-length 101 over 100 bytes (route /small/)");
            assertAccessRecord(413, "max_request_body: content-length 1001 over 1000 bytes");
            assertWarned("max_request_body: content-length 101 over 100 bytes (route /small/)");
        }
    }

    @Test
    void routeMaxRequestBody_chunkedBodyGrowingPastIt_gets413AndClose_andTheBackendRequestIsAborted() throws Exception {
        try (StubBackend uploads = StubBackend.start("uploads");
             StubBackend web = StubBackend.start("web");
             TestNode node = TestNode.builder()
                     .route(new RouteConfig(null, "/", "web"))
                     .route(new RouteConfig(null, "/upload", "uploads", 1000L, null))
                     .backend("uploads", uploads.address()).backend("web", web.address()).start();
             RawHttpClient bystander = RawHttpClient.connect(node.port());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            assertServed(bystander, "/before");

            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "258\r\n" + "a".repeat(600) + "\r\n");
            // The first 600 bytes are within the limit: the request went on to the backend.
            await().atMost(WAIT).until(() -> uploads.requestsStarted() == 1);
            client.send("258\r\n" + "b".repeat(600) + "\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            await().atMost(WAIT).until(client::isClosedByPeer);

            // The backend's connection was closed mid-body: it never got a whole request to act on.
            await().atMost(WAIT).until(() -> uploads.openConnections() == 0);
            assertThat(uploads.requests()).isEmpty();
            assertThat(uploads.requestsStarted()).isEqualTo(1);

            assertServed(bystander, "/after");
            assertCounted(node, ClientLimit.REQUEST_BODY, 1);
            assertAccessRecord(413, "max_request_body: request body over 1000 bytes");
            assertWarned("max_request_body: request body over 1000 bytes");
        }
    }

    // ---------------------------------------------------------------- connections per client IP

    @Test
    void maxConnectionsPerClient_oneMoreIsClosedAtAccept_otherAddressesAndFreedSlotsAreServed() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address())
                     .limits(new LimitsConfig(8192, 32768, 0, 100, 2)).start();
             RawHttpClient first = RawHttpClient.connect(node.port());
             RawHttpClient second = RawHttpClient.connect(node.port())) {
            assertServed(first, "/1");
            assertServed(second, "/2");

            try (RawHttpClient third = RawHttpClient.connect(node.port())) {
                await().atMost(WAIT).until(third::isClosedByPeer);
            }
            assertCounted(node, ClientLimit.CONNECTIONS_PER_CLIENT, 1);
            assertWarned("max_connections_per_client: 2 connections already open; closed when accepted");

            // The connections already open are not affected.
            assertServed(first, "/1-again");

            // A connection that closes makes room for a new one.
            first.close();
            await().atMost(WAIT).until(() -> node.server().clientConnections() == 1);
            try (RawHttpClient again = RawHttpClient.connect(node.port())) {
                assertServed(again, "/again");
            }
            assertThat(backend.requests()).extracting(req -> req.path()).containsExactly("/1", "/2", "/1-again", "/again");
            assertCounted(node, ClientLimit.CONNECTIONS_PER_CLIENT, 1);

            // Nor is another client address, while this one is at its limit again.
            await().atMost(WAIT).until(() -> node.server().clientConnections() == 1);
            try (RawHttpClient third = RawHttpClient.connect(node.port())) {
                assertServed(third, "/3");
                assumeTrue(secondLoopbackAddress(), "127.0.0.2 is not a local address here (Linux has all of 127/8)");
                try (RawHttpClient other = RawHttpClient.connectFrom("127.0.0.2", node.port())) {
                    assertServed(other, "/other");
                }
            }
        }
    }

    // ---------------------------------------------------------------- request rate per key

    @Test
    void rateLimit_pastTheBurst_gets429WithRetryAfter_onAConnectionThatGoesOn_andOtherKeysAreServed() throws Exception {
        RateLimitConfig byKey = new RateLimitConfig(RateLimitConfig.Key.HEADER, "X-Api-Key", 1, Duration.ofMinutes(1), 2,
                1000);
        RateLimitConfig byIp = new RateLimitConfig(RateLimitConfig.Key.CLIENT_IP, null, 1, Duration.ofMinutes(1), 1, 1000);
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder()
                     .route(new RouteConfig(null, "/", "web"))
                     .route(new RouteConfig(null, "/api/", "web", null, byKey))
                     .route(new RouteConfig(null, "/login", "web", null, byIp))
                     .backend(backend.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            assertThat(get(client, "/api/1", "X-Api-Key: secret-a").status()).isEqualTo(200);
            assertThat(get(client, "/api/2", "X-Api-Key: secret-a").status()).isEqualTo(200);
            RawHttpResponse refused = get(client, "/api/3", "X-Api-Key: secret-a");
            assertThat(refused.status()).isEqualTo(429);
            // The burst of 2 is spent and one token comes per minute.
            assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(50, 60);
            assertThat(refused.header("Connection")).isNull();
            assertThat(refused.header("X-Request-Id")).isNotBlank();

            // The same connection goes on: another key, and a route without a limit, are served.
            assertThat(get(client, "/api/4", "X-Api-Key: secret-b").status()).isEqualTo(200);
            assertThat(get(client, "/free", "X-Api-Key: secret-a").status()).isEqualTo(200);
            // By client IP, with a burst of 1: the second request is refused, whatever its header.
            assertThat(get(client, "/login", "X-Api-Key: secret-c").status()).isEqualTo(200);
            assertThat(get(client, "/login", "X-Api-Key: secret-d").status()).isEqualTo(429);

            assertThat(backend.requests()).extracting(req -> req.path())
                    .containsExactly("/api/1", "/api/2", "/api/4", "/free", "/login");
            assertCounted(node, ClientLimit.RATE, 2);
            JsonNode record = assertAccessRecord(429, "rate_limit 1/m burst 2 of route /api/ for header X-Api-Key: next request in ");
            assertThat(record.get("pool").asText()).isEqualTo("web");
            assertAccessRecord(429, "rate_limit 1/m burst 1 of route /login for 127.0.0.1: next request in ");
            // A header used as a key may be a secret: its value is never logged.
            assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("secret"));
            assertThat(access.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("secret"));
            // Two refusals of one limit within the interval: one WARN line.
            assertThat(warnings.list).hasSize(1);
            assertWarned("rate_limit 1/m burst 2 of route /api/ for header X-Api-Key");

            // Another address has its own bucket.
            assumeTrue(secondLoopbackAddress(), "127.0.0.2 is not a local address here (Linux has all of 127/8)");
            try (RawHttpClient other = RawHttpClient.connectFrom("127.0.0.2", node.port())) {
                assertThat(get(other, "/login", "X-Api-Key: secret-c").status()).isEqualTo(200);
            }
        }
    }

    // ---------------------------------------------------------------- slow clients

    @Test
    void clientHeader_aHeadTrickledByteByByte_gets408WhenTheTimeoutRunsOut_notWhenItStopsTrickling() throws Exception {
        Duration clientHeader = Duration.ofMillis(500);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address())
                     .timeouts(clientHeader, null, null, null, null, null).start();
             RawHttpClient bystander = RawHttpClient.connect(node.port());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            assertServed(bystander, "/before");
            // A head that would take 20 s at one byte per 50 ms: every byte resets no timer.
            byte[] head = ("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + "s".repeat(400) + "\r\n\r\n").getBytes();
            AtomicInteger sent = new AtomicInteger();
            trickle.scheduleAtFixedRate(() -> {
                int i = sent.getAndIncrement();
                if (i < head.length) {
                    // Once the node closed the connection this throws, which ends the schedule.
                    client.send(new byte[] {head[i]});
                }
            }, 0, 50, TimeUnit.MILLISECONDS);

            long start = System.nanoTime();
            RawHttpResponse r = client.readResponse();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            await().atMost(WAIT).until(client::isClosedByPeer);
            // From the first byte, sent just before the clock was read here.
            assertThat(took).isGreaterThan(clientHeader.minusMillis(100)).isLessThan(Duration.ofSeconds(5));
            assertThat(sent.get()).isLessThan(head.length);

            assertServed(bystander, "/after");
            assertThat(backend.requests()).extracting(req -> req.path()).containsExactly("/before", "/after");
            assertCounted(node, ClientLimit.CLIENT_HEADER, 1);
            assertWarned("client_header: no complete request head within 500 ms");
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void clientBody_aStalledUploadGets408_isLoggedAndCounted() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address())
                     .timeouts(null, null, Duration.ofMillis(300), null, null, null).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-some");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(408);
            await().atMost(WAIT).until(client::isClosedByPeer);
            assertCounted(node, ClientLimit.CLIENT_BODY, 1);
            assertAccessRecord(408, "client_body: no body data for 300 ms");
            assertWarned("client_body: no body data for 300 ms");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Whether this machine can connect from 127.0.0.2 (Linux can; macOS only with an alias on lo0). */
    private static boolean secondLoopbackAddress() {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress("127.0.0.2", 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String fields(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("X-F").append(i).append(": ").append(i).append("\r\n");
        }
        return b.toString();
    }

    private static RawHttpResponse get(RawHttpClient client, String path, String header) {
        client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + header + "\r\n\r\n");
        return client.readResponse();
    }

    private static void assertServed(RawHttpClient client, String path) {
        client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(client.readResponse().status()).as(path).isEqualTo(200);
    }

    /** A declared body over the limit: 413 and close before a byte of the body was sent. */
    private static void assertRefusedBeforeBody(int port, String path, int length) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            client.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).as(path).isEqualTo(413);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            await().atMost(WAIT).until(client::isClosedByPeer);
        }
    }

    private static void assertCounted(TestNode node, ClientLimit limit, int times) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(PrometheusText.parse(node.server().metrics().scrape())
                .value(REJECTIONS, "limit", limit.setting())).as(limit.setting()).isEqualTo(times));
    }

    private void assertWarned(String text) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(warnings.list)
                .anySatisfy(e -> {
                    assertThat(e.getLevel()).isEqualTo(Level.WARN);
                    assertThat(e.getFormattedMessage()).contains(text);
                }));
    }

    /** The access record with this status whose error starts with {@code error}. */
    private JsonNode assertAccessRecord(int status, String error) {
        ObjectMapper json = new ObjectMapper();
        JsonNode[] found = new JsonNode[1];
        await().atMost(WAIT).untilAsserted(() -> {
            List<JsonNode> records = access.list.stream().map(e -> {
                try {
                    return json.readTree(e.getFormattedMessage());
                } catch (Exception ex) {
                    throw new AssertionError(ex);
                }
            }).toList();
            assertThat(records).anySatisfy(r -> {
                assertThat(r.get("status").asInt()).isEqualTo(status);
                assertThat(r.get("error").asText()).startsWith(error);
                found[0] = r;
            });
        });
        return found[0];
    }
}
