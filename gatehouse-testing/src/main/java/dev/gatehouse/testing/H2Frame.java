package dev.gatehouse.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/2 frame as it crossed the wire (RFC 9113 section 4.1): type, flags, stream id and the
 * payload octets, padding included. Also holds the protocol's numbers (frame types, flags, error
 * codes, settings ids) that tests need to build and check frames.
 *
 * @param type the frame type
 * @param flags the flags octet
 * @param streamId the stream identifier (reserved bit cleared)
 * @param payload the payload, never null
 */
public record H2Frame(int type, int flags, int streamId, byte[] payload) {

    /** Frame types (RFC 9113 section 6). */
    public static final int DATA = 0x0, HEADERS = 0x1, PRIORITY = 0x2, RST_STREAM = 0x3, SETTINGS = 0x4,
            PUSH_PROMISE = 0x5, PING = 0x6, GOAWAY = 0x7, WINDOW_UPDATE = 0x8, CONTINUATION = 0x9;

    /** Flags; {@code ACK} and {@code END_STREAM} share a bit on different frame types. */
    public static final int END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY_FLAG = 0x20;

    /** Error codes (RFC 9113 section 7). */
    public static final long NO_ERROR = 0x0, PROTOCOL_ERROR = 0x1, INTERNAL_ERROR = 0x2, FLOW_CONTROL_ERROR = 0x3,
            SETTINGS_TIMEOUT = 0x4, STREAM_CLOSED = 0x5, FRAME_SIZE_ERROR = 0x6, REFUSED_STREAM = 0x7, CANCEL = 0x8,
            COMPRESSION_ERROR = 0x9, CONNECT_ERROR = 0xa, ENHANCE_YOUR_CALM = 0xb, INADEQUATE_SECURITY = 0xc,
            HTTP_1_1_REQUIRED = 0xd;

    /** Settings identifiers (RFC 9113 section 6.5.2). */
    public static final int SETTINGS_HEADER_TABLE_SIZE = 0x1, SETTINGS_ENABLE_PUSH = 0x2,
            SETTINGS_MAX_CONCURRENT_STREAMS = 0x3, SETTINGS_INITIAL_WINDOW_SIZE = 0x4, SETTINGS_MAX_FRAME_SIZE = 0x5,
            SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

    /** The frame header's length. */
    public static final int HEADER_LENGTH = 9;

    private static final String[] TYPE_NAMES = {"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS",
        "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"};
    private static final String[] ERROR_NAMES = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
        "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};

    /** Checks the fields; the payload is kept as given. */
    public H2Frame {
        if (payload == null) {
            throw new IllegalArgumentException("payload: null (expected: octets, possibly none)");
        }
    }

    /**
     * Encodes a frame with any header values, for valid and invalid frames alike.
     *
     * @param type the type octet
     * @param flags the flags octet
     * @param streamId the stream id, written as 31 bits plus the reserved bit from bit 31 of the int
     * @param payload the payload; its length goes in the 24-bit length field
     * @return header and payload
     */
    public static byte[] encode(int type, int flags, int streamId, byte[] payload) {
        return encode(payload.length, type, flags, streamId, payload);
    }

    /**
     * Encodes a frame whose length field may disagree with its payload, for frames that lie.
     *
     * @param length the 24-bit length field
     * @param type the type octet
     * @param flags the flags octet
     * @param streamId the stream id field
     * @param payload the octets that follow the header
     * @return header and payload
     */
    public static byte[] encode(int length, int type, int flags, int streamId, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + payload.length);
        b.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
        b.put((byte) type).put((byte) flags).putInt(streamId).put(payload);
        return b.array();
    }

    /** True when the flag bit is set. */
    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /** The error code of a RST_STREAM or GOAWAY frame. */
    public long errorCode() {
        return switch (type) {
            case RST_STREAM -> Integer.toUnsignedLong(ByteBuffer.wrap(payload).getInt(0));
            case GOAWAY -> Integer.toUnsignedLong(ByteBuffer.wrap(payload).getInt(4));
            default -> throw new IllegalStateException(this + " has no error code");
        };
    }

    /** The last stream id of a GOAWAY frame. */
    public int lastStreamId() {
        if (type != GOAWAY) {
            throw new IllegalStateException(this + " is not a GOAWAY");
        }
        return ByteBuffer.wrap(payload).getInt(0) & 0x7fffffff;
    }

    /** The debug data of a GOAWAY frame, as text. */
    public String debugData() {
        if (type != GOAWAY) {
            throw new IllegalStateException(this + " is not a GOAWAY");
        }
        return new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
    }

    /** The window size increment of a WINDOW_UPDATE frame. */
    public int windowIncrement() {
        return ByteBuffer.wrap(payload).getInt(0) & 0x7fffffff;
    }

    /** The name of an error code, such as {@code PROTOCOL_ERROR}, or its hex value. */
    public static String errorName(long code) {
        return code >= 0 && code < ERROR_NAMES.length ? ERROR_NAMES[(int) code] : "0x" + Long.toHexString(code);
    }

    /** The name of a frame type, such as {@code GOAWAY}, or its hex value. */
    public static String typeName(int type) {
        return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "0x" + Integer.toHexString(type);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(typeName(type)).append("[stream ").append(streamId)
                .append(", flags 0x").append(Integer.toHexString(flags)).append(", ").append(payload.length)
                .append(" octets");
        if (type == RST_STREAM && payload.length >= 4 || type == GOAWAY && payload.length >= 8) {
            s.append(", ").append(errorName(errorCode()));
        }
        if (type == GOAWAY && payload.length >= 8) {
            s.append(", last stream ").append(lastStreamId());
            if (payload.length > 8) {
                s.append(", \"").append(debugData()).append('"');
            }
        }
        return s.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof H2Frame f && f.type == type && f.flags == flags && f.streamId == streamId
                && java.util.Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return ((type * 31 + flags) * 31 + streamId) * 31 + java.util.Arrays.hashCode(payload);
    }
}
