package dev.gatehouse.postgres.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.testing.LeakGuardExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every message PgMessages writes, decoded by PgFrameDecoder and read back by PgReaders. */
@ExtendWith(LeakGuardExtension.class)
final class PgMessagesTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    /** Decodes one written message as a server's, reads it, checks nothing else came, releases everything. */
    private static <T> T fromServer(ByteBuf written, Function<PgMessage, T> reader) {
        return decodeOne(new EmbeddedChannel(PgFrameDecoder.forServer()), written, reader);
    }

    /** Decodes one written typed message as a client's (after its startup), reads it. */
    private static <T> T fromClient(ByteBuf written, Function<PgMessage, T> reader) {
        PgFrameDecoder decoder = PgFrameDecoder.forClient();
        decoder.startupDone();
        return decodeOne(new EmbeddedChannel(decoder), written, reader);
    }

    private static <T> T decodeOne(EmbeddedChannel ch, ByteBuf written, Function<PgMessage, T> reader) {
        try {
            ch.writeInbound(written);
            PgMessage m = ch.readInbound();
            assertThat((Object) ch.readInbound()).isNull();
            try {
                return reader.apply(m);
            } finally {
                m.release();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** Decodes one untyped packet a client writes in its startup phase. */
    private static StartupPacket startupPacket(ByteBuf written) {
        EmbeddedChannel ch = new EmbeddedChannel(PgFrameDecoder.forClient());
        try {
            ch.writeInbound(written);
            return ch.readInbound();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void errorResponse_roundTrips() {
        ErrorFields sent = ErrorFields.of(ErrorFields.FATAL, "08P01", "invalid frontend message type 120")
                .withDetail("détail").withHint("reconnect");
        ErrorFields read = fromServer(PgMessages.errorResponse(ALLOC, sent), m -> {
            assertThat(m.type()).isEqualTo('E');
            return PgReaders.readErrorFields(m);
        });
        assertThat(read).isEqualTo(sent);
        assertThat(read.fields().keySet()).containsExactly('S', 'V', 'C', 'M', 'D', 'H');
        assertThat(read.severity()).isEqualTo("FATAL");
        assertThat(read.sqlState()).isEqualTo("08P01");
        assertThat(read.message()).isEqualTo("invalid frontend message type 120");
        assertThat(read.detail()).isEqualTo("détail");
        assertThat(read.hint()).isEqualTo("reconnect");
    }

    @Test
    void noticeResponse_roundTrips() {
        ErrorFields sent = ErrorFields.of("WARNING", "01000", "the server is being held");
        ErrorFields read = fromServer(PgMessages.noticeResponse(ALLOC, sent), m -> {
            assertThat(m.type()).isEqualTo('N');
            return PgReaders.readErrorFields(m);
        });
        assertThat(read).isEqualTo(sent);
    }

    @Test
    void errorFields_fromAProtocolException() {
        ErrorFields f = ErrorFields.of(new PgProtocolException("54000", "too long"));
        assertThat(f.severity()).isEqualTo("FATAL");
        assertThat(f.sqlState()).isEqualTo("54000");
        assertThat(f.message()).isEqualTo("too long");
        assertThat(f.detail()).isNull();
    }

    @Test
    void authenticationOk_roundTrips() {
        AuthenticationRequest r = fromServer(PgMessages.authenticationOk(ALLOC), PgReaders::readAuthentication);
        assertThat(r).isEqualTo(new AuthenticationRequest(AuthenticationRequest.OK, new byte[0]));
    }

    @Test
    void authenticationCleartextPassword_roundTrips() {
        AuthenticationRequest r = fromServer(PgMessages.authenticationCleartextPassword(ALLOC), PgReaders::readAuthentication);
        assertThat(r.code()).isEqualTo(AuthenticationRequest.CLEARTEXT_PASSWORD);
        assertThat(r.data()).isEmpty();
    }

    @Test
    void authenticationMd5Password_roundTrips() {
        AuthenticationRequest r = fromServer(PgMessages.authenticationMd5Password(ALLOC, new byte[] {9, 8, 7, 6}),
                PgReaders::readAuthentication);
        assertThat(r.code()).isEqualTo(AuthenticationRequest.MD5_PASSWORD);
        assertThat(r.md5Salt()).containsExactly(9, 8, 7, 6);
    }

    @Test
    void authenticationSasl_roundTrips() {
        AuthenticationRequest r = fromServer(PgMessages.authenticationSasl(ALLOC, List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")),
                PgReaders::readAuthentication);
        assertThat(r.code()).isEqualTo(AuthenticationRequest.SASL);
        assertThat(r.saslMechanisms()).containsExactly("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256");
        assertThatThrownBy(r::md5Salt).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void authenticationSaslContinueAndFinal_roundTrip() {
        byte[] challenge = "r=abc,s=c2FsdA==,i=4096".getBytes(StandardCharsets.US_ASCII);
        AuthenticationRequest c = fromServer(PgMessages.authenticationSaslContinue(ALLOC, challenge), PgReaders::readAuthentication);
        assertThat(c).isEqualTo(new AuthenticationRequest(AuthenticationRequest.SASL_CONTINUE, challenge));
        byte[] outcome = "v=c2lnbmF0dXJl".getBytes(StandardCharsets.US_ASCII);
        AuthenticationRequest f = fromServer(PgMessages.authenticationSaslFinal(ALLOC, outcome), PgReaders::readAuthentication);
        assertThat(f).isEqualTo(new AuthenticationRequest(AuthenticationRequest.SASL_FINAL, outcome));
    }

    @Test
    void parameterStatus_roundTrips() {
        assertThat(fromServer(PgMessages.parameterStatus(ALLOC, "application_name", "prix ☃"), PgReaders::readParameterStatus))
                .isEqualTo(new ParameterStatus("application_name", "prix ☃"));
    }

    @Test
    void backendKeyData_roundTrips_with3_0And3_2Keys() {
        BackendKeyData short4 = new BackendKeyData(31337, new byte[] {1, 2, 3, 4});
        assertThat(fromServer(PgMessages.backendKeyData(ALLOC, short4), PgReaders::readBackendKeyData)).isEqualTo(short4);
        byte[] key = new byte[32];
        key[31] = 5;
        BackendKeyData long32 = new BackendKeyData(7, key);
        BackendKeyData read = fromServer(PgMessages.backendKeyData(ALLOC, long32), PgReaders::readBackendKeyData);
        assertThat(read).isEqualTo(long32);
        assertThat(read.cancelRequest()).isEqualTo(new CancelRequest(7, key));
    }

    @ParameterizedTest
    @EnumSource(TransactionStatus.class)
    void readyForQuery_roundTrips(TransactionStatus status) {
        assertThat(fromServer(PgMessages.readyForQuery(ALLOC, status), PgReaders::readReadyForQuery)).isEqualTo(status);
    }

    @Test
    void negotiateProtocolVersion_roundTrips() {
        NegotiateProtocolVersion sent = new NegotiateProtocolVersion(0, List.of("_pq_.a", "_pq_.b"));
        assertThat(fromServer(PgMessages.negotiateProtocolVersion(ALLOC, sent), PgReaders::readNegotiateProtocolVersion)).isEqualTo(sent);
        NegotiateProtocolVersion none = new NegotiateProtocolVersion(0, List.of());
        assertThat(fromServer(PgMessages.negotiateProtocolVersion(ALLOC, none), PgReaders::readNegotiateProtocolVersion)).isEqualTo(none);
    }

    @Test
    void startupMessage_roundTrips() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", "alice");
        p.put("database", "shop");
        p.put("application_name", "gatehouse");
        p.put("client_encoding", "UTF8");
        StartupMessage sent = StartupMessage.of(p);
        assertThat(startupPacket(PgMessages.startupMessage(ALLOC, sent))).isEqualTo(sent);
    }

    @Test
    void sslRequest_roundTrips() {
        assertThat(startupPacket(PgMessages.sslRequest(ALLOC))).isEqualTo(SslRequest.INSTANCE);
    }

    @Test
    void cancelRequest_roundTrips() {
        CancelRequest sent = new CancelRequest(99, new byte[] {4, 3, 2, 1, 0});
        assertThat(startupPacket(PgMessages.cancelRequest(ALLOC, sent))).isEqualTo(sent);
    }

    @Test
    void passwordMessage_roundTrips() {
        assertThat(fromClient(PgMessages.passwordMessage(ALLOC, "md5abcdef"), PgReaders::readPassword)).isEqualTo("md5abcdef");
    }

    @Test
    void saslInitialResponse_roundTrips_withAndWithoutData() {
        byte[] first = "n,,n=,r=nonce".getBytes(StandardCharsets.US_ASCII);
        assertThat(fromClient(PgMessages.saslInitialResponse(ALLOC, "SCRAM-SHA-256", first), PgReaders::readSaslInitialResponse))
                .isEqualTo(new SaslInitialResponse("SCRAM-SHA-256", first));
        SaslInitialResponse none = fromClient(PgMessages.saslInitialResponse(ALLOC, "SCRAM-SHA-256", null), PgReaders::readSaslInitialResponse);
        assertThat(none.data()).isNull();
        assertThat(none.mechanism()).isEqualTo("SCRAM-SHA-256");
    }

    @Test
    void bindText_roundTrips_asAnUnnamedPortalOfTheUnnamedStatement() {
        assertThat(fromClient(PgMessages.bindText(ALLOC, List.of("al'ice", "\u00e9")), PgReaders::readBind))
                .isEqualTo(new Bind("", ""));
        ByteBuf written = PgMessages.bindText(ALLOC, List.of("x\u00e9"));
        try {
            // B, length, "" "", no parameter formats (text), 1 value of 3 bytes, no result formats (text)
            assertThat(ByteBufUtil.hexDump(written)).isEqualTo("42" + "00000013" + "00" + "00" + "0000" + "0001"
                    + "00000003" + "78c3a9" + "0000");
        } finally {
            written.release();
        }
    }

    @Test
    void executeUnnamed_roundTrips() {
        assertThat(fromClient(PgMessages.executeUnnamed(ALLOC), PgReaders::readExecute)).isEqualTo(new Execute("", 0));
    }

    @Test
    void saslResponse_roundTrips() {
        byte[] last = "c=biws,r=nonce,p=proof".getBytes(StandardCharsets.US_ASCII);
        assertThat(fromClient(PgMessages.saslResponse(ALLOC, last), PgReaders::readSaslResponse)).isEqualTo(last);
    }

    @Test
    void query_roundTrips() {
        assertThat(fromClient(PgMessages.query(ALLOC, "SELECT 'ü'"), PgReaders::readQuery)).isEqualTo("SELECT 'ü'");
    }

    @Test
    void syncAndTerminate_roundTrip() {
        String sync = fromClient(PgMessages.sync(ALLOC), m -> m.type() + ":" + m.payloadLength());
        String terminate = fromClient(PgMessages.terminate(ALLOC), m -> m.type() + ":" + m.payloadLength());
        assertThat(sync).isEqualTo("S:0");
        assertThat(terminate).isEqualTo("X:0");
    }

    @Test
    void writtenBytes_areExactlyTheProtocols() {
        assertThat(Frames.drain(PgMessages.readyForQuery(ALLOC, TransactionStatus.IDLE))).containsExactly('Z', 0, 0, 0, 5, 'I');
        assertThat(Frames.drain(PgMessages.authenticationOk(ALLOC))).containsExactly('R', 0, 0, 0, 8, 0, 0, 0, 0);
        assertThat(Frames.drain(PgMessages.sslRequest(ALLOC))).containsExactly(0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f);
        assertThat(ByteBufUtil.hexDump(Frames.drain(PgMessages.startupMessage(ALLOC, StartupMessage.of(Map.of("user", "u"))))))
                .isEqualTo("00000010" + "00030000" + "7573657200" + "7500" + "00");
    }

    @Test
    void writers_refuseBadArgumentsBeforeAllocating() {
        assertThatThrownBy(() -> PgMessages.query(ALLOC, "SELECT 1\0; DROP")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sql: a string with a NUL (expected: none)");
        assertThatThrownBy(() -> PgMessages.authenticationMd5Password(ALLOC, new byte[3])).hasMessage("salt: 3 bytes (expected: 4)");
        assertThatThrownBy(() -> PgMessages.authenticationSasl(ALLOC, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PgMessages.parameterStatus(ALLOC, "a\0", "b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PgMessages.startupMessage(ALLOC, StartupMessage.of(Map.of("user", "u".repeat(10_000)))))
                .hasMessageContaining("(expected: <= 10000)");
        assertThatThrownBy(() -> ErrorFields.of("ERROR", "XX000", "a\0b")).isInstanceOf(IllegalArgumentException.class);
    }
}
