package dev.gatehouse.postgres.protocol;

import static dev.gatehouse.postgres.protocol.Frames.concat;
import static dev.gatehouse.postgres.protocol.Frames.feed;
import static dev.gatehouse.postgres.protocol.Frames.feedByteByByte;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.testing.LeakGuardExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Typed messages on either side: framing, bounds, type bytes, the state after a failure. */
@ExtendWith(LeakGuardExtension.class)
final class PgFrameDecoderTypedTest {

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void finish() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel client(int maxMessageSize) {
        PgFrameDecoder decoder = PgFrameDecoder.forClient(maxMessageSize);
        decoder.startupDone();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        channels.add(ch);
        return ch;
    }

    private EmbeddedChannel client() {
        return client(PgFrameDecoder.DEFAULT_MAX_MESSAGE_SIZE);
    }

    private EmbeddedChannel server() {
        EmbeddedChannel ch = new EmbeddedChannel(PgFrameDecoder.forServer());
        channels.add(ch);
        return ch;
    }

    /** Reads the next message, checks its type and exact frame bytes, and releases it. */
    private static void assertNext(EmbeddedChannel ch, byte[] frame) {
        PgMessage m = ch.readInbound();
        assertThat(m).as("a message").isNotNull();
        try {
            assertThat(m.type()).isEqualTo((char) frame[0]);
            assertThat(ByteBufUtil.getBytes(m.frame())).isEqualTo(frame);
            assertThat(m.payloadLength()).isEqualTo(frame.length - 5);
            assertThat(ByteBufUtil.getBytes(m.payload())).isEqualTo(Arrays.copyOfRange(frame, 5, frame.length));
        } finally {
            m.release();
        }
    }

    private static PgProtocolException failure(EmbeddedChannel ch, byte[] input) {
        try {
            feed(ch, input);
        } catch (PgProtocolException e) {
            return e;
        }
        throw new AssertionError("no failure");
    }

    private static void assertDead(EmbeddedChannel ch, byte[] validFrame) {
        assertThat(ch.pipeline().get(PgFrameDecoder.class).failed()).isTrue();
        feed(ch, validFrame);
        feed(ch, validFrame);
        assertThat((Object) ch.readInbound()).isNull();
    }

    private static final byte[] QUERY = Frames.body().cString("SELECT 1").typed('Q');
    private static final byte[] SYNC = Frames.body().typed('S');
    private static final byte[] READY = Frames.body().byte1('I').typed('Z');

    @Test
    void severalMessagesInOneBuffer_decodeInOrder() {
        EmbeddedChannel ch = client();
        byte[] parse = Frames.body().cString("s1").cString("SELECT $1").int16(1).int32(23).typed('P');
        feed(ch, concat(parse, SYNC, QUERY, SYNC));
        assertNext(ch, parse);
        assertNext(ch, SYNC);
        assertNext(ch, QUERY);
        assertNext(ch, SYNC);
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void messagesByteByByte_decodeWhole() {
        EmbeddedChannel ch = client();
        feedByteByByte(ch, concat(QUERY, SYNC));
        assertNext(ch, QUERY);
        assertNext(ch, SYNC);
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void aMessageSplitAcrossReads_waitsForItsLastByte() {
        EmbeddedChannel ch = client();
        byte[] both = concat(QUERY, SYNC);
        feed(ch, Arrays.copyOfRange(both, 0, QUERY.length - 1));
        assertThat((Object) ch.readInbound()).isNull();
        feed(ch, Arrays.copyOfRange(both, QUERY.length - 1, both.length));
        assertNext(ch, QUERY);
        assertNext(ch, SYNC);
    }

    @Test
    void serverMessages_decodeFromTheFirstByte() {
        EmbeddedChannel ch = server();
        byte[] auth = Frames.body().int32(0).typed('R');
        byte[] status = Frames.body().cString("server_version").cString("15.8").typed('S');
        feedByteByByte(ch, concat(auth, status, READY));
        assertNext(ch, auth);
        assertNext(ch, status);
        assertNext(ch, READY);
    }

    @Test
    void aMessageAtTheLimit_decodes() {
        EmbeddedChannel ch = client(100);
        byte[] query = Frames.body().cString("x".repeat(95)).typed('Q');
        assertThat(query).hasSize(101);
        feed(ch, query);
        assertNext(ch, query);
    }

    @Test
    void aMessageOverTheLimit_failsAsSoonAsItsLengthArrives() {
        EmbeddedChannel ch = client(100);
        PgProtocolException e = failure(ch, new byte[] {'Q', 0, 0, 0, 101});
        assertThat(e.sqlState()).isEqualTo("54000");
        assertThat(e).hasMessage("message of type 'Q' (0x51) is 101 bytes long (expected: <= 100)");
        assertDead(ch, QUERY);
    }

    @Test
    void theDefaultLimit_is1MiB() {
        EmbeddedChannel ch = server();
        PgProtocolException e = failure(ch, concat(new byte[] {'D'}, Frames.int32Bytes((1 << 20) + 1)));
        assertThat(e.sqlState()).isEqualTo("54000");
        assertDead(ch, READY);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 0, -1, Integer.MIN_VALUE})
    void aLengthUnder4_fails(int length) {
        EmbeddedChannel ch = client();
        PgProtocolException e = failure(ch, concat(new byte[] {'S'}, Frames.int32Bytes(length)));
        assertThat(e.sqlState()).isEqualTo("08P01");
        assertThat(e).hasMessage("invalid message length " + length + " for message type 'S' (0x53) (expected: >= 4)");
        assertDead(ch, SYNC);
    }

    @ParameterizedTest
    @ValueSource(ints = {'x', 'Z', 'R', 0, 0x16, 0xff})
    void aTypeAClientMayNotSend_failsOnItsFirstByte(int type) {
        EmbeddedChannel ch = client();
        PgProtocolException e = failure(ch, new byte[] {(byte) type});
        assertThat(e.sqlState()).isEqualTo("08P01");
        assertThat(e.getMessage()).startsWith("invalid frontend message type ");
        assertDead(ch, QUERY);
    }

    @ParameterizedTest
    @ValueSource(ints = {'Q', 'P', 'X', 'p', 0})
    void aTypeAServerMayNotSend_fails(int type) {
        EmbeddedChannel ch = server();
        PgProtocolException e = failure(ch, concat(READY, new byte[] {(byte) type, 0, 0, 0, 4}));
        assertThat(e.sqlState()).isEqualTo("08P01");
        assertThat(e.getMessage()).startsWith("invalid backend message type ");
        // the message before the bad byte was decoded and passed on before the failure
        assertNext(ch, READY);
        assertDead(ch, READY);
    }

    @Test
    void aFailureInTheMiddleOfABuffer_dropsTheRestOfIt() {
        EmbeddedChannel ch = client();
        PgProtocolException e = failure(ch, concat(QUERY, new byte[] {'Q', 0, 0, 0, 2}, SYNC));
        assertThat(e.sqlState()).isEqualTo("08P01");
        assertNext(ch, QUERY);
        assertThat((Object) ch.readInbound()).isNull();
        assertDead(ch, SYNC);
    }

    @Test
    void aPartialMessageAtClose_isReleased() {
        EmbeddedChannel ch = client();
        feed(ch, Arrays.copyOf(QUERY, 7));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theLimit_isChecked() {
        assertThatThrownBy(() -> PgFrameDecoder.forServer(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxMessageSize: 3 (expected: 4..1073741823)");
        assertThatThrownBy(() -> PgFrameDecoder.forClient(1 << 30)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pgMessage_refusesAFrameWhoseLengthDoesNotMatch() {
        ByteBuf frame = Frames.tracked(new byte[] {'S', 0, 0, 0, 5});
        try {
            assertThatThrownBy(() -> new PgMessage(frame)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            frame.release();
        }
    }

    @Test
    void pgMessage_framesAreViewsOfTheReceivedBytes_andForwardable() {
        EmbeddedChannel in = client();
        feed(in, concat(QUERY, SYNC));
        PgMessage q = in.readInbound();
        PgMessage s = in.readInbound();
        // forward: writing the frame hands the message's reference to the write
        EmbeddedChannel wire = new EmbeddedChannel();
        channels.add(wire);
        wire.writeOutbound(q.frame(), s.frame());
        ByteBuf first = wire.readOutbound();
        ByteBuf second = wire.readOutbound();
        assertThat(Frames.drain(first)).isEqualTo(QUERY);
        assertThat(Frames.drain(second)).isEqualTo(SYNC);
        assertThat(q.refCnt()).isZero();
    }
}
