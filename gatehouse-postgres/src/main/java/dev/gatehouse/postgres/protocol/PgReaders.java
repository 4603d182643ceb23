package dev.gatehouse.postgres.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the messages the front door must look into, strictly: every field must be there, strings
 * NUL-terminated UTF-8, counts consistent, and nothing may follow the last field. A malformed
 * payload is a {@link PgProtocolException} (08P01); a message of the wrong type for the reader is
 * the caller's mistake, an {@link IllegalArgumentException}.
 *
 * <p>A reader leaves the message as it was (it reads through a view) and does not release it.
 * A client's {@code 'p'} message means what the authentication exchange expects at that point,
 * so the caller picks {@link #readPassword}, {@link #readSaslInitialResponse} or
 * {@link #readSaslResponse}.
 */
public final class PgReaders {

    private PgReaders() {
    }

    // ---- from servers

    /** The fields of an ErrorResponse or a NoticeResponse. */
    public static ErrorFields readErrorFields(PgMessage m) {
        String name = m.type() == PgMessageTypes.NOTICE_RESPONSE ? "NoticeResponse" : "ErrorResponse";
        PayloadCursor in = cursor(m, name, PgMessageTypes.ERROR_RESPONSE, PgMessageTypes.NOTICE_RESPONSE);
        Map<Character, String> fields = new LinkedHashMap<>();
        while (true) {
            int code = in.byte1("a field code");
            if (code == 0) {
                break;
            }
            fields.put((char) code, in.cString("field " + PgMessageTypes.describe(code)));
        }
        in.end();
        return new ErrorFields(fields);
    }

    /** The transaction status of a ReadyForQuery. */
    public static TransactionStatus readReadyForQuery(PgMessage m) {
        if (m.type() == PgMessageTypes.READY_FOR_QUERY && m.payloadLength() == 1) {
            // The well-formed case, once per transaction or more: no cursor made for one byte.
            ByteBuf frame = m.frame();
            return TransactionStatus.of(frame.getUnsignedByte(frame.readerIndex() + PgMessage.HEADER_LENGTH));
        }
        PayloadCursor in = cursor(m, "ReadyForQuery", PgMessageTypes.READY_FOR_QUERY);
        TransactionStatus status = TransactionStatus.of(in.byte1("the transaction status"));
        in.end();
        return status;
    }

    /** A ParameterStatus's name and value. */
    public static ParameterStatus readParameterStatus(PgMessage m) {
        PayloadCursor in = cursor(m, "ParameterStatus", PgMessageTypes.PARAMETER_STATUS);
        ParameterStatus status = new ParameterStatus(in.cString("the name"), in.cString("the value"));
        in.end();
        return status;
    }

    /**
     * A DataRow's columns as UTF-8 text, a NULL as null (the caller asked for text results).
     * Strict: every length must fit what is left of the payload.
     */
    public static List<String> readDataRow(PgMessage m) {
        PayloadCursor in = cursor(m, "DataRow", PgMessageTypes.DATA_ROW);
        int count = in.uint16("the column count");
        List<String> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = in.int32("a column's length");
            if (length == -1) {
                columns.add(null);
            } else if (length < 0) {
                throw in.malformed("a column's length " + length + " (expected: -1 for NULL, or 0 or more)");
            } else {
                columns.add(in.text(length, "a column's value"));
            }
        }
        in.end();
        return columns;
    }

    /** A BackendKeyData's process id and secret key (4 to 256 bytes). */
    public static BackendKeyData readBackendKeyData(PgMessage m) {
        PayloadCursor in = cursor(m, "BackendKeyData", PgMessageTypes.BACKEND_KEY_DATA);
        int pid = in.int32("the process id");
        byte[] key = in.rest();
        if (key.length < CancelRequest.MIN_KEY_LENGTH || key.length > CancelRequest.MAX_KEY_LENGTH) {
            throw in.malformed("the secret key is " + key.length + " bytes (expected: "
                    + CancelRequest.MIN_KEY_LENGTH + ".." + CancelRequest.MAX_KEY_LENGTH + ")");
        }
        return new BackendKeyData(pid, key);
    }

    /** An Authentication message's code and data, the data checked for the codes the front door knows. */
    public static AuthenticationRequest readAuthentication(PgMessage m) {
        PayloadCursor in = cursor(m, "Authentication", PgMessageTypes.AUTHENTICATION);
        int code = in.int32("the request code");
        byte[] data = in.rest();
        switch (code) {
            case AuthenticationRequest.OK, AuthenticationRequest.CLEARTEXT_PASSWORD -> expectLength(in, code, data, 0);
            case AuthenticationRequest.MD5_PASSWORD -> expectLength(in, code, data, 4);
            case AuthenticationRequest.SASL -> AuthenticationRequest.mechanisms(data);
            default -> {
                // SASL data is the mechanism's to check; other codes (GSSAPI, SSPI) the caller refuses.
            }
        }
        return new AuthenticationRequest(code, data);
    }

    /** A NegotiateProtocolVersion's newest minor version and unrecognized options. */
    public static NegotiateProtocolVersion readNegotiateProtocolVersion(PgMessage m) {
        PayloadCursor in = cursor(m, "NegotiateProtocolVersion", PgMessageTypes.NEGOTIATE_PROTOCOL_VERSION);
        int version = in.int32("the version");
        if (version >>> 16 != 3) {
            throw in.malformed("version " + (version >>> 16) + "." + (version & 0xffff) + " (expected: 3.x)");
        }
        int count = in.int32("the option count");
        if (count < 0) {
            throw in.malformed("option count " + count + " (expected: >= 0)");
        }
        List<String> options = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            options.add(in.cString("option " + i));
        }
        in.end();
        return new NegotiateProtocolVersion(version & 0xffff, options);
    }

    // ---- from clients

    /** A PasswordMessage's password (cleartext, or {@code md5} and the hex hash). */
    public static String readPassword(PgMessage m) {
        PayloadCursor in = cursor(m, "PasswordMessage", PgMessageTypes.PASSWORD);
        String password = in.cString("the password");
        in.end();
        return password;
    }

    /** A SASLInitialResponse's mechanism and initial response (null when its length is -1). */
    public static SaslInitialResponse readSaslInitialResponse(PgMessage m) {
        PayloadCursor in = cursor(m, "SASLInitialResponse", PgMessageTypes.PASSWORD);
        String mechanism = in.cString("the mechanism");
        if (mechanism.isEmpty()) {
            throw in.malformed("an empty mechanism name");
        }
        int length = in.int32("the response length");
        byte[] data = length == -1 ? null : in.bytes(length, "the initial response");
        in.end();
        return new SaslInitialResponse(mechanism, data);
    }

    /** A SASLResponse's data: the whole payload. */
    public static byte[] readSaslResponse(PgMessage m) {
        return cursor(m, "SASLResponse", PgMessageTypes.PASSWORD).rest();
    }

    /** A Query's text. */
    public static String readQuery(PgMessage m) {
        PayloadCursor in = cursor(m, "Query", PgMessageTypes.QUERY);
        String sql = in.cString("the query");
        in.end();
        return sql;
    }

    /**
     * A Query's text as bytes, a view into the message (valid while it is, no reference of its
     * own), checked as {@link #readQuery} checks the frame (one NUL, at the end) but not decoded:
     * most queries are only scanned, and the server checks their encoding itself, in the
     * client's {@code client_encoding}.
     */
    public static ByteBuf querySql(PgMessage m) {
        if (m.type() != PgMessageTypes.QUERY) {
            throw new IllegalArgumentException("message: " + m + " (expected: Query)");
        }
        ByteBuf payload = m.payload();
        int length = payload.bytesBefore((byte) 0);
        if (length < 0) {
            throw PgProtocolException.violation("malformed Query message: the query is not NUL-terminated");
        }
        if (length != payload.readableBytes() - 1) {
            throw PgProtocolException.violation("malformed Query message: "
                    + (payload.readableBytes() - 1 - length) + " bytes after its last field");
        }
        return payload.slice(payload.readerIndex(), length);
    }

    /** A Parse's statement name, query and parameter type OIDs. */
    public static Parse readParse(PgMessage m) {
        PayloadCursor in = cursor(m, "Parse", PgMessageTypes.PARSE);
        String statement = in.cString("the statement name");
        String query = in.cString("the query");
        int[] types = new int[in.uint16("the parameter type count")];
        in.need(4 * types.length, "the parameter types");
        for (int i = 0; i < types.length; i++) {
            types[i] = in.int32("parameter type " + (i + 1));
        }
        in.end();
        return new Parse(statement, query, types);
    }

    /** A Bind's portal and statement names; the formats and values after them are checked, not kept. */
    public static Bind readBind(PgMessage m) {
        PayloadCursor in = cursor(m, "Bind", PgMessageTypes.BIND);
        Bind bind = new Bind(in.cString("the portal name"), in.cString("the statement name"));
        int formats = formatCodes(in, "parameter");
        int values = in.uint16("the parameter count");
        if (formats > 1 && formats != values) {
            throw in.malformed(formats + " parameter formats for " + values + " parameters (expected: 0, 1 or " + values + ")");
        }
        for (int i = 0; i < values; i++) {
            int length = in.int32("the length of parameter " + (i + 1));
            if (length != -1) {
                if (length < 0) {
                    throw in.malformed("parameter " + (i + 1) + " has length " + length + " (expected: -1 or >= 0)");
                }
                in.skip(length, "parameter " + (i + 1));
            }
        }
        formatCodes(in, "result");
        in.end();
        return bind;
    }

    /** What a Close closes. */
    public static PortalOrStatement readClose(PgMessage m) {
        return portalOrStatement(cursor(m, "Close", PgMessageTypes.CLOSE));
    }

    /** What a Describe describes. */
    public static PortalOrStatement readDescribe(PgMessage m) {
        return portalOrStatement(cursor(m, "Describe", PgMessageTypes.DESCRIBE));
    }

    /** An Execute's portal and row limit. */
    public static Execute readExecute(PgMessage m) {
        PayloadCursor in = cursor(m, "Execute", PgMessageTypes.EXECUTE);
        Execute execute = new Execute(in.cString("the portal name"), in.int32("the row limit"));
        in.end();
        return execute;
    }

    // ---- helpers

    private static PortalOrStatement portalOrStatement(PayloadCursor in) {
        int kind = in.byte1("the kind");
        PortalOrStatement.Kind k = switch (kind) {
            case 'S' -> PortalOrStatement.Kind.STATEMENT;
            case 'P' -> PortalOrStatement.Kind.PORTAL;
            default -> throw in.malformed("kind " + PgMessageTypes.describe(kind) + " (expected: 'S' or 'P')");
        };
        PortalOrStatement target = new PortalOrStatement(k, in.cString("the name"));
        in.end();
        return target;
    }

    /** Reads a count and that many format codes, each 0 (text) or 1 (binary); returns the count. */
    private static int formatCodes(PayloadCursor in, String what) {
        int count = in.uint16("the " + what + " format count");
        for (int i = 0; i < count; i++) {
            int format = in.int16("a " + what + " format");
            if (format != 0 && format != 1) {
                throw in.malformed(what + " format " + format + " (expected: 0 or 1)");
            }
        }
        return count;
    }

    private static void expectLength(PayloadCursor in, int code, byte[] data, int length) {
        if (data.length != length) {
            throw in.malformed("request " + code + " with " + data.length + " bytes of data (expected: " + length + ")");
        }
    }

    private static PayloadCursor cursor(PgMessage m, String name, char... types) {
        for (char t : types) {
            if (m.type() == t) {
                return new PayloadCursor(m.payload(), name);
            }
        }
        throw new IllegalArgumentException("message: " + m + " (expected: " + name + ")");
    }
}
