package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.testing.LeakGuardExtension;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehaviors;
import dev.gatehouse.testing.WebSocketEchoBackend;
import dev.gatehouse.testing.WebSocketTestClient;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spans per request ({@code tracing.otlp}) through a real node to a stub OTLP/HTTP collector on a
 * real socket: the backend is sent the node's span as the parent; the exported protobuf carries
 * the trace, the span's own id, the received parent, the service name and the phases as events
 * (a try, the connection, a retry); sampling follows a received flag and {@code sample_percent}
 * for the traces the node starts. Protobuf keeps ids as raw bytes and names as UTF-8, so the test
 * finds them in the payload without a protobuf reader.
 */
@ExtendWith(LeakGuardExtension.class)
final class TracingSpansIT {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_ID = "00f067aa0ba902b7";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<byte[]> exports = new CopyOnWriteArrayList<>();
    private HttpServer collector;
    private GatehouseServer node;

    @BeforeEach
    void startCollector() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            if ("POST".equals(ex.getRequestMethod())
                    && "application/x-protobuf".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
                exports.add(body);
            }
            ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
            ex.close();
        });
        collector.start();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        collector.stop(0);
    }

    @Test
    void aReceivedTrace_getsTheNodesSpanAsParent_exportedWithItsPhases() throws Exception {
        try (StubBackend b = StubBackend.start("b")) {
            start(b.address(), "sample_percent: 100");
            RecordedRequest r = send(b, "traceparent: 00-" + TRACE + "-" + PARENT_ID + "-01\r\ntracestate: rojo=1\r\n");
            String sent = r.header("traceparent");
            assertThat(sent).matches("00-" + TRACE + "-[0-9a-f]{16}-01");
            String span = sent.substring(36, 52);
            assertThat(span).as("the node's span is the backend's parent").isNotEqualTo(PARENT_ID);
            assertThat(r.header("tracestate")).isEqualTo("rojo=1");

            byte[] all = awaitExported(TRACE, span);
            assertThat(contains(all, hex(PARENT_ID))).as("the received parent is the span's parent").isTrue();
            for (String text : List.of("gatehouse-test", "GET", "try", "connected", "http.response.status_code",
                    "gatehouse.pool", "web", b.address())) {
                assertThat(contains(all, text.getBytes(StandardCharsets.UTF_8))).as(text).isTrue();
            }
        }
    }

    @Test
    void aRetry_isAnEventOfTheSpan() throws Exception {
        try (StubBackend bad = StubBackend.start("bad", StubBehaviors.closeImmediately());
             StubBackend good = StubBackend.start("good")) {
            start(bad.address() + "\", \"" + good.address(), "sample_percent: 100");
            // Round robin may pick either first; two requests make sure one met the bad backend.
            for (int i = 0; i < 2; i++) {
                try (RawHttpClient c = RawHttpClient.connect(node.port())) {
                    c.send("GET /t HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertThat(c.readResponse().status()).isEqualTo(200);
                }
            }
            await().atMost(WAIT).until(() -> contains(joined(), "retry".getBytes(StandardCharsets.UTF_8)));
            assertThat(contains(joined(), "gatehouse.reason".getBytes(StandardCharsets.UTF_8))).isTrue();
        }
    }

    @Test
    void startedTraces_followSamplePercent_receivedOnesTheirFlag() throws Exception {
        try (StubBackend b = StubBackend.start("b")) {
            start(b.address(), "sample_percent: 0");
            String started = send(b, "").header("traceparent");
            assertThat(started).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
            String unsampled = send(b, "traceparent: 00-" + TRACE + "-" + PARENT_ID + "-00\r\n").header("traceparent");
            assertThat(unsampled).matches("00-" + TRACE + "-[0-9a-f]{16}-00");
            // A sampled caller is recorded whatever the percent: its trace reaches the collector.
            String other = "0af7651916cd43dd8448eb211c80319c";
            String sampled = send(b, "traceparent: 00-" + other + "-" + PARENT_ID + "-01\r\n").header("traceparent");
            assertThat(sampled).endsWith("-01");
            awaitExported(other, sampled.substring(36, 52));
            byte[] all = joined();
            assertThat(contains(all, hex(started.substring(3, 35)))).as("an unsampled started trace").isFalse();
            assertThat(contains(all, hex(TRACE))).as("an unsampled received trace").isFalse();
        }
    }

    @Test
    void aWebSocketsSpan_endsWhenItsTunnelCloses_notAtTheHandshake() throws Exception {
        try (WebSocketEchoBackend ws = WebSocketEchoBackend.start("ws")) {
            start(ws.address(), "sample_percent: 100");
            try (WebSocketTestClient client = WebSocketTestClient.connect(node.port(), "/ws")) {
                client.sendText("hello");
                assertThat(client.awaitMessage(WAIT)).isNotNull();
                client.sendClose(1000, "done");
                client.awaitClose(WAIT);
            }
            // Ended at the 101, the span would carry that status and no tunnel; it carries the tunnel's end.
            await().atMost(WAIT).until(() -> contains(joined(), "tunnel".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aClientThatLeaves_endsItsSpan_withoutWaitingForTheBackend() throws Exception {
        try (StubBackend slow = StubBackend.start("slow")) {
            start(slow.address(), "sample_percent: 100");
            String trace = "5bf92f3577b34da6a3ce929d0e0e4736";
            try (RawHttpClient c = RawHttpClient.connect(node.port())) {
                c.send("GET /delay/30000 HTTP/1.1\r\nHost: x\r\ntraceparent: 00-" + trace + "-" + PARENT_ID + "-01\r\n\r\n");
                slow.awaitRequests(1, WAIT);
            }
            await().atMost(WAIT).until(() -> contains(joined(), hex(trace)));
        }
    }

    @Test
    void badOtlpConfig_isAClearError() {
        for (String[] bad : new String[][] {
            {"{ endpoint: ftp://collector/v1/traces }", "tracing.otlp.endpoint"},
            {"{ service_name: x }", "tracing.otlp.endpoint: missing"},
            {"{ endpoint: \"http://c:4318/v1/traces\", sample_percent: 101 }", "tracing.otlp.sample_percent"},
            {"{ endpoint: \"http://c:4318/v1/traces\", max_queue: 0 }", "tracing.otlp.max_queue"},
            {"{ endpoint: \"http://c:4318/v1/traces\", colour: red }", "tracing.otlp.colour"},
        }) {
            Assertions.assertThatThrownBy(() -> ConfigLoader.parse("""
                    listeners: [ { bind: 127.0.0.1:0, routes: [ { path_prefix: /, pool: web } ] } ]
                    pools: { web: { backends: [ "127.0.0.1:1" ] } }
                    tracing: { otlp: %s }
                    """.formatted(bad[0]), name -> null)).as(bad[0]).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(bad[1]);
        }
    }

    private void start(String backends, String otlp) throws Exception {
        node = GatehouseServer.start(ConfigLoader.parse("""
                listeners:
                  - bind: 127.0.0.1:0
                    routes: [ { path_prefix: /, pool: web } ]
                pools:
                  web:
                    strategy: round-robin
                    backends: [ "%s" ]
                access_log: { enabled: false }
                tracing:
                  otlp: { endpoint: "http://127.0.0.1:%d/v1/traces", service_name: gatehouse-test, %s }
                """.formatted(backends, collector.getAddress().getPort(), otlp), name -> null));
    }

    private RecordedRequest send(StubBackend b, String headers) {
        int before = b.requests().size();
        try (RawHttpClient c = RawHttpClient.connect(node.port())) {
            c.send("GET /t HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
        }
        b.awaitRequests(before + 1, WAIT);
        return b.lastRequest();
    }

    /** Waits (the batch goes out within about a second) for an export with both ids; returns all exports. */
    private byte[] awaitExported(String traceId, String spanId) {
        await().atMost(WAIT).until(() -> {
            byte[] all = joined();
            return contains(all, hex(traceId)) && contains(all, hex(spanId));
        });
        return joined();
    }

    private byte[] joined() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] e : exports) {
            out.writeBytes(e);
        }
        return out.toByteArray();
    }

    private static byte[] hex(String id) {
        return HexFormat.of().parseHex(id);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
