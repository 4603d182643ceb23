package dev.gatehouse.server.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.H2Frame;
import dev.gatehouse.testing.HpackBlock;
import dev.gatehouse.testing.LeakGuardExtension;
import dev.gatehouse.testing.RawH2Connection;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 9113 and RFC 7541 conformance of Netty's codec with the node's protections, apart from the
 * proxy: every malformed request is refused with the error the RFCs demand and never reaches the
 * stream's handler (where the node starts an exchange), and the connection, after a stream error,
 * still serves the next request.
 */
@ExtendWith(LeakGuardExtension.class)
final class Http2ConformanceIT {

    private static ProtectedH2Server server;

    @BeforeAll
    static void start() {
        server = new ProtectedH2Server(100, 8192);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> requests() {
        return H2Malformed.arguments(H2Malformed.requests());
    }

    static Stream<Arguments> frames() {
        return H2Malformed.arguments(H2Malformed.frames());
    }

    static Stream<Arguments> afterHead() {
        return H2Malformed.arguments(H2Malformed.afterHead());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void malformedRequest_isAStreamError_neverPassedOn_andTheConnectionGoesOn(H2Malformed.Case c) {
        int before = server.requests.get();
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            c.send().accept(h2);
            H2Frame answer = h2.awaitStreamOrConnectionError(c.streamId());
            assertThat(c.expect().accepts(answer)).as("%s: got %s, expected %s", c.name(), answer, c.expect()).isTrue();

            h2.get(3, "/next");
            assertThat(h2.awaitResponse(3).status()).isEqualTo(200);
        }
        assertThat(server.requests.get() - before).as("requests passed on").isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void brokenFrame_getsTheErrorTheRfcsDemand_andNothingIsPassedOn(H2Malformed.Case c) {
        int before = server.requests.get();
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.awaitSettingsAck();
            c.send().accept(h2);
            H2Frame answer = h2.awaitStreamOrConnectionError(c.streamId());
            assertThat(c.expect().accepts(answer)).as("%s: got %s, expected %s", c.name(), answer, c.expect()).isTrue();
        }
        assertThat(server.requests.get() - before).as("requests passed on").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("afterHead")
    void bodyOrTrailersBreakingARule_resetTheStream(H2Malformed.Case c) {
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            c.send().accept(h2);
            H2Frame answer = h2.awaitStreamOrConnectionError(c.streamId());
            assertThat(c.expect().accepts(answer)).as("%s: got %s, expected %s", c.name(), answer, c.expect()).isTrue();
        }
    }

    @Test
    void wellFormedRequests_pass() {
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.headers(1, HpackBlock.request("OPTIONS", "*").bytes(), true);
            h2.headers(3, HpackBlock.get("/").literal("te", "trailers").literal("host", "x").bytes(), true);
            h2.headers(5, new HpackBlock().literal(":method", "GET").literal(":scheme", "https").literal(":path", "/")
                    .literal("host", "example.com:8443").bytes(), true);
            h2.headers(7, HpackBlock.request("POST", "/").literal("content-length", "3").bytes(), false)
                    .data(7, new byte[3], false).headers(7, new HpackBlock().literal("x-checksum", "abc").bytes(), true);
            for (int id : new int[] {1, 3, 5, 7}) {
                assertThat(h2.awaitResponse(id).status()).as("stream %d", id).isEqualTo(200);
            }
        }
    }

    @Test
    void connect_isAnswered501_andNotPassedOn() {
        int before = server.requests.get();
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.headers(1, new HpackBlock().literal(":method", "CONNECT").literal(":authority", "example.com:443")
                    .bytes(), false);
            assertThat(h2.awaitResponse(1).status()).isEqualTo(501);
        }
        assertThat(server.requests.get()).isEqualTo(before);
    }

    @Test
    void streamIdGoingBackwards_isRefused() {
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.get(5, "/");
            assertThat(h2.awaitResponse(5).status()).isEqualTo(200);
            h2.get(3, "/");
            H2Frame answer = h2.awaitStreamOrConnectionError(3);
            // Stream 3 was implicitly closed when 5 opened (RFC 9113 §5.1.1): STREAM_CLOSED, or PROTOCOL_ERROR.
            assertThat(H2Malformed.Expect.either(H2Frame.STREAM_CLOSED, H2Frame.PROTOCOL_ERROR).accepts(answer))
                    .as("%s", answer).isTrue();
        }
    }

    @Test
    void dataAfterEndStream_isStreamClosed() {
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.headers(1, HpackBlock.request("POST", "/").bytes(), true);
            h2.data(1, new byte[1], true);
            H2Frame answer = h2.awaitStreamOrConnectionError(1);
            assertThat(H2Malformed.Expect.either(H2Frame.STREAM_CLOSED).accepts(answer)).as("%s", answer).isTrue();
        }
    }

    @Test
    void windowUpdateOverflowOnAStream_isAStreamFlowControlError() {
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.headers(1, HpackBlock.request("POST", "/").bytes(), false);
            h2.windowUpdate(1, Integer.MAX_VALUE);
            H2Frame answer = h2.awaitStreamOrConnectionError(1);
            assertThat(answer.type()).isEqualTo(H2Frame.RST_STREAM);
            assertThat(answer.errorCode()).isEqualTo(H2Frame.FLOW_CONTROL_ERROR);
        }
    }
}
