package dev.gatehouse.postgres.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the messages the front door sends itself: to clients (authentication, errors, session
 * parameters, ReadyForQuery) and to servers (startup, password and SASL messages, Query, Sync,
 * Terminate, CancelRequest). Each method returns a new buffer from the allocator holding one
 * whole message; the caller owns it (writing it to a channel hands it over).
 *
 * <p>Every argument is checked, and every string encoded as UTF-8, before the buffer is
 * allocated: a bad argument throws {@link IllegalArgumentException} and leaves nothing to release.
 */
public final class PgMessages {

    private static final byte[] EMPTY = new byte[0];

    private PgMessages() {
    }

    // ---- backend messages: what the front door sends to clients

    /** An ErrorResponse with these fields. */
    public static ByteBuf errorResponse(ByteBufAllocator alloc, ErrorFields fields) {
        return fields(alloc, PgMessageTypes.ERROR_RESPONSE, fields);
    }

    /** A NoticeResponse with these fields. */
    public static ByteBuf noticeResponse(ByteBufAllocator alloc, ErrorFields fields) {
        return fields(alloc, PgMessageTypes.NOTICE_RESPONSE, fields);
    }

    /** AuthenticationOk. */
    public static ByteBuf authenticationOk(ByteBufAllocator alloc) {
        return authentication(alloc, AuthenticationRequest.OK, EMPTY);
    }

    /** AuthenticationCleartextPassword. */
    public static ByteBuf authenticationCleartextPassword(ByteBufAllocator alloc) {
        return authentication(alloc, AuthenticationRequest.CLEARTEXT_PASSWORD, EMPTY);
    }

    /**
     * AuthenticationMD5Password.
     *
     * @param salt the 4-byte salt
     */
    public static ByteBuf authenticationMd5Password(ByteBufAllocator alloc, byte[] salt) {
        if (salt.length != 4) {
            throw new IllegalArgumentException("salt: " + salt.length + " bytes (expected: 4)");
        }
        return authentication(alloc, AuthenticationRequest.MD5_PASSWORD, salt);
    }

    /**
     * AuthenticationSASL.
     *
     * @param mechanisms the mechanisms offered, in order of preference; at least one
     */
    public static ByteBuf authenticationSasl(ByteBufAllocator alloc, List<String> mechanisms) {
        if (mechanisms.isEmpty()) {
            throw new IllegalArgumentException("mechanisms: [] (expected: at least one)");
        }
        List<byte[]> names = new ArrayList<>();
        int length = 1;
        for (String m : mechanisms) {
            if (m.isEmpty()) {
                throw new IllegalArgumentException("mechanisms: an empty name (expected: names)");
            }
            byte[] name = cString(m, "mechanisms");
            names.add(name);
            length += name.length;
        }
        byte[] data = new byte[length];
        int at = 0;
        for (byte[] name : names) {
            System.arraycopy(name, 0, data, at, name.length);
            at += name.length;
        }
        return authentication(alloc, AuthenticationRequest.SASL, data);
    }

    /** AuthenticationSASLContinue with the mechanism's challenge. */
    public static ByteBuf authenticationSaslContinue(ByteBufAllocator alloc, byte[] data) {
        return authentication(alloc, AuthenticationRequest.SASL_CONTINUE, data);
    }

    /** AuthenticationSASLFinal with the mechanism's outcome data. */
    public static ByteBuf authenticationSaslFinal(ByteBufAllocator alloc, byte[] data) {
        return authentication(alloc, AuthenticationRequest.SASL_FINAL, data);
    }

    /** ParameterStatus: a run-time parameter's current value. */
    public static ByteBuf parameterStatus(ByteBufAllocator alloc, String name, String value) {
        byte[] n = cString(name, "name");
        byte[] v = cString(value, "value");
        return begin(alloc, PgMessageTypes.PARAMETER_STATUS, n.length + v.length).writeBytes(n).writeBytes(v);
    }

    /** BackendKeyData: the process id and secret key for a later CancelRequest. */
    public static ByteBuf backendKeyData(ByteBufAllocator alloc, BackendKeyData key) {
        byte[] k = key.key();
        return begin(alloc, PgMessageTypes.BACKEND_KEY_DATA, 4 + k.length).writeInt(key.pid()).writeBytes(k);
    }

    /** ReadyForQuery with the session's transaction status. */
    public static ByteBuf readyForQuery(ByteBufAllocator alloc, TransactionStatus status) {
        return begin(alloc, PgMessageTypes.READY_FOR_QUERY, 1).writeByte(status.code());
    }

    /** NegotiateProtocolVersion: the newest minor version spoken and the protocol options not recognized. */
    public static ByteBuf negotiateProtocolVersion(ByteBufAllocator alloc, NegotiateProtocolVersion answer) {
        List<byte[]> options = new ArrayList<>();
        int length = 8;
        for (String o : answer.unrecognizedOptions()) {
            byte[] option = cString(o, "unrecognizedOptions");
            options.add(option);
            length += option.length;
        }
        ByteBuf buf = begin(alloc, PgMessageTypes.NEGOTIATE_PROTOCOL_VERSION, length)
                .writeInt(StartupPacket.PROTOCOL_3_0 | answer.newestMinorVersion()).writeInt(options.size());
        options.forEach(buf::writeBytes);
        return buf;
    }

    // ---- frontend messages: what the front door sends to servers

    /** A StartupMessage (untyped): version code, then the parameters in order, then the terminator. */
    public static ByteBuf startupMessage(ByteBufAllocator alloc, StartupMessage startup) {
        List<byte[]> parts = new ArrayList<>();
        int length = 8 + 1;
        for (Map.Entry<String, String> p : startup.parameters().entrySet()) {
            byte[] name = cString(p.getKey(), "parameters");
            byte[] value = cString(p.getValue(), "parameters");
            parts.add(name);
            parts.add(value);
            length += name.length + value.length;
        }
        if (length > PgFrameDecoder.MAX_STARTUP_PACKET_SIZE) {
            throw new IllegalArgumentException("startup: " + length + " bytes (expected: <= " + PgFrameDecoder.MAX_STARTUP_PACKET_SIZE + ")");
        }
        ByteBuf buf = alloc.buffer(length).writeInt(length).writeInt(startup.version());
        parts.forEach(buf::writeBytes);
        return buf.writeByte(0);
    }

    /** An SSLRequest (untyped). */
    public static ByteBuf sslRequest(ByteBufAllocator alloc) {
        return alloc.buffer(8).writeInt(8).writeInt(StartupPacket.SSL_REQUEST_CODE);
    }

    /** A CancelRequest (untyped), sent on a connection of its own. */
    public static ByteBuf cancelRequest(ByteBufAllocator alloc, CancelRequest cancel) {
        byte[] key = cancel.key();
        return alloc.buffer(12 + key.length).writeInt(12 + key.length).writeInt(StartupPacket.CANCEL_REQUEST_CODE)
                .writeInt(cancel.pid()).writeBytes(key);
    }

    /** A PasswordMessage: the cleartext password, or {@code md5} and the hex hash. */
    public static ByteBuf passwordMessage(ByteBufAllocator alloc, String password) {
        byte[] p = cString(password, "password");
        return begin(alloc, PgMessageTypes.PASSWORD, p.length).writeBytes(p);
    }

    /**
     * A SASLInitialResponse.
     *
     * @param mechanism the mechanism chosen
     * @param data the initial response, or null for none
     */
    public static ByteBuf saslInitialResponse(ByteBufAllocator alloc, String mechanism, byte[] data) {
        byte[] m = cString(mechanism, "mechanism");
        int dataLength = data == null ? 0 : data.length;
        ByteBuf buf = begin(alloc, PgMessageTypes.PASSWORD, m.length + 4 + dataLength).writeBytes(m);
        return data == null ? buf.writeInt(-1) : buf.writeInt(data.length).writeBytes(data);
    }

    /** A SASLResponse: the mechanism's next message. */
    public static ByteBuf saslResponse(ByteBufAllocator alloc, byte[] data) {
        return begin(alloc, PgMessageTypes.PASSWORD, data.length).writeBytes(data);
    }

    /** A Query (simple query protocol). */
    public static ByteBuf query(ByteBufAllocator alloc, String sql) {
        byte[] q = cString(sql, "sql");
        return begin(alloc, PgMessageTypes.QUERY, q.length).writeBytes(q);
    }

    /**
     * A Bind of the unnamed portal to the unnamed statement, every parameter in text, results
     * asked for in text.
     *
     * @param values the parameters' values, none null
     */
    public static ByteBuf bindText(ByteBufAllocator alloc, List<String> values) {
        List<byte[]> encoded = new ArrayList<>(values.size());
        int length = 1 + 1 + 2 + 2 + 2;   // the two empty names, no format codes, the count, no result formats
        for (String v : values) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            encoded.add(b);
            length += 4 + b.length;
        }
        ByteBuf buf = begin(alloc, PgMessageTypes.BIND, length).writeByte(0).writeByte(0).writeShort(0)
                .writeShort(values.size());
        for (byte[] b : encoded) {
            buf.writeInt(b.length).writeBytes(b);
        }
        return buf.writeShort(0);
    }

    /** An Execute of the unnamed portal, every row. */
    public static ByteBuf executeUnnamed(ByteBufAllocator alloc) {
        return begin(alloc, PgMessageTypes.EXECUTE, 5).writeByte(0).writeInt(0);
    }

    /** A Sync. */
    public static ByteBuf sync(ByteBufAllocator alloc) {
        return begin(alloc, PgMessageTypes.SYNC, 0);
    }

    /** A Terminate. */
    public static ByteBuf terminate(ByteBufAllocator alloc) {
        return begin(alloc, PgMessageTypes.TERMINATE, 0);
    }

    // ---- helpers

    private static ByteBuf fields(ByteBufAllocator alloc, char type, ErrorFields fields) {
        List<byte[]> values = new ArrayList<>();
        int length = 1;
        for (String value : fields.fields().values()) {
            byte[] v = cString(value, "fields");
            values.add(v);
            length += 1 + v.length;
        }
        ByteBuf buf = begin(alloc, type, length);
        int i = 0;
        for (Character code : fields.fields().keySet()) {
            buf.writeByte(code).writeBytes(values.get(i++));
        }
        return buf.writeByte(0);
    }

    private static ByteBuf authentication(ByteBufAllocator alloc, int code, byte[] data) {
        return begin(alloc, PgMessageTypes.AUTHENTICATION, 4 + data.length).writeInt(code).writeBytes(data);
    }

    /** A buffer with the type byte and the length of a payload of this many bytes, to append the payload to. */
    private static ByteBuf begin(ByteBufAllocator alloc, char type, int payloadLength) {
        return alloc.buffer(PgMessage.HEADER_LENGTH + payloadLength).writeByte(type).writeInt(4 + payloadLength);
    }

    /** The string in UTF-8 with its NUL terminator; a NUL inside is refused (it would end the string early). */
    private static byte[] cString(String s, String what) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + ": a string with a NUL (expected: none)");
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] c = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, c, 0, utf8.length);
        return c;
    }
}
