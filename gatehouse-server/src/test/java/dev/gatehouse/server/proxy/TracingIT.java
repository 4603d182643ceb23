package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.server.log.AccessLog;
import dev.gatehouse.testing.HpackBlock;
import dev.gatehouse.testing.LeakGuardExtension;
import dev.gatehouse.testing.RawH2Connection;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * W3C Trace Context through a real node, over HTTP/1.1 and h2c (issue 16, item 2): a valid
 * {@code traceparent} and its {@code tracestate} reach the backend as sent; an absent, invalid or
 * repeated one is replaced by a trace the node starts, without the tracestate; the trace id is in
 * the access log; and {@code tracing: { enabled: false }} leaves both headers alone.
 */
@ExtendWith(LeakGuardExtension.class)
final class TracingIT {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String STATE = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
    private static final Pattern STARTED = Pattern.compile("00-([0-9a-f]{32})-[0-9a-f]{16}-01");

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
    private StubBackend backend;
    private GatehouseServer node;

    @BeforeEach
    void attach() {
        lines.start();
        logger.addAppender(lines);
        // The test logging configuration is quiet (WARN); the access log writes at INFO.
        logger.setLevel(Level.INFO);
        backend = StubBackend.start("traced");
    }

    @AfterEach
    void detach() {
        if (node != null) {
            node.close();
        }
        backend.close();
        logger.detachAppender(lines);
        logger.setLevel(null);
    }

    private void start(String tracing) throws Exception {
        node = GatehouseServer.start(ConfigLoader.parse("""
                listeners:
                  - bind: 127.0.0.1:0
                    routes: [ { path_prefix: /, pool: web } ]
                    http2: { h2c: true }
                pools:
                  web:
                    backends: [ "%s" ]
                %s
                """.formatted(backend.address(), tracing), name -> null));
    }

    /** Sends one HTTP/1.1 GET with {@code extraHeaders} (CRLF-terminated lines) and returns what the backend got. */
    private RecordedRequest h1(String extraHeaders) {
        int before = backend.requests().size();
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /t HTTP/1.1\r\nHost: x\r\n" + extraHeaders + "\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
        backend.awaitRequests(before + 1, Duration.ofSeconds(5));
        return backend.lastRequest();
    }

    /** The access log line of the {@code n}th request (from 1). */
    private JsonNode logLine(int n) throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> lines.list.size() >= n);
        return new ObjectMapper().readTree(lines.list.get(n - 1).getFormattedMessage());
    }

    @Test
    void aValidTraceparent_andItsTracestate_arePassedOnUnchanged_andLogged() throws Exception {
        start("");
        RecordedRequest r = h1("traceparent: " + PARENT + "\r\ntracestate: " + STATE + "\r\n");
        assertThat(r.headers().getAll("traceparent")).containsExactly(PARENT);
        assertThat(r.headers().getAll("tracestate")).containsExactly(STATE);
        assertThat(logLine(1).get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

        // Several tracestate fields are one list: passed on as they came.
        r = h1("traceparent: " + PARENT + "\r\ntracestate: rojo=1\r\nTraceState: congo=2\r\n");
        assertThat(r.headers().getAll("tracestate")).containsExactly("rojo=1", "congo=2");
        // Any case of the name, and the unsampled flag, passed on as they came.
        String unsampled = PARENT.replace("-01", "-00");
        assertThat(h1("TraceParent: " + unsampled + "\r\n").headers().getAll("traceparent")).containsExactly(unsampled);
    }

    @Test
    void noTraceparent_startsATrace_sampled_withoutTracestate_andTheLogHasItsId() throws Exception {
        start("");
        RecordedRequest r = h1("tracestate: " + STATE + "\r\n");
        String sent = r.header("traceparent");
        var m = STARTED.matcher(sent);
        assertThat(m.matches()).as(sent).isTrue();
        assertThat(r.header("tracestate")).as("a tracestate without its traceparent").isNull();
        assertThat(logLine(1).get("trace_id").asText()).isEqualTo(m.group(1));

        String second = h1("").header("traceparent");
        assertThat(STARTED.matcher(second).matches()).isTrue();
        assertThat(second.substring(3, 35)).as("every request starts its own trace").isNotEqualTo(m.group(1));
        assertThat(logLine(2).get("trace_id").asText()).isEqualTo(second.substring(3, 35));
    }

    @Test
    void anInvalidOrRepeatedTraceparent_isReplaced_andItsTracestateDropped() throws Exception {
        start("");
        String[] invalid = {
            PARENT.toUpperCase(java.util.Locale.ROOT),
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            PARENT + "-extra",
            "garbage",
        };
        for (String bad : invalid) {
            RecordedRequest r = h1("traceparent: " + bad + "\r\ntracestate: " + STATE + "\r\n");
            assertThat(r.headers().getAll("traceparent")).as(bad).hasSize(1);
            assertThat(STARTED.matcher(r.header("traceparent")).matches()).as(bad).isTrue();
            assertThat(r.header("traceparent")).doesNotContain("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(r.header("tracestate")).as(bad).isNull();
        }
        RecordedRequest twice = h1("traceparent: " + PARENT + "\r\ntraceparent: " + PARENT + "\r\ntracestate: " + STATE + "\r\n");
        assertThat(twice.headers().getAll("traceparent")).hasSize(1);
        assertThat(twice.header("traceparent")).isNotEqualTo(PARENT).matches(STARTED);
        assertThat(twice.header("tracestate")).isNull();
        assertThat(logLine(invalid.length + 1).get("trace_id").asText()).isEqualTo(twice.header("traceparent").substring(3, 35));
    }

    @Test
    void anInvalidOrOversizedTracestate_isDropped_theTraceparentKept() throws Exception {
        start("");
        String tooMany = IntStream.range(0, 33).mapToObj(i -> "k" + i + "=v").collect(Collectors.joining(","));
        for (String bad : List.of(tooMany, "congo=1,congo=2", "Congo=1", "k=" + "v".repeat(257))) {
            RecordedRequest r = h1("traceparent: " + PARENT + "\r\ntracestate: " + bad + "\r\n");
            assertThat(r.header("traceparent")).isEqualTo(PARENT);
            assertThat(r.header("tracestate")).as(bad).isNull();
        }
    }

    @Test
    void aLaterVersion_isDowngradedTo00_andItsTracestateKept() throws Exception {
        start("");
        RecordedRequest r = h1("traceparent: cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-future\r\ntracestate: "
                + STATE + "\r\n");
        assertThat(r.header("traceparent")).isEqualTo(PARENT);
        assertThat(r.header("tracestate")).isEqualTo(STATE);
    }

    @Test
    void h2cRequests_areTracedTheSameWay() throws Exception {
        start("");
        try (RawH2Connection h2 = RawH2Connection.connect(node.port())) {
            h2.headers(1, HpackBlock.get("/a").literal("traceparent", PARENT).literal("tracestate", STATE).bytes(), true);
            assertThat(h2.awaitResponse(1).status()).isEqualTo(200);
            backend.awaitRequests(1, Duration.ofSeconds(5));
            RecordedRequest passed = backend.lastRequest();
            assertThat(passed.header("traceparent")).isEqualTo(PARENT);
            assertThat(passed.header("tracestate")).isEqualTo(STATE);

            h2.headers(3, HpackBlock.get("/b").literal("traceparent", "00-xyz").literal("tracestate", STATE).bytes(), true);
            assertThat(h2.awaitResponse(3).status()).isEqualTo(200);
            backend.awaitRequests(2, Duration.ofSeconds(5));
            RecordedRequest started = backend.lastRequest();
            assertThat(started.header("traceparent")).matches(STARTED);
            assertThat(started.header("tracestate")).isNull();
        }
        assertThat(logLine(1).get("protocol").asText()).isEqualTo("h2");
        assertThat(logLine(1).get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(logLine(2).get("trace_id").asText()).isEqualTo(backend.lastRequest().header("traceparent").substring(3, 35));
    }

    @Test
    void unsampled_startsTracesWithFlags00() throws Exception {
        start("tracing: { sampled: false }");
        assertThat(h1("").header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
        // A received trace keeps its own flags.
        assertThat(h1("traceparent: " + PARENT + "\r\n").header("traceparent")).isEqualTo(PARENT);
    }

    @Test
    void turnedOff_theHeadersPassAsAnyOther_andTheLogHasNoTraceId() throws Exception {
        start("tracing: { enabled: false }");
        assertThat(h1("").header("traceparent")).isNull();
        RecordedRequest r = h1("traceparent: garbage\r\ntracestate: Not=Valid=\r\n");
        assertThat(r.header("traceparent")).isEqualTo("garbage");
        assertThat(r.header("tracestate")).isEqualTo("Not=Valid=");
        assertThat(logLine(2).has("trace_id")).isFalse();
        assertThat(logLine(2).get("request_id").asText()).isNotEmpty();
    }
}
