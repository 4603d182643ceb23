package dev.gatehouse.server.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.core.config.Http2Config;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.log.AccessLog;
import dev.gatehouse.server.metrics.PrometheusText;
import dev.gatehouse.testing.DeterministicBytes;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Streams over one h2c connection: many at once, large bodies both ways, a reset mid-body, a stream
 * whose client does not read, the request as the backend sees it, and the access log and metrics.
 */
final class H2StreamsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Http2Config H2C = new Http2Config(true, true, 250, 65_535, 0, 16_384, 0);

    private final ListAppender<ILoggingEvent> access = new ListAppender<>();
    private final Logger accessLogger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);

    @BeforeEach
    void listen() {
        access.start();
        accessLogger.addAppender(access);
        accessLogger.setLevel(Level.INFO);
    }

    @AfterEach
    void stopListening() {
        accessLogger.detachAppender(access);
        accessLogger.setLevel(null);
    }

    @Test
    void twoHundredConcurrentStreams_withBodies_overOneConnection_allAnsweredCorrectly() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             H2TestClient client = H2TestClient.connect(node.port())) {
            List<CompletableFuture<H2TestClient.Response>> responses = new ArrayList<>();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String body = ("stream " + i + " ").repeat(1 + i * 7);
                bodies.add(body);
                responses.add(client.request("POST", "/echo", body.getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < 200; i++) {
                H2TestClient.Response r = responses.get(i).get(30, TimeUnit.SECONDS);
                assertThat(r.status()).as("stream %d", i).isEqualTo(200);
                assertThat(r.text()).as("stream %d", i).isEqualTo(bodies.get(i));
            }
            assertThat(client.isOpen()).isTrue();
            await().atMost(WAIT).untilAsserted(() -> assertThat(PrometheusText.parse(node.server().metrics().scrape())
                    .value("gatehouse_client_requests_total", "protocol", "h2", "tls", "none")).isEqualTo(200.0));
        }
    }

    @Test
    void request_reachesTheBackendAsHttp11_withHostFromAuthority_cookiesJoined_andNoHttp2Fields() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             H2TestClient client = H2TestClient.connect(node.port())) {
            H2TestClient.Stream s = client.stream(true);
            Http2Headers h = H2TestClient.headers("GET", "/headers?x=1").add("cookie", "a=1").add("cookie", "b=2")
                    .add("x-http2-scheme", "https").add("te", "trailers").add("accept", "*/*");
            s.headers(h, true);
            H2TestClient.Response r = s.response().get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            RecordedRequest seen = backend.lastRequest();
            assertThat(seen.httpVersion()).isEqualTo("HTTP/1.1");
            assertThat(seen.uri()).isEqualTo("/headers?x=1");
            assertThat(seen.header("host")).isEqualTo("gatehouse.test");
            assertThat(seen.header("cookie")).isEqualTo("a=1; b=2");
            assertThat(seen.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-http2-") || n.startsWith(":"));
            assertThat(seen.header("te")).isNull();
            assertThat(seen.header("transfer-encoding")).isNull();
            assertThat(seen.header("x-forwarded-proto")).isEqualTo("http");
            JsonNode record = accessRecord("/headers?x=1");
            assertThat(record.get("protocol").asText()).isEqualTo("h2");
        }
    }

    @Test
    void malformedRequests_get400_andTheConnectionGoesOn() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             H2TestClient client = H2TestClient.connect(node.port())) {
            H2TestClient.Stream differentHost = client.stream(true);
            differentHost.headers(H2TestClient.headers("GET", "/").add("host", "other.test"), true);
            assertThat(differentHost.response().get(10, TimeUnit.SECONDS).status()).isEqualTo(400);
            H2TestClient.Stream connect = client.stream(true);
            connect.headers(new io.netty.handler.codec.http2.DefaultHttp2Headers().method("CONNECT")
                    .authority("example.com:443"), true);
            assertThat(connect.response().get(10, TimeUnit.SECONDS).status()).isEqualTo(501);
            assertThat(client.request("GET", "/", null).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(backend.requests()).hasSize(1);
        }
    }

    @Test
    void headAnd204_haveNoBody() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             H2TestClient client = H2TestClient.connect(node.port())) {
            H2TestClient.Response head = client.request("HEAD", "/download?bytes=1000", null).get(10, TimeUnit.SECONDS);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().get("content-length").toString()).isEqualTo("1000");
            H2TestClient.Response none = client.request("GET", "/status/204", null).get(10, TimeUnit.SECONDS);
            assertThat(none.status()).isEqualTo(204);
            assertThat(none.body()).isEmpty();
        }
    }

    @Test
    void severalMegabytes_upAndDown() throws Exception {
        int size = 4 * 1024 * 1024 + 17;
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             H2TestClient client = H2TestClient.connect(node.port())) {
            byte[] up = DeterministicBytes.bytes(0, size);
            CompletableFuture<H2TestClient.Response> upload = client.request("POST", "/upload", up);
            CompletableFuture<H2TestClient.Response> download = client.request("GET", "/download?bytes=" + size, null);
            H2TestClient.Response u = upload.get(30, TimeUnit.SECONDS);
            assertThat(u.status()).isEqualTo(200);
            assertThat(u.text()).contains("\"bytes\":" + size).contains(DeterministicBytes.sha256(size));
            H2TestClient.Response d = download.get(30, TimeUnit.SECONDS);
            assertThat(d.status()).isEqualTo(200);
            assertThat(d.body()).hasSize(size);
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(d.body())))
                    .isEqualTo(DeterministicBytes.sha256(size));
        }
    }

    @Test
    void resetMidBody_cancelsTheExchange_releasesTheBackendConnection_otherStreamsGoOn() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             H2TestClient client = H2TestClient.connect(node.port())) {
            H2TestClient.Stream other = client.stream(true);
            other.headers(H2TestClient.headers("POST", "/echo").add("content-length", "10"), false);
            other.data(Unpooled.wrappedBuffer("01234".getBytes(StandardCharsets.US_ASCII)), false);

            H2TestClient.Stream cut = client.stream(true);
            cut.headers(H2TestClient.headers("POST", "/upload").add("content-length", "100000"), false);
            cut.data(Unpooled.wrappedBuffer(DeterministicBytes.bytes(0, 30_000)), false);
            await().atMost(WAIT).until(() -> backend.openConnections() == 2);
            cut.reset();
            // The upload's backend connection had a request half sent: it cannot be reused, so it closes.
            await().atMost(WAIT).until(() -> backend.openConnections() == 1);
            JsonNode record = accessRecord("/upload");
            assertThat(record.get("error").asText()).isEqualTo("client closed the connection");

            other.data(Unpooled.wrappedBuffer("56789".getBytes(StandardCharsets.US_ASCII)), true);
            H2TestClient.Response r = other.response().get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("0123456789");
            assertThat(client.request("GET", "/", null).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    void aStreamWhoseClientDoesNotRead_stallsOnlyItself_andResumesWhenItReads() throws Exception {
        int size = 2 * 1024 * 1024;
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             H2TestClient client = H2TestClient.connect(node.port())) {
            H2TestClient.Stream slow = client.stream(false);
            slow.headers(H2TestClient.headers("GET", "/download?bytes=" + size), true);
            // The client's default window is 64 KiB: the node can send that much and then must wait.
            await().atMost(WAIT).until(() -> backend.requestsStarted() == 1);
            for (int i = 0; i < 20; i++) {
                H2TestClient.Response r = client.request("POST", "/echo", ("fast " + i).getBytes(StandardCharsets.UTF_8))
                        .get(10, TimeUnit.SECONDS);
                assertThat(r.text()).isEqualTo("fast " + i);
            }
            assertThat(slow.response()).isNotDone();
            assertThat(slow.received()).isLessThan(size);
            slow.read();
            H2TestClient.Response r = slow.response().get(30, TimeUnit.SECONDS);
            assertThat(r.body()).hasSize(size);
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body())))
                    .isEqualTo(DeterministicBytes.sha256(size));
        }
    }

    @Test
    void aBackendThatDoesNotRead_stallsOnlyItsStream_theConnectionWindowStaysOpen() throws Exception {
        try (StubBackend slowBackend = StubBackend.start("slow", dev.gatehouse.testing.StubBehaviors.hang());
             StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).backend("slow", slowBackend.address())
                     .route(null, "/slow/", "slow").route(null, "/", "web").http2(H2C).start();
             H2TestClient client = H2TestClient.connect(node.port())) {
            // Several streams send bodies to a backend that never reads them: each fills its own window.
            for (int i = 0; i < 8; i++) {
                H2TestClient.Stream s = client.stream(true);
                s.headers(H2TestClient.headers("POST", "/slow/up").add("content-length", "10000000"), false);
                s.data(Unpooled.wrappedBuffer(DeterministicBytes.bytes(0, 1024 * 1024)), false);
            }
            await().atMost(WAIT).until(() -> slowBackend.requestsStarted() == 8);
            byte[] body = DeterministicBytes.bytes(0, 300_000);
            H2TestClient.Response r = client.request("POST", "/upload", body).get(20, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).contains("\"bytes\":300000");
        }
    }

    /** The access record of the request to {@code target}. */
    private JsonNode accessRecord(String target) {
        ObjectMapper json = new ObjectMapper();
        JsonNode[] found = new JsonNode[1];
        await().atMost(WAIT).untilAsserted(() -> {
            List<JsonNode> records = new ArrayList<>();
            for (ILoggingEvent e : List.copyOf(access.list)) {
                records.add(json.readTree(e.getFormattedMessage()));
            }
            assertThat(records).anySatisfy(r -> {
                assertThat(r.get("path").asText()).isEqualTo(target);
                found[0] = r;
            });
        });
        return found[0];
    }
}
