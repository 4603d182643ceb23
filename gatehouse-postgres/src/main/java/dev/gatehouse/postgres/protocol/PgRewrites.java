package dev.gatehouse.postgres.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The extended-protocol messages the front door writes in transaction mode: a Parse and a Close
 * of its own, a client's Bind, Describe or Close with the statement's name replaced by the name
 * it has on the server connection, and the ParseComplete and CloseComplete it answers itself.
 * Each method returns a new buffer holding one whole message; the caller owns it. A message
 * given to rename is read, not released.
 */
public final class PgRewrites {

    private PgRewrites() {
    }

    /** ParseComplete. */
    public static ByteBuf parseComplete(ByteBufAllocator alloc) {
        return alloc.buffer(5).writeByte('1').writeInt(4);
    }

    /** CloseComplete. */
    public static ByteBuf closeComplete(ByteBufAllocator alloc) {
        return alloc.buffer(5).writeByte('3').writeInt(4);
    }

    /** A Parse of {@code query} as statement {@code name}, with these parameter types. */
    public static ByteBuf parse(ByteBufAllocator alloc, String name, String query, int[] parameterTypes) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] q = query.getBytes(StandardCharsets.UTF_8);
        int length = 4 + n.length + 1 + q.length + 1 + 2 + 4 * parameterTypes.length;
        ByteBuf buf = alloc.buffer(1 + length).writeByte('P').writeInt(length);
        buf.writeBytes(n).writeByte(0).writeBytes(q).writeByte(0).writeShort(parameterTypes.length);
        for (int type : parameterTypes) {
            buf.writeInt(type);
        }
        return buf;
    }

    /** A Close of the statement {@code name}. */
    public static ByteBuf closeStatement(ByteBufAllocator alloc, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(7 + n.length).writeByte('C').writeInt(4 + 1 + n.length + 1)
                .writeByte('S').writeBytes(n).writeByte(0);
    }

    /** {@code bind} (a Bind) with its statement name replaced by {@code statement}; the rest as it was. */
    public static ByteBuf renameBind(ByteBufAllocator alloc, PgMessage bind, String statement) {
        ByteBuf payload = bind.payload();
        int portalEnd = payload.indexOf(0, payload.capacity(), (byte) 0);
        int statementEnd = payload.indexOf(portalEnd + 1, payload.capacity(), (byte) 0);
        if (portalEnd < 0 || statementEnd < 0) {
            throw new PgProtocolException("08P01", "invalid Bind message: its names are not terminated");
        }
        byte[] s = statement.getBytes(StandardCharsets.UTF_8);
        int restFrom = statementEnd + 1;
        int rest = payload.capacity() - restFrom;
        int length = 4 + portalEnd + 1 + s.length + 1 + rest;
        ByteBuf buf = alloc.buffer(1 + length).writeByte('B').writeInt(length);
        buf.writeBytes(payload, 0, portalEnd + 1).writeBytes(s).writeByte(0).writeBytes(payload, restFrom, rest);
        return buf;
    }

    /** {@code message} (a Describe or a Close of a statement) naming {@code statement} instead. */
    public static ByteBuf renameStatement(ByteBufAllocator alloc, PgMessage message, String statement) {
        byte[] s = statement.getBytes(StandardCharsets.UTF_8);
        int length = 4 + 1 + s.length + 1;
        return alloc.buffer(1 + length).writeByte(message.type()).writeInt(length)
                .writeByte(message.payload().getByte(0)).writeBytes(s).writeByte(0);
    }
}
