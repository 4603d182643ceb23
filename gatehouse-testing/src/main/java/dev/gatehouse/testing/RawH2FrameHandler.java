package dev.gatehouse.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The receiving side of {@link RawH2Connection}: splits the server's octets into frames, records
 * them, joins header blocks (HEADERS and CONTINUATION) and decodes them with HPACK, collects each
 * stream's response, and wakes waiting test threads. Runs on the connection's event loop; the
 * recorded state is guarded by this object's monitor, held only briefly.
 */
final class RawH2FrameHandler extends ByteToMessageDecoder {

    /** Responses from a test server are small; a larger list is the server's bug, reported as such. */
    private static final long MAX_RESPONSE_HEADER_LIST = 1 << 20;

    private final List<H2Frame> frames = new ArrayList<>();
    private final Map<Integer, StreamState> streams = new HashMap<>();
    private final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false, MAX_RESPONSE_HEADER_LIST);
    private ByteArrayOutputStream pendingBlock;
    private int pendingStream;
    private boolean pendingEndStream;
    private long bytesReceived;
    private boolean closed;
    private String decodeProblem;
    volatile boolean autoAckSettings = true;
    private final byte[] greeting;

    /** @param greeting octets to write first of all, when the connection becomes active */
    RawH2FrameHandler(byte[] greeting) {
        this.greeting = greeting;
    }

    private static final class StreamState {
        final List<Map.Entry<String, String>> headers = new ArrayList<>();
        final List<Map.Entry<String, String>> trailers = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean ended;
        long resetCode = -1;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= H2Frame.HEADER_LENGTH) {
            int length = in.getUnsignedMedium(in.readerIndex());
            if (in.readableBytes() < H2Frame.HEADER_LENGTH + length) {
                return;
            }
            in.skipBytes(3);
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int streamId = in.readInt() & 0x7fffffff;
            byte[] payload = new byte[length];
            in.readBytes(payload);
            onFrame(ctx, new H2Frame(type, flags, streamId, payload));
        }
    }

    private void onFrame(ChannelHandlerContext ctx, H2Frame f) {
        if (f.type() == H2Frame.SETTINGS && !f.hasFlag(H2Frame.ACK) && autoAckSettings) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(H2Frame.encode(H2Frame.SETTINGS, H2Frame.ACK, 0, new byte[0])));
        } else if (f.type() == H2Frame.PING && !f.hasFlag(H2Frame.ACK)) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(H2Frame.encode(H2Frame.PING, H2Frame.ACK, 0, f.payload())));
        }
        synchronized (this) {
            frames.add(f);
            bytesReceived += H2Frame.HEADER_LENGTH + f.payload().length;
            switch (f.type()) {
                case H2Frame.HEADERS -> {
                    int offset = f.hasFlag(H2Frame.PRIORITY_FLAG) ? 5 : 0;
                    byte[] fragment = unpad(f, offset);
                    pendingBlock = new ByteArrayOutputStream();
                    pendingBlock.writeBytes(fragment);
                    pendingStream = f.streamId();
                    pendingEndStream = f.hasFlag(H2Frame.END_STREAM);
                    if (f.hasFlag(H2Frame.END_HEADERS)) {
                        endOfBlock();
                    }
                }
                case H2Frame.CONTINUATION -> {
                    if (pendingBlock != null) {
                        pendingBlock.writeBytes(f.payload());
                        if (f.hasFlag(H2Frame.END_HEADERS)) {
                            endOfBlock();
                        }
                    }
                }
                case H2Frame.DATA -> {
                    StreamState s = stream(f.streamId());
                    s.body.writeBytes(unpad(f, 0));
                    s.ended |= f.hasFlag(H2Frame.END_STREAM);
                }
                case H2Frame.RST_STREAM -> stream(f.streamId()).resetCode = f.errorCode();
                default -> {
                }
            }
            notifyAll();
        }
    }

    private static byte[] unpad(H2Frame f, int extra) {
        byte[] p = f.payload();
        if (!f.hasFlag(H2Frame.PADDED)) {
            return java.util.Arrays.copyOfRange(p, extra, p.length);
        }
        int pad = p[0] & 0xff;
        return java.util.Arrays.copyOfRange(p, 1 + extra, Math.max(1 + extra, p.length - pad));
    }

    private void endOfBlock() {
        StreamState s = stream(pendingStream);
        ByteBuf block = Unpooled.wrappedBuffer(pendingBlock.toByteArray());
        try {
            Http2Headers decoded = hpack.decodeHeaders(pendingStream, block);
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            decoded.forEach(e -> fields.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey().toString(),
                    e.getValue().toString())));
            boolean informational = fields.stream().anyMatch(e -> e.getKey().equals(":status")
                    && e.getValue().startsWith("1"));
            if (s.headers.isEmpty() || isInformational(s.headers)) {
                s.headers.clear();
                s.headers.addAll(fields);
            } else {
                s.trailers.addAll(fields);
            }
            s.ended |= pendingEndStream && !informational;
        } catch (Http2Exception e) {
            decodeProblem = "the server's header block on stream " + pendingStream + " did not decode: " + e;
        } finally {
            block.release();
            pendingBlock = null;
        }
    }

    private static boolean isInformational(List<Map.Entry<String, String>> headers) {
        return headers.stream().anyMatch(e -> e.getKey().equals(":status") && e.getValue().startsWith("1"));
    }

    private StreamState stream(int id) {
        return streams.computeIfAbsent(id, k -> new StreamState());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (greeting.length > 0) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(greeting));
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        synchronized (this) {
            closed = true;
            notifyAll();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset by the peer is an outcome the test checks through isClosed(), not a failure here.
        ctx.close();
    }

    synchronized List<H2Frame> frames() {
        return List.copyOf(frames);
    }

    synchronized long bytesReceived() {
        return bytesReceived;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized H2Frame first(Predicate<H2Frame> filter) {
        for (H2Frame f : frames) {
            if (filter.test(f)) {
                return f;
            }
        }
        return null;
    }

    synchronized RawH2Response response(int streamId) {
        StreamState s = streams.get(streamId);
        if (s == null) {
            return null;
        }
        return new RawH2Response(streamId, s.headers, s.body.toByteArray(), s.trailers, s.ended, s.resetCode);
    }

    /**
     * Waits until the condition yields a value.
     *
     * @param failOnClose whether a closed connection ends the wait with a failure
     */
    synchronized <T> T await(String what, Supplier<T> condition, Duration wait, boolean failOnClose) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            if (decodeProblem != null) {
                throw new AssertionError(decodeProblem);
            }
            T value = condition.get();
            if (value != null) {
                return value;
            }
            long left = deadline - System.nanoTime();
            if (failOnClose && closed) {
                throw new AssertionError("the connection closed before " + what + "; frames received: " + summary());
            }
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + wait + "; frames received: " + summary());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    private String summary() {
        if (frames.size() <= 20) {
            return frames.toString();
        }
        return frames.subList(0, 10) + " ... " + frames.size() + " in all ... "
                + frames.subList(frames.size() - 5, frames.size());
    }
}
