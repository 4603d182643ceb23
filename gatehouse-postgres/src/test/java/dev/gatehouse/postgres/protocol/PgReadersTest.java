package dev.gatehouse.postgres.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.testing.LeakGuardExtension;
import io.netty.buffer.ByteBufUtil;
import java.util.function.Function;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The readers on the client messages PgMessages does not write (Parse, Bind, Close, Describe,
 * Execute), and on malformed payloads of every kind: each a 08P01 PgProtocolException naming the
 * message and the field.
 */
@ExtendWith(LeakGuardExtension.class)
final class PgReadersTest {

    /** Wraps a frame in a PgMessage (from the tracked allocator), reads it, releases it. */
    private static <T> T read(byte[] frame, Function<PgMessage, T> reader) {
        PgMessage m = new PgMessage(Frames.tracked(frame));
        try {
            return reader.apply(m);
        } finally {
            m.release();
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertMalformed(byte[] frame, Function<PgMessage, ?> reader) {
        return assertThatThrownBy(() -> read(frame, reader)).isInstanceOfSatisfying(PgProtocolException.class,
                e -> assertThat(e.sqlState()).isEqualTo("08P01"));
    }

    @Test
    void parse_readsNameQueryAndTypes() {
        byte[] frame = Frames.body().cString("s1").cString("SELECT $1, $2").int16(2).int32(23).int32(25).typed('P');
        assertThat(read(frame, PgReaders::readParse)).isEqualTo(new Parse("s1", "SELECT $1, $2", new int[] {23, 25}));
        Parse unnamed = read(Frames.body().cString("").cString("SELECT 1").int16(0).typed('P'), PgReaders::readParse);
        assertThat(unnamed.unnamed()).isTrue();
    }

    @Test
    void parse_withMissingTypes_isMalformed() {
        assertMalformed(Frames.body().cString("s1").cString("SELECT $1").int16(2).int32(23).typed('P'), PgReaders::readParse)
                .hasMessage("malformed Parse message: the parameter types needs 8 bytes, 4 left");
    }

    @Test
    void bind_readsPortalAndStatement_andChecksTheRest() {
        byte[] frame = Frames.body().cString("p1").cString("s1")
                .int16(1).int16(0)                                    // one format for all parameters: text
                .int16(2).int32(1).bytes('7').int32(-1)               // two values: "7" and NULL
                .int16(1).int16(1)                                    // results in binary
                .typed('B');
        assertThat(read(frame, PgReaders::readBind)).isEqualTo(new Bind("p1", "s1"));
        assertThat(read(Frames.body().cString("").cString("").int16(0).int16(0).int16(0).typed('B'), PgReaders::readBind))
                .isEqualTo(new Bind("", ""));
    }

    @Test
    void bind_withMismatchedFormatCount_isMalformed() {
        byte[] frame = Frames.body().cString("").cString("").int16(2).int16(0).int16(0).int16(3)
                .int32(-1).int32(-1).int32(-1).int16(0).typed('B');
        assertMalformed(frame, PgReaders::readBind).hasMessage("malformed Bind message: 2 parameter formats for 3 parameters (expected: 0, 1 or 3)");
    }

    @Test
    void bind_withABadFormatCode_isMalformed() {
        assertMalformed(Frames.body().cString("").cString("").int16(1).int16(2).int16(0).int16(0).typed('B'), PgReaders::readBind)
                .hasMessage("malformed Bind message: parameter format 2 (expected: 0 or 1)");
    }

    @Test
    void bind_withAValueLongerThanTheMessage_isMalformed() {
        assertMalformed(Frames.body().cString("").cString("").int16(0).int16(1).int32(100).bytes(1, 2).int16(0).typed('B'), PgReaders::readBind)
                .hasMessage("malformed Bind message: parameter 1 needs 100 bytes, 4 left");
    }

    @Test
    void bind_withANegativeValueLength_isMalformed() {
        assertMalformed(Frames.body().cString("").cString("").int16(0).int16(1).int32(-2).int16(0).typed('B'), PgReaders::readBind)
                .hasMessage("malformed Bind message: parameter 1 has length -2 (expected: -1 or >= 0)");
    }

    @Test
    void bind_withoutResultFormats_isMalformed() {
        assertMalformed(Frames.body().cString("").cString("").int16(0).int16(0).typed('B'), PgReaders::readBind)
                .hasMessage("malformed Bind message: the result format count needs 2 bytes, 0 left");
    }

    @Test
    void closeAndDescribe_readKindAndName() {
        assertThat(read(Frames.body().byte1('S').cString("s1").typed('C'), PgReaders::readClose))
                .isEqualTo(new PortalOrStatement(PortalOrStatement.Kind.STATEMENT, "s1"));
        assertThat(read(Frames.body().byte1('P').cString("").typed('D'), PgReaders::readDescribe))
                .isEqualTo(new PortalOrStatement(PortalOrStatement.Kind.PORTAL, ""));
    }

    @Test
    void close_withAnUnknownKind_isMalformed() {
        assertMalformed(Frames.body().byte1('X').cString("s1").typed('C'), PgReaders::readClose)
                .hasMessage("malformed Close message: kind 'X' (0x58) (expected: 'S' or 'P')");
    }

    @Test
    void execute_readsPortalAndMaxRows() {
        assertThat(read(Frames.body().cString("p1").int32(50).typed('E'), PgReaders::readExecute)).isEqualTo(new Execute("p1", 50));
    }

    @Test
    void execute_withTrailingBytes_isMalformed() {
        assertMalformed(Frames.body().cString("p1").int32(0).byte1(0).typed('E'), PgReaders::readExecute)
                .hasMessage("malformed Execute message: 1 bytes after its last field");
    }

    @Test
    void query_withoutTerminator_isMalformed() {
        assertMalformed(Frames.body().bytes('S', 'E', 'L').typed('Q'), PgReaders::readQuery)
                .hasMessage("malformed Query message: the query is not NUL-terminated");
    }

    @Test
    void query_withInvalidUtf8_isMalformed() {
        assertMalformed(Frames.body().bytes((byte) 0xff, 0).typed('Q'), PgReaders::readQuery)
                .hasMessage("malformed Query message: the query is not valid UTF-8");
    }

    @Test
    void querySql_isTheTextsBytes_undecoded_andFramedAsReadQueryWantsIt() {
        byte[] text = read(Frames.body().bytes('S', 'E', 'L', (byte) 0xe9, 0).typed('Q'),
                m -> ByteBufUtil.getBytes(PgReaders.querySql(m)));
        assertThat(text).containsExactly('S', 'E', 'L', 0xe9);
        assertMalformed(Frames.body().bytes('S', 'E', 'L').typed('Q'), PgReaders::querySql)
                .hasMessage("malformed Query message: the query is not NUL-terminated");
        assertMalformed(Frames.body().bytes('S', 0, 'X', 0).typed('Q'), PgReaders::querySql)
                .hasMessage("malformed Query message: 2 bytes after its last field");
    }

    @Test
    void password_withTwoStrings_isMalformed() {
        assertMalformed(Frames.body().cString("a").cString("b").typed('p'), PgReaders::readPassword)
                .hasMessage("malformed PasswordMessage message: 2 bytes after its last field");
    }

    @Test
    void saslInitialResponse_withAWrongLength_isMalformed() {
        assertMalformed(Frames.body().cString("SCRAM-SHA-256").int32(10).bytes(1, 2).typed('p'), PgReaders::readSaslInitialResponse)
                .hasMessage("malformed SASLInitialResponse message: the initial response needs 10 bytes, 2 left");
        assertMalformed(Frames.body().cString("SCRAM-SHA-256").int32(-2).typed('p'), PgReaders::readSaslInitialResponse)
                .hasMessage("malformed SASLInitialResponse message: the initial response has length -2 (expected: >= 0)");
        assertMalformed(Frames.body().cString("").int32(-1).typed('p'), PgReaders::readSaslInitialResponse)
                .hasMessage("malformed SASLInitialResponse message: an empty mechanism name");
    }

    @Test
    void readyForQuery_withAnUnknownStatus_isMalformed() {
        assertMalformed(Frames.body().byte1('X').typed('Z'), PgReaders::readReadyForQuery)
                .hasMessage("malformed ReadyForQuery message: transaction status 'X' (0x58) (expected: 'I', 'T' or 'E')");
        assertMalformed(Frames.body().typed('Z'), PgReaders::readReadyForQuery)
                .hasMessage("malformed ReadyForQuery message: the transaction status needs 1 bytes, 0 left");
    }

    @Test
    void errorResponse_withoutTerminator_isMalformed() {
        assertMalformed(Frames.body().byte1('S').cString("ERROR").typed('E'), PgReaders::readErrorFields)
                .hasMessage("malformed ErrorResponse message: a field code needs 1 bytes, 0 left");
    }

    @Test
    void authentication_withWrongData_isMalformed() {
        assertMalformed(Frames.body().int32(5).bytes(1, 2, 3).typed('R'), PgReaders::readAuthentication)
                .hasMessage("malformed Authentication message: request 5 with 3 bytes of data (expected: 4)");
        assertMalformed(Frames.body().int32(0).byte1(0).typed('R'), PgReaders::readAuthentication)
                .hasMessage("malformed Authentication message: request 0 with 1 bytes of data (expected: 0)");
        assertMalformed(Frames.body().int32(10).byte1(0).typed('R'), PgReaders::readAuthentication)
                .hasMessage("malformed AuthenticationSASL message: no mechanism offered");
        assertMalformed(Frames.body().int32(10).cString("SCRAM-SHA-256").typed('R'), PgReaders::readAuthentication)
                .hasMessage("malformed AuthenticationSASL message: a mechanism name is not NUL-terminated");
    }

    @Test
    void authentication_withAnUnknownCode_isPassedOn() {
        AuthenticationRequest gss = read(Frames.body().int32(7).typed('R'), PgReaders::readAuthentication);
        assertThat(gss.code()).isEqualTo(7);
    }

    @Test
    void backendKeyData_withAShortKey_isMalformed() {
        assertMalformed(Frames.body().int32(1).bytes(1, 2, 3).typed('K'), PgReaders::readBackendKeyData)
                .hasMessage("malformed BackendKeyData message: the secret key is 3 bytes (expected: 4..256)");
    }

    @Test
    void parameterStatus_withoutValue_isMalformed() {
        assertMalformed(Frames.body().cString("TimeZone").typed('S'), PgReaders::readParameterStatus)
                .hasMessage("malformed ParameterStatus message: the value is not NUL-terminated");
    }

    @Test
    void negotiateProtocolVersion_withMissingOptions_isMalformed() {
        assertMalformed(Frames.body().int32(3 << 16).int32(2).cString("_pq_.a").typed('v'), PgReaders::readNegotiateProtocolVersion)
                .hasMessage("malformed NegotiateProtocolVersion message: option 1 is not NUL-terminated");
    }

    @Test
    void aReaderForAnotherType_refusesTheMessage() {
        assertThatThrownBy(() -> read(Frames.body().cString("x").typed('Q'), PgReaders::readParse))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("message: PgMessage('Q' (0x51), 2 bytes) (expected: Parse)");
    }

    @Test
    void dataRow_readsTextAndNulls() {
        byte[] frame = Frames.body().int16(3).int32(5).bytes('a', 'l', 'i', 'c', 'e').int32(-1).int32(0).typed('D');
        assertThat(read(frame, PgReaders::readDataRow)).containsExactly("alice", null, "");
    }

    @Test
    void dataRow_thatLiesAboutItsLengths_isMalformed() {
        assertMalformed(Frames.body().int16(1).int32(10).bytes('a').typed('D'), PgReaders::readDataRow)
                .hasMessage("malformed DataRow message: a column's value needs 10 bytes, 1 left");
        assertMalformed(Frames.body().int16(2).int32(1).bytes('a').typed('D'), PgReaders::readDataRow)
                .hasMessage("malformed DataRow message: a column's length needs 4 bytes, 0 left");
        assertMalformed(Frames.body().int16(1).int32(-2).typed('D'), PgReaders::readDataRow)
                .hasMessage("malformed DataRow message: a column's length -2 (expected: -1 for NULL, or 0 or more)");
        assertMalformed(Frames.body().int16(0).bytes('x').typed('D'), PgReaders::readDataRow)
                .hasMessage("malformed DataRow message: 1 bytes after its last field");
        assertMalformed(Frames.body().int16(1).int32(1).bytes((char) 0xff).typed('D'), PgReaders::readDataRow)
                .hasMessage("malformed DataRow message: a column's value is not valid UTF-8");
    }
}
