package dev.gatehouse.server.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.H2Frame;
import dev.gatehouse.testing.HpackBlock;
import dev.gatehouse.testing.LeakGuardExtension;
import dev.gatehouse.testing.RawH2Connection;
import dev.gatehouse.testing.RawH2Response;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The known HTTP/2 attacks against the codec with the node's protections: each one ends with the
 * abusive connection refused (GOAWAY with the right code, or closed), its cost bounded (requests
 * passed on, frames the server queued), and another connection served throughout.
 */
@ExtendWith(LeakGuardExtension.class)
final class Http2AttacksIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int MAX_STREAMS = 100;
    private static final int MAX_HEADER_LIST = 8192;
    private static ProtectedH2Server server;

    @BeforeAll
    static void start() {
        server = new ProtectedH2Server(MAX_STREAMS, MAX_HEADER_LIST);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void othersAreStillServed() {
        try (RawH2Connection bystander = RawH2Connection.connect(server.port())) {
            bystander.get(1, "/bystander");
            assertThat(bystander.awaitResponse(1).status()).isEqualTo(200);
        }
    }

    private static byte[] frames(int n, java.util.function.IntFunction<byte[]> frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            out.writeBytes(frame.apply(i));
        }
        return out.toByteArray();
    }

    @Test
    void rapidReset_isCutOffWithEnhanceYourCalm_andFewRequestsArePassedOn() {
        int before = server.requests.get();
        int pairs = 5_000;
        byte[] block = HpackBlock.get("/reset").bytes();
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.send(frames(pairs, i -> {
                int id = 2 * i + 1;
                ByteArrayOutputStream pair = new ByteArrayOutputStream();
                pair.writeBytes(H2Frame.encode(H2Frame.HEADERS, H2Frame.END_HEADERS, id, block));
                pair.writeBytes(H2Frame.encode(H2Frame.RST_STREAM, 0, id, new byte[] {0, 0, 0, 8}));
                return pair.toByteArray();
            }));
            H2Frame goAway = h2.awaitGoAway();
            assertThat(goAway.errorCode()).isEqualTo(H2Frame.ENHANCE_YOUR_CALM);
            assertThat(h2.awaitClosed(WAIT)).isTrue();
        }
        assertThat(server.requests.get() - before).isLessThanOrEqualTo(Http2Pipeline.MAX_RST_FRAMES + 1);
    }

    @Test
    void continuationFlood_ofEmptyFrames_isCutOffAfterEight() {
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.awaitSettingsAck(); // this client's own ack of the server's SETTINGS is out before the block starts
            h2.frame(H2Frame.HEADERS, H2Frame.END_STREAM, 1, HpackBlock.get("/").bytes());
            h2.send(frames(100_000, i -> H2Frame.encode(H2Frame.CONTINUATION, 0, 1, new byte[0])));
            H2Frame goAway = h2.awaitGoAway();
            assertThat(goAway.errorCode()).as("%s", goAway).isEqualTo(H2Frame.ENHANCE_YOUR_CALM);
            assertThat(h2.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void continuationFlood_ofFullFrames_isCutOffBeforeTheBlockOutgrowsTheHeaderListSize() {
        byte[] fragment = new HpackBlock().literal("x-flood", "a".repeat(4000)).bytes();
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.awaitSettingsAck();
            h2.frame(H2Frame.HEADERS, H2Frame.END_STREAM, 1, HpackBlock.get("/").bytes());
            h2.send(frames(1_000, i -> H2Frame.encode(H2Frame.CONTINUATION, 0, 1, fragment)));
            H2Frame goAway = h2.awaitGoAway();
            assertThat(goAway.errorCode()).isIn(H2Frame.PROTOCOL_ERROR, H2Frame.ENHANCE_YOUR_CALM);
            assertThat(h2.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void hpackBomb_inOneBlock_isRefusedByTheHeaderListSize() {
        int before = server.requests.get();
        HpackBlock bomb = HpackBlock.get("/").literalIndexed("x-bomb", "b".repeat(4000));
        for (int i = 0; i < 1_000; i++) {
            bomb.indexed(62); // 1 octet on the wire, 4 KB decoded
        }
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.headers(1, bomb.bytes(), true);
            assertRefusedAsTooLarge(h2, 1);
        }
        assertThat(server.requests.get()).isEqualTo(before);
    }

    @Test
    void hpackBomb_acrossBlocks_isRefusedByTheHeaderListSize() {
        int before = server.requests.get();
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.headers(1, HpackBlock.get("/").literalIndexed("x-bomb", "b".repeat(4000)).bytes(), true);
            assertThat(h2.awaitResponse(1).status()).isEqualTo(200);
            HpackBlock reuse = HpackBlock.get("/");
            for (int i = 0; i < 1_000; i++) {
                reuse.indexed(62);
            }
            h2.headers(3, reuse.bytes(), true);
            assertRefusedAsTooLarge(h2, 3);
        }
        assertThat(server.requests.get() - before).isEqualTo(1);
    }

    @Test
    void headerListOverTheLimit_isRefused() {
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.headers(1, HpackBlock.get("/").literal("x-big", "c".repeat(MAX_HEADER_LIST)).bytes(), true);
            assertRefusedAsTooLarge(h2, 1);
        }
    }

    /** A 431 response, a RST_STREAM or a GOAWAY (RFC 9113 §10.5.1 allows each). */
    private static void assertRefusedAsTooLarge(RawH2Connection h2, int streamId) {
        H2Frame f = h2.awaitFrame("a 431, RST_STREAM or GOAWAY", x -> x.type() == H2Frame.GOAWAY
                || x.streamId() == streamId && (x.type() == H2Frame.RST_STREAM || x.type() == H2Frame.HEADERS),
                WAIT);
        if (f.type() == H2Frame.HEADERS) {
            RawH2Response r = h2.awaitResponse(streamId);
            assertThat(r.status()).isEqualTo(431);
        } else {
            assertThat(f.errorCode()).isIn(H2Frame.PROTOCOL_ERROR, H2Frame.ENHANCE_YOUR_CALM);
        }
    }

    @Test
    void pingFlood_fromAClientThatDoesNotRead_isHeldBackByBackpressure() {
        assertFloodWithoutReadingIsHeldBack(i -> H2Frame.encode(H2Frame.PING, 0, 0, new byte[8]));
    }

    @Test
    void settingsFlood_fromAClientThatDoesNotRead_isHeldBackByBackpressure() {
        assertFloodWithoutReadingIsHeldBack(i -> H2Frame.encode(H2Frame.SETTINGS, 0, 0,
                new byte[] {0, H2Frame.SETTINGS_MAX_CONCURRENT_STREAMS, 0, 0, 0, 100}));
    }

    /**
     * What this proves: the server answers every frame with an ack, which a client that does not
     * read leaves in the sockets' buffers, and it never holds an unbounded number of them: the
     * flooding client is either held back (it cannot write all it wants, once the buffers are
     * full) or cut off by {@link Http2Pipeline#MAX_QUEUED_CONTROL_FRAMES} (more acks queued
     * unwritten than that closes the connection). Which of the two comes first depends on how many
     * acks the kernel's socket buffers take: about 100,000 on one loopback (held back, never
     * closed), fewer on a 6.18 kernel (closed by the limit). Either way the server did not take
     * the whole flood, and others are served (checked after each test).
     */
    private static void assertFloodWithoutReadingIsHeldBack(java.util.function.IntFunction<byte[]> frame) {
        int perBatch = 10_000;
        int batches = 1_000;
        try (RawH2Connection h2 = RawH2Connection.open(server.port(), 4096, true)) {
            h2.awaitSettingsAck();
            h2.pauseReading();
            byte[] batch = frames(perBatch, frame);
            int sent = 0;
            long lastProgress = System.nanoTime();
            // Send while the server takes the frames; stop when it has taken none for 3 s.
            while (sent < batches) {
                if (h2.isWritable()) {
                    h2.send(batch);
                    sent++;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > Duration.ofSeconds(3).toNanos()) {
                    break;
                } else {
                    h2.awaitClosed(Duration.ofMillis(50)); // a timed wait on the connection, not a sleep
                }
            }
            // Held back (the sockets are full and the server does not read faster than it can answer)
            // or closed by the control-frame limit: either way not the whole flood.
            assertThat(sent).as("batches of %d frames the server took", perBatch).isLessThan(batches);
            // The bystander check after each test runs once this connection is gone: the test
            // server has one event loop, which the flood's connection shares while it is read.
        }
    }

    @Test
    void pingFlood_fromAClientThatReads_isAnswered_andOthersAreServed() {
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.send(frames(20_000, i -> H2Frame.encode(H2Frame.PING, 0, 0, new byte[8])));
            h2.get(1, "/after-pings");
            assertThat(h2.awaitResponse(1, WAIT).status()).isEqualTo(200);
        }
    }

    @Test
    void emptyDataFlood_isCutOffWithEnhanceYourCalm() {
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.headers(1, HpackBlock.request("POST", "/").bytes(), false);
            h2.send(frames(10_000, i -> H2Frame.encode(H2Frame.DATA, 0, 1, new byte[0])));
            assertThat(h2.awaitGoAway().errorCode()).isEqualTo(H2Frame.ENHANCE_YOUR_CALM);
            assertThat(h2.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void streamsPastMaxConcurrentStreams_areRefusedStream() {
        int before = server.requests.get();
        try (RawH2Connection h2 = RawH2Connection.connect(server.port())) {
            h2.send(frames(MAX_STREAMS + 5, i -> H2Frame.encode(H2Frame.HEADERS, H2Frame.END_HEADERS, 2 * i + 1,
                    HpackBlock.request("POST", "/").bytes())));
            H2Frame refused = h2.awaitFrame("a RST_STREAM", f -> f.type() == H2Frame.RST_STREAM, WAIT);
            assertThat(refused.errorCode()).isEqualTo(H2Frame.REFUSED_STREAM);
            assertThat(refused.streamId()).isGreaterThan(2 * MAX_STREAMS - 1);
            // The refused streams' ids are spent; the open ones still complete.
            h2.data(1, new byte[0], true);
            assertThat(h2.awaitResponse(1).status()).isEqualTo(200);
        }
        assertThat(server.requests.get() - before).isEqualTo(MAX_STREAMS);
    }
}
