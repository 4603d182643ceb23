package dev.gatehouse.server.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One JSON line per request, with every field the issue asks for. */
final class AccessLogIT {

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);

    @BeforeEach
    void attach() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    @Test
    void eachRequest_writesOneJsonLine() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST /upload?x=1 HTTP/1.1\r\nHost: x\r\nX-Request-Id: log-me\r\nContent-Length: 3\r\n\r\nabc");
            RawHttpResponse r = client.readResponse();
            await().atMost(Duration.ofSeconds(5)).until(() -> !lines.list.isEmpty());
            JsonNode line = new ObjectMapper().readTree(lines.list.get(0).getFormattedMessage());
            assertThat(line.get("request_id").asText()).isEqualTo("log-me");
            assertThat(line.get("client").asText()).isEqualTo("127.0.0.1");
            assertThat(line.get("method").asText()).isEqualTo("POST");
            assertThat(line.get("path").asText()).isEqualTo("/upload?x=1");
            assertThat(line.get("status").asInt()).isEqualTo(200);
            assertThat(line.get("bytes_in").asLong()).isEqualTo(3);
            assertThat(line.get("bytes_out").asLong()).isEqualTo(r.body().length);
            assertThat(line.get("duration_ms").asDouble()).isGreaterThanOrEqualTo(line.get("upstream_ms").asDouble());
            assertThat(line.get("pool").asText()).isEqualTo("web");
            assertThat(line.get("backend").asText()).isEqualTo(backend.address());
            assertThat(line.get("version").asText()).isEqualTo("v1");
            assertThat(line.get("time").asText()).endsWith("Z");
        }
    }

    @Test
    void errors_areLoggedWithTheirCause() throws Exception {
        try (TestNode node = TestNode.builder().pool("web").start()) {
            assertThat(RawHttpResponse.get(node.port(), "/nothing").status()).isEqualTo(503);
            await().atMost(Duration.ofSeconds(5)).until(() -> !lines.list.isEmpty());
            JsonNode line = new ObjectMapper().readTree(lines.list.get(0).getFormattedMessage());
            assertThat(line.get("status").asInt()).isEqualTo(503);
            assertThat(line.get("error").asText()).contains("no available backend");
            assertThat(line.get("backend").isNull()).isTrue();
        }
    }
}
