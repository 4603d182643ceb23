package dev.gatehouse.server.h2;

import dev.gatehouse.core.config.Http2Config;
import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.server.proxy.ProxyContext;
import dev.gatehouse.server.proxy.StreamSide;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.flow.FlowControlHandler;

/**
 * What a client connection runs once it speaks HTTP/2 (after ALPN {@code h2}, or the connection
 * preface on an h2c listener): Netty's frame codec with the listener's settings and the protections
 * below, a multiplexer that gives each stream a child channel, and the connection's handler
 * ({@link H2ConnectionHandler}). Each stream's channel runs {@link StreamFrameCodec}, a
 * flow-control handler (one request part per read) and a {@link StreamSide}, whose exchange goes
 * through the same path as an HTTP/1.1 request. A {@link FlushBatcher} in front of it all makes the
 * responses of one event-loop turn leave in one write (one TLS record when they fit).
 *
 * <p>Settings sent: MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE and
 * MAX_HEADER_LIST_SIZE from the listener's {@code http2} (the last one defaults to
 * {@code limits.max_header_size}); HEADER_TABLE_SIZE stays 4096. A HEADERS block past the header list
 * size gets 431 on its stream; one far past it (Netty: 1.25 times) ends the connection, so an HPACK
 * bomb cannot make the node decode without bound. Protections, set explicitly, by
 * {@link Http2Protections#apply} (the one place that sets them, on this codec and on the one the
 * attack tests build):
 * <ul>
 *   <li>{@value #MAX_RST_FRAMES} RST_STREAM frames received per {@value #RST_WINDOW_SECONDS} s at most
 *       (rapid reset, CVE-2023-44487), then GOAWAY(ENHANCE_YOUR_CALM);</li>
 *   <li>{@value #MAX_RST_FRAMES} RST_STREAM frames sent per {@value #RST_WINDOW_SECONDS} s at most: a
 *       client cannot make the node reset streams without bound (CVE-2025-8671);</li>
 *   <li>{@value #MAX_QUEUED_CONTROL_FRAMES} control frames (SETTINGS and PING acks, RST_STREAM) queued
 *       for a client that does not read, then the connection closes (ping and settings floods,
 *       CVE-2019-9512, CVE-2019-9515);</li>
 *   <li>{@value #MAX_EMPTY_DATA_FRAMES} consecutive DATA frames without payload at most (CVE-2019-9518);</li>
 *   <li>{@value #MAX_SMALL_CONTINUATION_FRAMES} small CONTINUATION frames at most in one header block
 *       (the CONTINUATION flood), besides the header list size;</li>
 *   <li>header fields validated (names, pseudo-header rules) and the required pseudo-header fields too;
 *       then {@link Http2StrictRequestHandler} refuses what Netty lets through, and
 *       {@link Http2FrameGuard} caps the CONTINUATION frames of a header block whatever their size.</li>
 * </ul>
 */
public final class Http2Pipeline {

    /** RST_STREAM frames per window, received and sent. */
    public static final int MAX_RST_FRAMES = 200;
    /** The window of {@link #MAX_RST_FRAMES}, in seconds. */
    public static final int RST_WINDOW_SECONDS = 30;
    /** Control frames queued for a client that does not read. */
    public static final int MAX_QUEUED_CONTROL_FRAMES = 1_000;
    /** Consecutive DATA frames without payload and without END_STREAM. */
    public static final int MAX_EMPTY_DATA_FRAMES = 2;
    /** Small CONTINUATION frames in one header block. */
    public static final int MAX_SMALL_CONTINUATION_FRAMES = 16;

    private Http2Pipeline() {
    }

    /** The settings the node sends to a client of a listener with {@code config}. */
    static Http2Settings settings(Http2Config config, LimitsConfig limits) {
        return new Http2Settings()
                .maxConcurrentStreams(config.maxConcurrentStreams())
                .initialWindowSize(config.initialWindowSize())
                .maxFrameSize(config.maxFrameSize())
                .maxHeaderListSize(config.effectiveMaxHeaderListSize(limits));
    }

    /**
     * Installs HTTP/2 at the end of {@code pipeline}. Works on a connection that is already active
     * (after TLS and ALPN, or the preface detection): the codec sends its SETTINGS at once.
     */
    public static void install(ChannelPipeline pipeline, ProxyContext context, Http2Config config, LimitsConfig limits) {
        // The attack limits come from Http2Protections.apply, the codec Http2AttacksIT attacks.
        Http2FrameCodec codec = Http2Protections.apply(Http2FrameCodecBuilder.forServer())
                .initialSettings(settings(config, limits))
                .autoAckSettingsFrame(true)
                .autoAckPingFrame(true)
                .maxReservedStreams(0)
                .build();
        // A connection's window starts at 65535 whatever the settings say (RFC 9113 §6.9.2).
        int increment = Math.max(0, config.effectiveConnectionWindow() - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
        H2ConnectionHandler connection = new H2ConnectionHandler(context, codec, increment);
        ChannelInitializer<Http2StreamChannel> streams = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                // The stream's window opens only as the exchange asks for more of the body.
                ch.config().setAutoRead(false);
                ch.pipeline().addLast("h2-frames", new StreamFrameCodec());
                ch.pipeline().addLast("flow", new FlowControlHandler());
                ch.pipeline().addLast("stream", new StreamSide(context, connection::goingAway));
            }
        };
        pipeline.addLast("h2", codec);
        pipeline.addLast("h2-streams", new Http2MultiplexHandler(streams));
        pipeline.addLast("h2-connection", connection);
        // The frame guard before the codec, the strict request checks between it and the streams.
        Http2Protections.install(pipeline, "h2", true, context.recorder());
        // Before everything HTTP/2: one flush per event-loop turn reaches the TLS handler and the socket.
        pipeline.addBefore(Http2Protections.GUARD, FlushBatcher.NAME, new FlushBatcher());
    }
}
