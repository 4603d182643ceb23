package dev.gatehouse.postgres.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One typed message as it came off the wire: its whole frame (type byte, int32 length, payload)
 * in a buffer of its own reference, so that a proxy forwards it untouched and without a copy.
 *
 * <p>Reference-counted: whoever receives one releases it, or passes it on (e.g. writes
 * {@link #frame()} to the other side, which hands the reference to the write). {@link #payload()}
 * is a view into the same buffer, valid while the message is.
 *
 * <p>A decoded message is a slice of the buffer its bytes were read into, so it keeps that whole
 * buffer alive: whoever holds messages for long (a queue during a hold) should hold
 * {@link #copy()}s, not the decoded messages.
 */
public final class PgMessage extends DefaultByteBufHolder {

    /** Type byte plus the int32 length. */
    static final int HEADER_LENGTH = 5;

    /**
     * Wraps a whole frame; takes over the caller's reference to it.
     *
     * @param frame the type byte, the length and exactly the payload the length promises
     * @throws IllegalArgumentException when the frame's length field does not match its bytes (the
     *     caller keeps its reference then)
     */
    public PgMessage(ByteBuf frame) {
        super(frame);
        int readable = frame.readableBytes();
        if (readable < HEADER_LENGTH || frame.getInt(frame.readerIndex() + 1) != readable - 1) {
            throw new IllegalArgumentException("frame: " + readable + " bytes (expected: type, int32 length, length - 4 bytes)");
        }
    }

    /** The type byte, e.g. {@code 'Q'}. */
    public char type() {
        return (char) content().getUnsignedByte(content().readerIndex());
    }

    /** The whole frame as received: type byte, length and payload. */
    public ByteBuf frame() {
        return content();
    }

    /** The payload (the bytes after the length field), as a view of the frame: no copy, no reference of its own. */
    public ByteBuf payload() {
        ByteBuf frame = content();
        return frame.slice(frame.readerIndex() + HEADER_LENGTH, frame.readableBytes() - HEADER_LENGTH);
    }

    /** The payload's length in bytes. */
    public int payloadLength() {
        return content().readableBytes() - HEADER_LENGTH;
    }

    @Override
    public PgMessage replace(ByteBuf content) {
        return new PgMessage(content);
    }

    @Override
    public PgMessage copy() {
        return (PgMessage) super.copy();
    }

    @Override
    public PgMessage duplicate() {
        return (PgMessage) super.duplicate();
    }

    @Override
    public PgMessage retainedDuplicate() {
        return (PgMessage) super.retainedDuplicate();
    }

    @Override
    public PgMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public PgMessage retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public PgMessage touch() {
        super.touch();
        return this;
    }

    @Override
    public PgMessage touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return refCnt() > 0 ? "PgMessage(" + PgMessageTypes.describe(type()) + ", " + payloadLength() + " bytes)" : "PgMessage(released)";
    }
}
