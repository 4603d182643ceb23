package dev.gatehouse.postgres.protocol;

import static dev.gatehouse.postgres.protocol.Frames.concat;
import static dev.gatehouse.postgres.protocol.Frames.feed;
import static dev.gatehouse.postgres.protocol.Frames.feedByteByByte;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.testing.LeakGuardExtension;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client side's startup phase: each packet, each bound, each malformation. */
@ExtendWith(LeakGuardExtension.class)
final class PgFrameDecoderStartupTest {

    private final EmbeddedChannel ch = new EmbeddedChannel(PgFrameDecoder.forClient());

    @AfterEach
    void finish() {
        ch.finishAndReleaseAll();
    }

    private static byte[] ssl() {
        return Frames.body().int32(StartupPacket.SSL_REQUEST_CODE).untyped();
    }

    private static byte[] startup(String... nameValues) {
        return startup(StartupPacket.PROTOCOL_3_0, nameValues);
    }

    private static byte[] startup(int version, String... nameValues) {
        Frames f = Frames.body().int32(version);
        for (String s : nameValues) {
            f.cString(s);
        }
        return f.byte1(0).untyped();
    }

    private PgProtocolException failure(byte[] input) {
        try {
            feed(ch, input);
        } catch (PgProtocolException e) {
            return e;
        }
        throw new AssertionError("no failure for " + Arrays.toString(input));
    }

    /** After a failure, valid input decodes to nothing. */
    private void assertDeadAfter(PgProtocolException e, String sqlState, String messagePart) {
        assertThat(e.sqlState()).isEqualTo(sqlState);
        assertThat(e.getMessage()).contains(messagePart);
        PgFrameDecoder decoder = ch.pipeline().get(PgFrameDecoder.class);
        assertThat(decoder.failed()).isTrue();
        feed(ch, startup("user", "alice"));
        feed(ch, Frames.body().cString("SELECT 1").typed('Q'));
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void startupMessage_decodesParametersInOrder() {
        feed(ch, startup("user", "alice", "database", "shop", "application_name", "psql", "_pq_.opt", "x"));
        StartupMessage m = ch.readInbound();
        assertThat(m.version()).isEqualTo(StartupPacket.PROTOCOL_3_0);
        assertThat(m.parameters()).containsExactly(Map.entry("user", "alice"), Map.entry("database", "shop"),
                Map.entry("application_name", "psql"), Map.entry("_pq_.opt", "x"));
        assertThat(m.user()).isEqualTo("alice");
        assertThat(m.database()).isEqualTo("shop");
        assertThat(m.protocolOptions()).containsExactly(Map.entry("_pq_.opt", "x"));
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void startupMessage_withoutDatabase_usesTheUserAsDatabase() {
        feed(ch, startup("user", "alice"));
        assertThat(((StartupMessage) ch.readInbound()).database()).isEqualTo("alice");
        feed(ch, Frames.body().cString("SELECT 1").typed('Q'));
        PgMessage q = ch.readInbound();
        assertThat(q.type()).isEqualTo('Q');
        q.release();
    }

    @Test
    void startupMessage_withEmptyDatabase_usesTheUserAsDatabase() {
        StartupMessage m = StartupMessage.of(Map.of("user", "bob", "database", ""));
        assertThat(m.database()).isEqualTo("bob");
    }

    @Test
    void startupMessage_byteByByte_decodesOnce() {
        feedByteByByte(ch, startup("user", "alice", "client_encoding", "UTF8"));
        StartupMessage m = ch.readInbound();
        assertThat(m.parameters()).containsExactly(Map.entry("user", "alice"), Map.entry("client_encoding", "UTF8"));
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void startupMessage_3_2_decodesWithItsVersion_forTheCallerToNegotiate() {
        feed(ch, startup((3 << 16) | 2, "user", "alice", "_pq_.new", "on"));
        StartupMessage m = ch.readInbound();
        assertThat(m.majorVersion()).isEqualTo(3);
        assertThat(m.minorVersion()).isEqualTo(2);
        assertThat(m.protocolOptions()).containsKey("_pq_.new");
        // typed messages follow, as after 3.0
        feed(ch, Frames.body().typed('S'));
        PgMessage sync = ch.readInbound();
        assertThat(sync.type()).isEqualTo('S');
        sync.release();
    }

    @Test
    void sslRequest_thenStartupMessage_decodesBoth() {
        feed(ch, ssl());
        assertThat((Object) ch.readInbound()).isEqualTo(SslRequest.INSTANCE);
        feed(ch, startup("user", "alice"));
        assertThat(((StartupMessage) ch.readInbound()).user()).isEqualTo("alice");
    }

    @Test
    void gssEncRequest_thenSslRequest_thenStartup_decodeInTurn() {
        feedByteByByte(ch, Frames.body().int32(StartupPacket.GSSENC_REQUEST_CODE).untyped());
        assertThat((Object) ch.readInbound()).isEqualTo(GssEncRequest.INSTANCE);
        feed(ch, ssl());
        assertThat((Object) ch.readInbound()).isEqualTo(SslRequest.INSTANCE);
        feed(ch, startup("user", "alice"));
        assertThat((Object) ch.readInbound()).isInstanceOf(StartupMessage.class);
    }

    @Test
    void sslRequest_withBytesBehindItInTheSameRead_fails() {
        // CVE-2021-23214: bytes sent before the answer could be injected and later taken as encrypted.
        PgProtocolException e = failure(concat(ssl(), startup("user", "alice")));
        assertThat((Object) ch.readInbound()).isNull();
        assertDeadAfter(e, "08P01", "received unencrypted data after SSLRequest");
    }

    @Test
    void gssEncRequest_withBytesBehindIt_fails() {
        PgProtocolException e = failure(concat(Frames.body().int32(StartupPacket.GSSENC_REQUEST_CODE).untyped(), new byte[] {0}));
        assertDeadAfter(e, "08P01", "received unencrypted data after GSSENCRequest");
    }

    @Test
    void sslRequest_twice_fails() {
        feed(ch, ssl());
        assertThat((Object) ch.readInbound()).isEqualTo(SslRequest.INSTANCE);
        assertDeadAfter(failure(ssl()), "08P01", "SSLRequest sent twice");
    }

    @Test
    void sslRequest_withABody_fails() {
        PgProtocolException e = failure(Frames.body().int32(StartupPacket.SSL_REQUEST_CODE).int32(0).untyped());
        assertDeadAfter(e, "08P01", "invalid length of SSLRequest: 12 (expected: 8)");
    }

    @Test
    void cancelRequest_withA4ByteKey_decodes() {
        feed(ch, Frames.body().int32(StartupPacket.CANCEL_REQUEST_CODE).int32(4242).bytes(1, 2, 3, 4).untyped());
        CancelRequest c = ch.readInbound();
        assertThat(c).isEqualTo(new CancelRequest(4242, new byte[] {1, 2, 3, 4}));
        assertThat(c.toString()).doesNotContain("1, 2");
    }

    @Test
    void cancelRequest_withA256ByteKey_decodes() {
        byte[] key = new byte[256];
        Arrays.fill(key, (byte) 7);
        feedByteByByte(ch, Frames.body().int32(StartupPacket.CANCEL_REQUEST_CODE).int32(1).bytes(key).untyped());
        CancelRequest c = ch.readInbound();
        assertThat(c.pid()).isEqualTo(1);
        assertThat(c.key()).isEqualTo(key);
    }

    @Test
    void cancelRequest_withA3ByteKey_fails() {
        PgProtocolException e = failure(Frames.body().int32(StartupPacket.CANCEL_REQUEST_CODE).int32(1).bytes(1, 2, 3).untyped());
        assertDeadAfter(e, "08P01", "invalid length of CancelRequest: 15 (expected: 16..268)");
    }

    @Test
    void cancelRequest_withA257ByteKey_fails() {
        PgProtocolException e = failure(Frames.body().int32(StartupPacket.CANCEL_REQUEST_CODE).int32(1).bytes(new byte[257]).untyped());
        assertDeadAfter(e, "08P01", "invalid length of CancelRequest: 269");
    }

    @Test
    void cancelRequest_followedByMore_fails() {
        feed(ch, Frames.body().int32(StartupPacket.CANCEL_REQUEST_CODE).int32(1).bytes(1, 2, 3, 4).untyped());
        assertThat((Object) ch.readInbound()).isInstanceOf(CancelRequest.class);
        assertDeadAfter(failure(new byte[] {0}), "08P01", "data after a CancelRequest");
    }

    @Test
    void startupPacket_shorterThan8_fails() {
        assertDeadAfter(failure(new byte[] {0, 0, 0, 7, 0, 3, 0}), "08P01", "invalid length of startup packet: 7 (expected: >= 8)");
    }

    @Test
    void startupPacket_over10000Bytes_failsAsSoonAsItsLengthArrives() {
        assertDeadAfter(failure(Frames.int32Bytes(10_001)), "54000", "startup packet is 10001 bytes long (expected: <= 10000)");
    }

    @Test
    void startupPacket_of10000Bytes_decodes() {
        String value = "v".repeat(10_000 - 8 - "user".length() - 1 - 1 - 1);
        byte[] packet = startup("user", value);
        assertThat(packet).hasSize(10_000);
        feed(ch, packet);
        assertThat(((StartupMessage) ch.readInbound()).user()).isEqualTo(value);
    }

    @Test
    void protocol2_fails() {
        assertDeadAfter(failure(startup(2 << 16, "user", "alice")), "08P01", "unsupported frontend protocol 2.0 (expected: 3.x)");
    }

    @Test
    void anUnknownSpecialCode_fails() {
        assertDeadAfter(failure(Frames.body().int32((1234 << 16) | 5681).untyped()), "08P01", "unsupported frontend protocol 1234.5681");
    }

    @Test
    void startupMessage_withoutUser_failsAs28000() {
        assertDeadAfter(failure(startup("database", "shop")), "28000", "no PostgreSQL user name specified in startup packet");
    }

    @Test
    void startupMessage_withoutTheFinalTerminator_fails() {
        byte[] packet = Frames.body().int32(StartupPacket.PROTOCOL_3_0).cString("user").cString("alice").untyped();
        assertDeadAfter(failure(packet), "08P01", "malformed StartupMessage message: the parameter list does not end with an empty name");
    }

    @Test
    void startupMessage_withAnUnterminatedValue_fails() {
        byte[] packet = Frames.body().int32(StartupPacket.PROTOCOL_3_0).cString("user").bytes('a', 'l').untyped();
        assertDeadAfter(failure(packet), "08P01", "the value of \"user\" is not NUL-terminated");
    }

    @Test
    void startupMessage_withAnUnterminatedName_fails() {
        byte[] packet = Frames.body().int32(StartupPacket.PROTOCOL_3_0).cString("user").cString("a").bytes('d', 'b').untyped();
        assertDeadAfter(failure(packet), "08P01", "a parameter name is not NUL-terminated");
    }

    @Test
    void startupMessage_withBytesAfterTheTerminator_fails() {
        byte[] packet = Frames.body().int32(StartupPacket.PROTOCOL_3_0).cString("user").cString("a").byte1(0).byte1('x').untyped();
        assertDeadAfter(failure(packet), "08P01", "bytes after the parameter list's terminator");
    }

    @Test
    void startupMessage_withNoParametersAtAll_fails() {
        assertDeadAfter(failure(Frames.body().int32(StartupPacket.PROTOCOL_3_0).untyped()), "08P01",
                "the parameter list does not end with an empty name");
    }

    @Test
    void startupMessage_withANameTwice_fails() {
        assertDeadAfter(failure(startup("user", "alice", "user", "root")), "08P01", "parameter \"user\" given twice");
    }

    @Test
    void startupMessage_withAnOddName_fails() {
        assertDeadAfter(failure(startup("user", "alice", "bad\u0001name", "x")), "08P01",
                "parameter name \"bad\\x01name\" (expected: ASCII letters, digits, '_', '.', '$')");
    }

    @Test
    void startupMessage_withInvalidUtf8_fails() {
        byte[] packet = Frames.body().int32(StartupPacket.PROTOCOL_3_0).cString("user").bytes((byte) 0xc3, (byte) 0x28, (byte) 0).byte1(0).untyped();
        assertDeadAfter(failure(packet), "08P01", "the value of \"user\" is not valid UTF-8");
    }

    @Test
    void startupDone_switchesToTypedMessages() {
        ch.pipeline().get(PgFrameDecoder.class).startupDone();
        feed(ch, Frames.body().cString("SELECT 1").typed('Q'));
        PgMessage q = ch.readInbound();
        assertThat(PgReaders.readQuery(q)).isEqualTo("SELECT 1");
        q.release();
    }

    @Test
    void startupMessage_record_refusesBadInput() {
        Map<String, String> noUser = new LinkedHashMap<>();
        noUser.put("database", "x");
        assertThatThrownBy(() -> StartupMessage.of(noUser)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameters: no user (expected: a non-empty user)");
        assertThatThrownBy(() -> new StartupMessage(2 << 16, Map.of("user", "a"))).hasMessage("version: 2.0 (expected: 3.x)");
        assertThatThrownBy(() -> StartupMessage.of(Map.of("user", "a\0b"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CancelRequest(1, new byte[3])).hasMessage("key: 3 bytes (expected: 4..256 bytes)");
    }
}
