package dev.gatehouse.server.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.HealthCheckConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a health check response is judged, chunk by chunk, and that every buffer is released. */
final class HttpCheckHandlerTest {

    private final List<CheckResult> results = new ArrayList<>();
    private final List<ByteBuf> written = new ArrayList<>();

    @Test
    void statusOutsideTheRange_failsOnTheHead() {
        EmbeddedChannel ch = channel(null);
        ch.writeInbound(head(503));
        assertThat(results).extracting(CheckResult::detail).containsExactly("HTTP 503 (expected 200-399)");
        ch.writeInbound(chunk("ignored", true));
        assertThat(results).hasSize(1);
        assertReleased();
    }

    @Test
    void interimResponse_isSkipped() {
        EmbeddedChannel ch = channel(null);
        ch.writeInbound(head(100));
        assertThat(results).isEmpty();
        ch.writeInbound(head(200));
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.passed()).isTrue();
            assertThat(r.detail()).matches("HTTP 200 in \\d+ ms");
        });
    }

    @Test
    void textSplitAcrossChunks_isFound() {
        EmbeddedChannel ch = channel("ready");
        ch.writeInbound(head(200));
        ch.writeInbound(chunk("xxxxre", false));
        assertThat(results).isEmpty();
        ch.writeInbound(chunk("ady and more", false));
        assertThat(results).singleElement().extracting(CheckResult::passed).isEqualTo(true);
        ch.writeInbound(chunk("rest", true));
        assertThat(results).hasSize(1);
        assertReleased();
    }

    @Test
    void textMissingAtTheEnd_fails() {
        EmbeddedChannel ch = channel("ready");
        ch.writeInbound(head(200));
        ch.writeInbound(chunk("starting", false));
        ch.writeInbound(chunk("", true));
        assertThat(results).singleElement().isEqualTo(CheckResult.failed("body does not contain \"ready\""));
        assertReleased();
    }

    @Test
    void textAfterTheFirst64KiB_isNotSearched_andTheCheckFailsAtTheLimit() {
        EmbeddedChannel ch = channel("ready");
        ch.writeInbound(head(200));
        String filler = "x".repeat(16 * 1024);
        for (int i = 0; i < 3; i++) {
            ch.writeInbound(chunk(filler, false));
        }
        assertThat(results).isEmpty();
        // The fourth chunk reaches the limit exactly; the text starts one byte past it.
        ch.writeInbound(chunk(filler.substring(1) + "xready", false));
        assertThat(results).singleElement().isEqualTo(CheckResult.failed("body does not contain \"ready\""));
        assertReleased();
    }

    @Test
    void textEndingExactlyAtTheLimit_isFound() {
        EmbeddedChannel ch = channel("ready");
        ch.writeInbound(head(200));
        ch.writeInbound(chunk("x".repeat(HttpCheckHandler.MAX_BODY - 5) + "ready" + "zzz", false));
        assertThat(results).singleElement().extracting(CheckResult::passed).isEqualTo(true);
        assertReleased();
    }

    @Test
    void closeBeforeAResponse_fails() {
        EmbeddedChannel ch = channel(null);
        ch.close();
        assertThat(results).singleElement()
                .isEqualTo(CheckResult.failed("connection closed before a response"));
    }

    private EmbeddedChannel channel(String bodyContains) {
        HealthCheckConfig config = new HealthCheckConfig(HealthCheckConfig.Type.HTTP, "/health", "GET", null, 200, 399,
                bodyContains, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO, 2, 3);
        HttpCheck check = new HttpCheck(new Check.Target(null, null, null, "backend", config), results::add);
        return new EmbeddedChannel(new HttpCheckHandler(check, config));
    }

    private static DefaultHttpResponse head(int status) {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
    }

    private Object chunk(String text, boolean last) {
        ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        written.add(buf);
        return last ? new DefaultLastHttpContent(buf) : new DefaultHttpContent(buf);
    }

    private void assertReleased() {
        assertThat(written).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }
}
