package dev.gatehouse.postgres.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict reading of one message's payload: every read checks that the bytes are there, strings
 * must be NUL-terminated and valid UTF-8, and {@link #end()} checks nothing is left over. Any
 * shortfall is a {@link PgProtocolException} (08P01) naming the message and the field.
 *
 * <p>Reads from its own indexes (a slice), so the message it reads stays as it was.
 */
final class PayloadCursor {

    private final ByteBuf in;
    private final String message;

    /**
     * @param payload the payload; read through a slice of its readable bytes
     * @param message the message's name, for errors: {@code "Bind"}
     */
    PayloadCursor(ByteBuf payload, String message) {
        this.in = payload.slice();
        this.message = message;
    }

    /** Reads a NUL-terminated UTF-8 string. */
    String cString(String field) {
        int length = in.bytesBefore((byte) 0);
        if (length < 0) {
            throw malformed(field + " is not NUL-terminated");
        }
        String s = utf8(in, in.readerIndex(), length, field);
        in.skipBytes(length + 1);
        return s;
    }

    int int32(String field) {
        need(4, field);
        return in.readInt();
    }

    int int16(String field) {
        need(2, field);
        return in.readShort();
    }

    /** Reads an unsigned 16-bit count, as PostgreSQL reads its counts. */
    int uint16(String field) {
        need(2, field);
        return in.readUnsignedShort();
    }

    int byte1(String field) {
        need(1, field);
        return in.readUnsignedByte();
    }

    byte[] bytes(int length, String field) {
        if (length < 0) {
            throw malformed(field + " has length " + length + " (expected: >= 0)");
        }
        need(length, field);
        byte[] b = new byte[length];
        in.readBytes(b);
        return b;
    }

    /** Reads {@code length} bytes of UTF-8 text (not NUL-terminated). */
    String text(int length, String field) {
        need(length, field);
        String s = utf8(in, in.readerIndex(), length, field);
        in.skipBytes(length);
        return s;
    }

    /** Skips a length, checked against what is left. */
    void skip(int length, String field) {
        need(length, field);
        in.skipBytes(length);
    }

    /** Reads everything that is left. */
    byte[] rest() {
        byte[] b = new byte[in.readableBytes()];
        in.readBytes(b);
        return b;
    }

    boolean hasMore() {
        return in.isReadable();
    }

    /** Checks that the payload has been read to its last byte. */
    void end() {
        if (in.isReadable()) {
            throw malformed(in.readableBytes() + " bytes after its last field");
        }
    }

    PgProtocolException malformed(String what) {
        return PgProtocolException.violation("malformed " + message + " message: " + what);
    }

    void need(int length, String field) {
        if (in.readableBytes() < length) {
            throw malformed(field + " needs " + length + " bytes, " + in.readableBytes() + " left");
        }
    }

    private String utf8(ByteBuf buf, int index, int length, String field) {
        try {
            return decode(buf.nioBuffer(index, length));
        } catch (CharacterCodingException e) {
            throw malformed(field + " is not valid UTF-8");
        }
    }

    /** Decodes UTF-8, refusing malformed input rather than replacing it. */
    static String decode(ByteBuffer bytes) throws CharacterCodingException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = decoder.decode(bytes);
        return chars.toString();
    }
}
