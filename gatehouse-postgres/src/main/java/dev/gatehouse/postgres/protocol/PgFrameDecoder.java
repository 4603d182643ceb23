package dev.gatehouse.postgres.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts what one side of a PostgreSQL connection sends into {@link StartupPacket}s and
 * {@link PgMessage}s. One instance per connection and direction, used on its event loop.
 *
 * <p>{@link #forClient()} reads what a client sends: first the startup phase (untyped packets:
 * int32 length including itself, int32 code), where it produces {@link SslRequest},
 * {@link GssEncRequest}, {@link CancelRequest} and {@link StartupMessage}; after a
 * StartupMessage, or {@link #startupDone()}, typed messages (type byte, int32 length including
 * itself, payload). {@link #forServer()} reads what a server sends: typed messages from the first
 * byte.
 *
 * <p>Design notes. Bounds are checked as soon as a length arrives, before its bytes: a typed
 * message over {@code maxMessageSize} (the length field's value) or a startup packet over
 * PostgreSQL's 10,000 bytes fails with 54000; a length below its minimum, a type byte the side may
 * not send, an unknown protocol code or version, a malformed parameter list, or bytes sent behind
 * an SSLRequest or GSSENCRequest before its answer (a man in the middle could have injected them,
 * CVE-2021-23214) fail with 08P01. A failure reaches {@code exceptionCaught} as a
 * {@link PgProtocolException} once; from then on every byte is dropped undecoded, since the
 * stream's framing can no longer be trusted. Typed messages are retained slices of the received
 * bytes: no copy.
 */
public final class PgFrameDecoder extends ByteToMessageDecoder {

    /** The default limit on a typed message's length field: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;

    /** The largest startup packet, PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
    public static final int MAX_STARTUP_PACKET_SIZE = 10_000;

    /** The largest message length PostgreSQL itself accepts (MaxAllocSize - 1). */
    public static final int MAX_MESSAGE_SIZE_LIMIT = 0x3fffffff;

    private static final int CANCEL_FIXED_LENGTH = 12;
    private static final int STARTUP_MIN_LENGTH = 8;

    private enum Phase { STARTUP, TYPED, CANCELLED, FAILED }

    private final boolean fromClient;
    private final int maxMessageSize;
    private Phase phase;
    private boolean sslRequested;
    private boolean gssRequested;

    private PgFrameDecoder(boolean fromClient, int maxMessageSize) {
        if (maxMessageSize < 4 || maxMessageSize > MAX_MESSAGE_SIZE_LIMIT) {
            throw new IllegalArgumentException("maxMessageSize: " + maxMessageSize + " (expected: 4.." + MAX_MESSAGE_SIZE_LIMIT + ")");
        }
        this.fromClient = fromClient;
        this.maxMessageSize = maxMessageSize;
        this.phase = fromClient ? Phase.STARTUP : Phase.TYPED;
    }

    /** A decoder for what a client sends, in the startup phase, with the default message limit. */
    public static PgFrameDecoder forClient() {
        return forClient(DEFAULT_MAX_MESSAGE_SIZE);
    }

    /**
     * A decoder for what a client sends, in the startup phase.
     *
     * @param maxMessageSize the largest typed message's length field, 4..{@value #MAX_MESSAGE_SIZE_LIMIT}
     */
    public static PgFrameDecoder forClient(int maxMessageSize) {
        return new PgFrameDecoder(true, maxMessageSize);
    }

    /** A decoder for what a server sends, with the default message limit. */
    public static PgFrameDecoder forServer() {
        return forServer(DEFAULT_MAX_MESSAGE_SIZE);
    }

    /**
     * A decoder for what a server sends: typed messages from the first byte.
     *
     * @param maxMessageSize the largest typed message's length field, 4..{@value #MAX_MESSAGE_SIZE_LIMIT}
     */
    public static PgFrameDecoder forServer(int maxMessageSize) {
        return new PgFrameDecoder(false, maxMessageSize);
    }

    /**
     * Ends the startup phase: from the next byte on, the client's input is typed messages. For a
     * caller that dealt with the startup itself; a decoded StartupMessage does this already. Call
     * on the channel's event loop. Does nothing once the decoder has failed.
     */
    public void startupDone() {
        if (phase == Phase.STARTUP) {
            phase = Phase.TYPED;
        }
    }

    /** Whether the decoder has failed and drops all input. */
    public boolean failed() {
        return phase == Phase.FAILED;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            switch (phase) {
                case STARTUP -> decodeStartup(in, out);
                case TYPED -> decodeTyped(in, out);
                case CANCELLED -> throw PgProtocolException.violation("data after a CancelRequest");
                case FAILED -> in.skipBytes(in.readableBytes());
            }
        } catch (PgProtocolException e) {
            phase = Phase.FAILED;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeTyped(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int type = in.getUnsignedByte(start);
        if (fromClient ? !PgMessageTypes.isFrontend(type) : !PgMessageTypes.isBackend(type)) {
            throw PgProtocolException.violation("invalid " + (fromClient ? "frontend" : "backend") + " message type "
                    + PgMessageTypes.describe(type));
        }
        if (in.readableBytes() < PgMessage.HEADER_LENGTH) {
            return;
        }
        int length = in.getInt(start + 1);
        if (length < 4) {
            throw PgProtocolException.violation("invalid message length " + length + " for message type "
                    + PgMessageTypes.describe(type) + " (expected: >= 4)");
        }
        if (length > maxMessageSize) {
            throw PgProtocolException.tooLarge("message of type " + PgMessageTypes.describe(type) + " is " + length
                    + " bytes long (expected: <= " + maxMessageSize + ")");
        }
        if (in.readableBytes() < 1 + length) {
            return;
        }
        out.add(new PgMessage(in.retainedSlice(start, 1 + length)));
        in.skipBytes(1 + length);
    }

    private void decodeStartup(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getInt(start);
        if (length < STARTUP_MIN_LENGTH) {
            throw PgProtocolException.violation("invalid length of startup packet: " + length + " (expected: >= " + STARTUP_MIN_LENGTH + ")");
        }
        if (length > MAX_STARTUP_PACKET_SIZE) {
            throw PgProtocolException.tooLarge("startup packet is " + length + " bytes long (expected: <= " + MAX_STARTUP_PACKET_SIZE + ")");
        }
        if (in.readableBytes() < length) {
            return;
        }
        int code = in.getInt(start + 4);
        ByteBuf body = in.slice(start + STARTUP_MIN_LENGTH, length - STARTUP_MIN_LENGTH);
        in.skipBytes(length);
        out.add(switch (code) {
            case StartupPacket.SSL_REQUEST_CODE -> sslRequest(length, in);
            case StartupPacket.GSSENC_REQUEST_CODE -> gssEncRequest(length, in);
            case StartupPacket.CANCEL_REQUEST_CODE -> cancelRequest(length, body);
            default -> startupMessage(code, body);
        });
    }

    private SslRequest sslRequest(int length, ByteBuf rest) {
        checkEncryptionRequest("SSLRequest", length, sslRequested, rest);
        sslRequested = true;
        return SslRequest.INSTANCE;
    }

    private GssEncRequest gssEncRequest(int length, ByteBuf rest) {
        checkEncryptionRequest("GSSENCRequest", length, gssRequested, rest);
        gssRequested = true;
        return GssEncRequest.INSTANCE;
    }

    private static void checkEncryptionRequest(String name, int length, boolean again, ByteBuf rest) {
        if (length != STARTUP_MIN_LENGTH) {
            throw PgProtocolException.violation("invalid length of " + name + ": " + length + " (expected: 8)");
        }
        if (again) {
            throw PgProtocolException.violation(name + " sent twice");
        }
        if (rest.isReadable()) {
            // The client must wait for the one-byte answer; bytes already here were sent unencrypted
            // and could be a man in the middle's, meant to be read as if they came over TLS.
            throw PgProtocolException.violation("received unencrypted data after " + name);
        }
    }

    private CancelRequest cancelRequest(int length, ByteBuf body) {
        int keyLength = length - CANCEL_FIXED_LENGTH;
        if (keyLength < CancelRequest.MIN_KEY_LENGTH || keyLength > CancelRequest.MAX_KEY_LENGTH) {
            throw PgProtocolException.violation("invalid length of CancelRequest: " + length + " (expected: "
                    + (CANCEL_FIXED_LENGTH + CancelRequest.MIN_KEY_LENGTH) + ".." + (CANCEL_FIXED_LENGTH + CancelRequest.MAX_KEY_LENGTH) + ")");
        }
        int pid = body.getInt(body.readerIndex());
        byte[] key = new byte[keyLength];
        body.getBytes(body.readerIndex() + 4, key);
        phase = Phase.CANCELLED;
        return new CancelRequest(pid, key);
    }

    private StartupMessage startupMessage(int code, ByteBuf body) {
        int major = code >>> 16;
        if (major != 3) {
            throw PgProtocolException.violation("unsupported frontend protocol " + major + "." + (code & 0xffff) + " (expected: 3.x)");
        }
        StartupMessage startup = StartupParser.parse(code, body);
        phase = Phase.TYPED;
        return startup;
    }
}
