package dev.gatehouse.server.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.Http2Config;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.H2Frame;
import dev.gatehouse.testing.HpackBlock;
import dev.gatehouse.testing.LeakGuardExtension;
import dev.gatehouse.testing.RawH2Connection;
import dev.gatehouse.testing.RawH2Response;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How a stream's response ends: an answer given before the request ended is sent whole, then the
 * stream is reset with NO_ERROR (RFC 9113 §8.1); a response that has no content (to HEAD, 204, 304)
 * ends on its HEADERS and no DATA frame follows (RFC 9113 §8.1.1), whoever made it.
 */
@ExtendWith(LeakGuardExtension.class)
final class H2ResponseEndingsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Http2Config H2C = Http2Config.DEFAULTS.withH2c(true);

    @Test
    void earlyAnswer_throughASmallStreamWindow_isSentWhole_thenTheStreamIsResetWithNoError() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C)
                     .route(new RouteConfig(null, "/", "web", 100L, null)).start();
             RawH2Connection h2 = RawH2Connection.connect(node.port())) {
            // The client's stream windows are 8 octets: the 413's body cannot leave in one go.
            h2.settings(H2Frame.SETTINGS_INITIAL_WINDOW_SIZE, 8);
            h2.headers(1, HpackBlock.request("POST", "/upload").literal("content-length", "100000").bytes(), false);
            h2.awaitFrame("the 413's first DATA", f -> f.type() == H2Frame.DATA && f.streamId() == 1, WAIT);
            // The answer is not cut while it waits for the client's window.
            assertThat(h2.count(f -> f.type() == H2Frame.RST_STREAM && f.streamId() == 1)).isZero();
            h2.windowUpdate(1, 100_000);

            H2Frame reset = h2.awaitFrame("the stream's RST_STREAM",
                    f -> f.type() == H2Frame.RST_STREAM && f.streamId() == 1, WAIT);
            assertThat(reset.errorCode()).isEqualTo(H2Frame.NO_ERROR);
            List<H2Frame> onStream = h2.frames().stream().filter(f -> f.streamId() == 1).toList();
            H2Frame last = onStream.get(onStream.indexOf(reset) - 1);
            assertThat(last.type()).as("the frame before the reset").isEqualTo(H2Frame.DATA);
            assertThat(last.hasFlag(H2Frame.END_STREAM)).as("the response ended before the reset").isTrue();
            int body = onStream.stream().filter(f -> f.type() == H2Frame.DATA).mapToInt(f -> f.payload().length).sum();
            RawH2Response r = h2.response(1);
            assertThat(r.status()).isEqualTo(413);
            assertThat(body).isEqualTo(Integer.parseInt(r.header("content-length"))).isGreaterThan(8);
            assertThat(backend.requestsStarted()).isZero();
        }
    }

    @Test
    void head_answeredByTheNode_endsOnItsHeaders_withTheGetsContentLength() throws Exception {
        try (TestNode node = TestNode.builder().pool("web").http2(H2C).start();
             RawH2Connection h2 = RawH2Connection.connect(node.port())) {
            h2.headers(1, HpackBlock.request("HEAD", "/").bytes(), true);
            h2.get(3, "/");
            RawH2Response head = h2.awaitResponse(1);
            RawH2Response get = h2.awaitResponse(3);
            assertThat(head.status()).isEqualTo(503);
            assertBodiless(h2, head);
            assertThat(get.status()).isEqualTo(503);
            assertThat(get.body()).isNotEmpty();
            assertThat(head.header("content-length")).isEqualTo(get.header("content-length"))
                    .isEqualTo(Integer.toString(get.body().length));
        }
    }

    @Test
    void head_answeredByTheBackend_endsOnItsHeaders() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             RawH2Connection h2 = RawH2Connection.connect(node.port())) {
            h2.headers(1, HpackBlock.request("HEAD", "/").bytes(), true);
            RawH2Response r = h2.awaitResponse(1);
            assertThat(r.status()).isEqualTo(200);
            assertBodiless(h2, r);
            assertThat(r.header("content-length")).isEqualTo("2");
        }
    }

    @Test
    void noContent_andNotModified_endOnTheirHeaders() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).http2(H2C).start();
             RawH2Connection h2 = RawH2Connection.connect(node.port())) {
            h2.get(1, "/status/204");
            h2.get(3, "/status/304");
            RawH2Response noContent = h2.awaitResponse(1);
            RawH2Response notModified = h2.awaitResponse(3);
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(notModified.status()).isEqualTo(304);
            assertBodiless(h2, noContent);
            assertBodiless(h2, notModified);
        }
    }

    /** The stream ended on the HEADERS frame, and no DATA came on it. */
    private static void assertBodiless(RawH2Connection h2, RawH2Response r) {
        int id = r.streamId();
        assertThat(r.endStream()).isTrue();
        assertThat(r.wasReset()).isFalse();
        assertThat(h2.count(f -> f.type() == H2Frame.DATA && f.streamId() == id)).as("DATA frames on stream %d", id).isZero();
        assertThat(h2.awaitFrame("the HEADERS", f -> f.type() == H2Frame.HEADERS && f.streamId() == id, WAIT)
                .hasFlag(H2Frame.END_STREAM)).as("END_STREAM on the HEADERS").isTrue();
    }
}
