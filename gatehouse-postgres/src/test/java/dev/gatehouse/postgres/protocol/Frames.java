package dev.gatehouse.postgres.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;

/**
 * Builds raw protocol bytes for the tests, field by field, so that a test can say exactly what
 * goes on the wire (including what {@link PgMessages} would never write), and feeds them to an
 * {@link EmbeddedChannel} in buffers from the tracked default allocator (paranoid leak detection
 * sees every one).
 */
final class Frames {

    private final ByteBuf body = Unpooled.buffer();

    static Frames body() {
        return new Frames();
    }

    Frames cString(String s) {
        body.writeBytes(s.getBytes(StandardCharsets.UTF_8)).writeByte(0);
        return this;
    }

    Frames int32(int v) {
        body.writeInt(v);
        return this;
    }

    Frames int16(int v) {
        body.writeShort(v);
        return this;
    }

    Frames byte1(int v) {
        body.writeByte(v);
        return this;
    }

    Frames bytes(byte[] b) {
        body.writeBytes(b);
        return this;
    }

    /** Each value as one byte (its low 8 bits). */
    Frames bytes(int... values) {
        for (int v : values) {
            body.writeByte(v);
        }
        return this;
    }

    /** A typed message: the type byte, the length (body + 4), the body. */
    byte[] typed(char type) {
        byte[] b = ByteBufUtil.getBytes(body);
        return concat(new byte[] {(byte) type}, int32Bytes(b.length + 4), b);
    }

    /** An untyped startup-phase packet: the length (body + 4), the body (the code first). */
    byte[] untyped() {
        byte[] b = ByteBufUtil.getBytes(body);
        return concat(int32Bytes(b.length + 4), b);
    }

    static byte[] int32Bytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] concat(byte[]... parts) {
        ByteBuf all = Unpooled.buffer();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return ByteBufUtil.getBytes(all);
    }

    /** The bytes in a buffer of the default (tracked) allocator. */
    static ByteBuf tracked(byte[] bytes) {
        return ByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes);
    }

    /** Copies a buffer's readable bytes and releases it (the writers' output, in tests). */
    static byte[] drain(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Writes the bytes to the channel's inbound side in one buffer. */
    static void feed(EmbeddedChannel ch, byte[] bytes) {
        ch.writeInbound(tracked(bytes));
    }

    /** Writes the bytes to the channel's inbound side one byte per buffer. */
    static void feedByteByByte(EmbeddedChannel ch, byte[] bytes) {
        for (byte b : bytes) {
            ch.writeInbound(tracked(new byte[] {b}));
        }
    }

    private Frames() {
    }
}
