package dev.gatehouse.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A frame-level HTTP/2 client for tests of protocol handling and attacks: it writes exactly the
 * frames a test asks for, valid or not, and records every frame that comes back, decoded
 * (GOAWAY with its error code, RST_STREAM, SETTINGS acks, response headers and bodies).
 *
 * <pre>{@code
 * try (var h2 = RawH2Connection.connect(node.port())) {
 *     h2.headers(1, HpackBlock.get("/").bytes(), true);
 *     assertThat(h2.awaitResponse(1).status()).isEqualTo(200);
 *     h2.frame(H2Frame.PING, 0, 1, new byte[8]);          // a PING on a stream: a connection error
 *     assertThat(h2.awaitGoAway().errorCode()).isEqualTo(H2Frame.PROTOCOL_ERROR);
 * }
 * }</pre>
 *
 * <p>Nothing is checked on the way out: the length field, stream ids, flags, padding and the
 * header block are the test's. Writes are asynchronous and never block the caller, so a flood can
 * be written to a server that stopped reading. By default the client acknowledges the server's
 * SETTINGS and answers its PINGs, like a real client; {@link #pauseReading()} stops reading from
 * the socket altogether, for a client that never reads its acknowledgements. Every wait has a
 * timeout and ends with an {@link AssertionError} listing the frames received, never a hang. Each
 * connection has its own one-thread event loop group, freed by {@link #close()}.
 */
public final class RawH2Connection implements AutoCloseable {

    /** The default wait. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The client connection preface (RFC 9113 section 3.4). */
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Channel channel;
    private final RawH2FrameHandler handler;
    private final Duration timeout;

    private RawH2Connection(EventLoopGroup group, Channel channel, RawH2FrameHandler handler, Duration timeout) {
        this.group = group;
        this.channel = channel;
        this.handler = handler;
        this.timeout = timeout;
    }

    /**
     * Connects to 127.0.0.1 and sends the client preface: the magic octets and an empty SETTINGS.
     *
     * @param port the port
     * @return the connection
     */
    public static RawH2Connection connect(int port) {
        return open(port, 0, true);
    }

    /**
     * Connects to 127.0.0.1 and sends nothing.
     *
     * @param port the port
     * @param receiveBuffer the socket's receive buffer in octets, or 0 for the system's default;
     *        a small one makes a client that stops reading stall the server's writes quickly
     * @return the connection
     */
    public static RawH2Connection open(int port, int receiveBuffer) {
        return open(port, receiveBuffer, false);
    }

    /**
     * Connects to 127.0.0.1, optionally sending the client preface (magic and an empty SETTINGS)
     * as the very first octets, before the client acknowledges anything of the server's.
     *
     * @param port the port
     * @param receiveBuffer the socket's receive buffer in octets, or 0 for the system's default
     * @param preface whether to send the preface
     * @return the connection
     */
    public static RawH2Connection open(int port, int receiveBuffer, boolean preface) {
        byte[] greeting = preface ? concat(PREFACE, H2Frame.encode(H2Frame.SETTINGS, 0, 0, new byte[0])) : new byte[0];
        RawH2FrameHandler handler = new RawH2FrameHandler(greeting);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("h2-raw-client", true),
                NioIoHandler.newFactory());
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) DEFAULT_TIMEOUT.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frames", handler);
                    }
                });
        if (receiveBuffer > 0) {
            b.option(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        ChannelFuture connected = b.connect("127.0.0.1", port).awaitUninterruptibly();
        if (!connected.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            throw new UncheckedIOException(new IOException("connect to 127.0.0.1:" + port + " failed: "
                    + connected.cause(), connected.cause()));
        }
        return new RawH2Connection(group, connected.channel(), handler, DEFAULT_TIMEOUT);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    // ---- writing ----

    /**
     * Writes octets as they are, asynchronously.
     *
     * @param octets anything
     * @return this
     */
    public RawH2Connection send(byte[] octets) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(octets));
        return this;
    }

    /**
     * Writes one frame.
     *
     * @param type the type
     * @param flags the flags
     * @param streamId the stream id
     * @param payload the payload
     * @return this
     */
    public RawH2Connection frame(int type, int flags, int streamId, byte[] payload) {
        return send(H2Frame.encode(type, flags, streamId, payload));
    }

    /**
     * Writes a SETTINGS frame.
     *
     * @param idValuePairs identifier, value, identifier, value...; values are written as 32 bits
     * @return this
     */
    public RawH2Connection settings(long... idValuePairs) {
        if (idValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("idValuePairs: " + idValuePairs.length + " numbers (expected: pairs)");
        }
        ByteBuffer b = ByteBuffer.allocate(idValuePairs.length * 3);
        for (int i = 0; i < idValuePairs.length; i += 2) {
            b.putShort((short) idValuePairs[i]).putInt((int) idValuePairs[i + 1]);
        }
        return frame(H2Frame.SETTINGS, 0, 0, b.array());
    }

    /**
     * Writes a HEADERS frame with END_HEADERS.
     *
     * @param streamId the stream
     * @param block the header block
     * @param endStream whether to set END_STREAM
     * @return this
     */
    public RawH2Connection headers(int streamId, byte[] block, boolean endStream) {
        return frame(H2Frame.HEADERS, H2Frame.END_HEADERS | (endStream ? H2Frame.END_STREAM : 0), streamId, block);
    }

    /**
     * Writes a GET of a path on a new stream, with END_STREAM.
     *
     * @param streamId the stream
     * @param path the {@code :path}
     * @return this
     */
    public RawH2Connection get(int streamId, String path) {
        return headers(streamId, HpackBlock.get(path).bytes(), true);
    }

    /**
     * Writes a CONTINUATION frame.
     *
     * @param streamId the stream
     * @param fragment the header block fragment
     * @param endHeaders whether to set END_HEADERS
     * @return this
     */
    public RawH2Connection continuation(int streamId, byte[] fragment, boolean endHeaders) {
        return frame(H2Frame.CONTINUATION, endHeaders ? H2Frame.END_HEADERS : 0, streamId, fragment);
    }

    /**
     * Writes a DATA frame without padding.
     *
     * @param streamId the stream
     * @param data the data
     * @param endStream whether to set END_STREAM
     * @return this
     */
    public RawH2Connection data(int streamId, byte[] data, boolean endStream) {
        return frame(H2Frame.DATA, endStream ? H2Frame.END_STREAM : 0, streamId, data);
    }

    /**
     * Writes a RST_STREAM frame.
     *
     * @param streamId the stream
     * @param errorCode the error code
     * @return this
     */
    public RawH2Connection rstStream(int streamId, long errorCode) {
        return frame(H2Frame.RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt((int) errorCode).array());
    }

    /**
     * Writes a WINDOW_UPDATE frame.
     *
     * @param streamId the stream, 0 for the connection
     * @param increment the increment, written as 32 bits
     * @return this
     */
    public RawH2Connection windowUpdate(int streamId, long increment) {
        return frame(H2Frame.WINDOW_UPDATE, 0, streamId, ByteBuffer.allocate(4).putInt((int) increment).array());
    }

    /**
     * Writes a PING frame (not an ack).
     *
     * @param opaque eight octets of data, copied from a long
     * @return this
     */
    public RawH2Connection ping(long opaque) {
        return frame(H2Frame.PING, 0, 0, ByteBuffer.allocate(8).putLong(opaque).array());
    }

    /**
     * Whether the connection takes writes without queueing them beyond Netty's high-water mark:
     * false when the server stopped reading.
     *
     * @return the channel's writability
     */
    public boolean isWritable() {
        return channel.isWritable();
    }

    /**
     * Stops reading from the socket: frames the server sends stay in the kernel's buffers, and
     * once those are full the server cannot write to this connection.
     */
    public void pauseReading() {
        channel.eventLoop().submit(() -> channel.config().setAutoRead(false)).awaitUninterruptibly();
    }

    /** Reads from the socket again after {@link #pauseReading()}. */
    public void resumeReading() {
        channel.eventLoop().execute(() -> {
            channel.config().setAutoRead(true);
            channel.read();
        });
    }

    /**
     * Sets whether the client answers the server's SETTINGS with an ack (default on).
     *
     * @param on true to answer
     */
    public void autoAckSettings(boolean on) {
        handler.autoAckSettings = on;
    }

    // ---- reading ----

    /** Every frame received so far, in order. */
    public List<H2Frame> frames() {
        return handler.frames();
    }

    /** The number of frames received so far that match. */
    public long count(Predicate<H2Frame> filter) {
        return frames().stream().filter(filter).count();
    }

    /** The octets received so far. */
    public long bytesReceived() {
        return handler.bytesReceived();
    }

    /**
     * Waits for a received frame that matches, one that came before the call included.
     *
     * @param what what the frame is, for the failure message
     * @param filter the frame wanted
     * @param wait how long to wait
     * @return the first matching frame
     * @throws AssertionError when none comes in time or the connection closes first
     */
    public H2Frame awaitFrame(String what, Predicate<H2Frame> filter, Duration wait) {
        return handler.await(what, () -> handler.first(filter), wait, true);
    }

    /** Waits for a GOAWAY, with the default timeout. */
    public H2Frame awaitGoAway() {
        return awaitFrame("a GOAWAY", f -> f.type() == H2Frame.GOAWAY, timeout);
    }

    /** Waits for a SETTINGS ack, with the default timeout. */
    public H2Frame awaitSettingsAck() {
        return awaitFrame("a SETTINGS ack", f -> f.type() == H2Frame.SETTINGS && f.hasFlag(H2Frame.ACK), timeout);
    }

    /**
     * Waits for the server's refusal of a stream: a RST_STREAM on it or a GOAWAY, whichever comes
     * first (a stream error or a connection error, RFC 9113 section 5.4).
     *
     * @param streamId the stream
     * @return the RST_STREAM or GOAWAY frame
     */
    public H2Frame awaitStreamOrConnectionError(int streamId) {
        return awaitFrame("a RST_STREAM on stream " + streamId + " or a GOAWAY",
                f -> f.type() == H2Frame.GOAWAY || f.type() == H2Frame.RST_STREAM && f.streamId() == streamId, timeout);
    }

    /**
     * Waits until a stream ends (END_STREAM) or is reset, with the default timeout.
     *
     * @param streamId the stream
     * @return what came back on it
     * @throws AssertionError when it does not end in time or the connection closes first
     */
    public RawH2Response awaitResponse(int streamId) {
        return awaitResponse(streamId, timeout);
    }

    /** Like {@link #awaitResponse(int)} with a timeout. */
    public RawH2Response awaitResponse(int streamId, Duration wait) {
        return handler.await("the end of stream " + streamId, () -> {
            RawH2Response r = handler.response(streamId);
            return r != null && (r.endStream() || r.wasReset()) ? r : null;
        }, wait, true);
    }

    /**
     * What came back on a stream so far.
     *
     * @param streamId the stream
     * @return the response so far, or null when nothing came on it
     */
    public RawH2Response response(int streamId) {
        return handler.response(streamId);
    }

    /**
     * Waits until the server closes the connection (the client must be reading to notice).
     *
     * @param wait how long to wait
     * @return true when it closed in time
     */
    public boolean awaitClosed(Duration wait) {
        try {
            handler.await("the connection's close", () -> handler.isClosed() ? Boolean.TRUE : null, wait, false);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    /** Whether the connection is closed. */
    public boolean isClosed() {
        return handler.isClosed();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "RawH2Connection[" + channel.remoteAddress() + (isClosed() ? ", closed" : ", open") + "]";
    }
}
