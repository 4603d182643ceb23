package dev.gatehouse.server.h2;

import dev.gatehouse.server.proxy.ExchangeRecorder;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;

/**
 * The node's defences against the known HTTP/2 attacks: the limits {@link #apply} sets on Netty's
 * frame codec (explicitly, so that a Netty upgrade cannot change them silently), and the two
 * handlers Gatehouse adds around it.
 *
 * <table>
 *   <caption>What bounds each attack</caption>
 *   <tr><th>attack</th><th>bound</th></tr>
 *   <tr><td>rapid reset (CVE-2023-44487)</td><td>at most {@value Http2Pipeline#MAX_RST_FRAMES} RST_STREAM
 *       frames from a client per {@value Http2Pipeline#RST_WINDOW_SECONDS} s, then GOAWAY(ENHANCE_YOUR_CALM); and
 *       SETTINGS_MAX_CONCURRENT_STREAMS streams open at a time, more refused with REFUSED_STREAM</td></tr>
 *   <tr><td>streams the node is made to reset (CVE-2025-8671)</td><td>at most {@value Http2Pipeline#MAX_RST_FRAMES}
 *       RST_STREAM frames sent per {@value Http2Pipeline#RST_WINDOW_SECONDS} s, then GOAWAY</td></tr>
 *   <tr><td>CONTINUATION flood</td><td>a header block's octets by the header list size (Netty);
 *       its small frames by Netty ({@value Http2Pipeline#MAX_SMALL_CONTINUATION_FRAMES}); all its frames,
 *       whatever their size, by {@link Http2FrameGuard} ({@value Http2FrameGuard#DEFAULT_MAX_CONTINUATIONS})</td></tr>
 *   <tr><td>HPACK bomb</td><td>the decoded header list by SETTINGS_MAX_HEADER_LIST_SIZE (Netty's
 *       decoder counts every field as it expands, dynamic table references included)</td></tr>
 *   <tr><td>PING, SETTINGS and reset floods that do not read the answers (CVE-2019-9512, -9515,
 *       -9514)</td><td>at most {@value Http2Pipeline#MAX_QUEUED_CONTROL_FRAMES} control frames queued unwritten
 *       per connection, then ENHANCE_YOUR_CALM and a close</td></tr>
 *   <tr><td>empty frames (CVE-2019-9518)</td><td>at most {@value Http2Pipeline#MAX_EMPTY_DATA_FRAMES}
 *       empty DATA frames in a row without END_STREAM</td></tr>
 *   <tr><td>malformed requests</td><td>{@link Http2StrictRequestHandler}: RST_STREAM(PROTOCOL_ERROR),
 *       never forwarded</td></tr>
 * </table>
 */
public final class Http2Protections {

    /** The handler names {@link #install} adds. */
    public static final String GUARD = "h2-guard";
    /** The name of the strict request handler. */
    public static final String STRICT = "h2-strict";

    private Http2Protections() {
    }

    /**
     * Sets the attack limits of {@link Http2Pipeline} (its constants are the one source of the
     * values) on a server codec builder: the node's codec ({@link Http2Pipeline#install}) is built
     * through here, and so is any codec that tests the protections alone, so that the two cannot
     * drift apart. The settings advertised are the caller's.
     *
     * @param builder a {@link Http2FrameCodecBuilder#forServer()} builder
     * @return the builder
     */
    public static Http2FrameCodecBuilder apply(Http2FrameCodecBuilder builder) {
        return builder
                .validateHeaders(true)
                .validateRequiredPseudoHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(Http2Pipeline.MAX_RST_FRAMES, Http2Pipeline.RST_WINDOW_SECONDS)
                .encoderEnforceMaxRstFramesPerWindow(Http2Pipeline.MAX_RST_FRAMES, Http2Pipeline.RST_WINDOW_SECONDS)
                .encoderEnforceMaxQueuedControlFrames(Http2Pipeline.MAX_QUEUED_CONTROL_FRAMES)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(Http2Pipeline.MAX_EMPTY_DATA_FRAMES)
                .decoderEnforceMaxSmallContinuationFrames(Http2Pipeline.MAX_SMALL_CONTINUATION_FRAMES);
    }

    /**
     * Adds the frame guard before the codec and the strict request handler after it.
     *
     * @param pipeline the connection's pipeline, holding the codec
     * @param codecName the codec's name in it
     * @param prefaceExpected whether the client's connection preface has still to reach the codec
     */
    public static void install(ChannelPipeline pipeline, String codecName, boolean prefaceExpected) {
        install(pipeline, codecName, prefaceExpected, ExchangeRecorder.NONE);
    }

    /**
     * Like {@link #install(ChannelPipeline, String, boolean)}, telling {@code recorder} of every
     * stream the strict request handler refuses.
     *
     * @param recorder the node's metrics
     */
    public static void install(ChannelPipeline pipeline, String codecName, boolean prefaceExpected,
                               ExchangeRecorder recorder) {
        pipeline.addBefore(codecName, GUARD, new Http2FrameGuard(Http2FrameGuard.DEFAULT_MAX_CONTINUATIONS,
                prefaceExpected));
        pipeline.addAfter(codecName, STRICT, new Http2StrictRequestHandler(recorder));
    }
}
