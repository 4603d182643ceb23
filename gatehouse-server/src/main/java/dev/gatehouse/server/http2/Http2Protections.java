package dev.gatehouse.server.http2;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;

/**
 * The node's defences against the known HTTP/2 attacks, in one place: the limits set on Netty's
 * frame codec, and the two handlers Gatehouse adds around it. Netty's defaults are set here
 * explicitly, so that a change of them in a Netty upgrade does not change the node silently.
 *
 * <table>
 *   <caption>What bounds each attack</caption>
 *   <tr><th>attack</th><th>bound</th></tr>
 *   <tr><td>rapid reset (CVE-2023-44487)</td><td>at most {@value #MAX_RST_FRAMES_PER_WINDOW} RST_STREAM
 *       frames from a client per {@value #RST_WINDOW_SECONDS} s, then GOAWAY(ENHANCE_YOUR_CALM); and
 *       SETTINGS_MAX_CONCURRENT_STREAMS streams open at a time, more refused with REFUSED_STREAM</td></tr>
 *   <tr><td>streams the node is made to reset (CVE-2025-8671)</td><td>at most {@value #MAX_RST_FRAMES_PER_WINDOW}
 *       RST_STREAM frames sent per {@value #RST_WINDOW_SECONDS} s, then GOAWAY</td></tr>
 *   <tr><td>CONTINUATION flood</td><td>a header block's octets by the header list size (Netty);
 *       its frames by {@link Http2FrameGuard} (8)</td></tr>
 *   <tr><td>HPACK bomb</td><td>the decoded header list by SETTINGS_MAX_HEADER_LIST_SIZE (Netty's
 *       decoder counts every field as it expands, dynamic table references included)</td></tr>
 *   <tr><td>PING, SETTINGS and reset floods that do not read the answers (CVE-2019-9512, -9515,
 *       -9514)</td><td>at most {@value #MAX_QUEUED_CONTROL_FRAMES} control frames queued unwritten
 *       per connection, then ENHANCE_YOUR_CALM and a close</td></tr>
 *   <tr><td>empty frames (CVE-2019-9518)</td><td>at most {@value #MAX_CONSECUTIVE_EMPTY_DATA_FRAMES}
 *       empty DATA frames in a row without END_STREAM</td></tr>
 *   <tr><td>malformed requests</td><td>{@link Http2StrictRequestHandler}: RST_STREAM(PROTOCOL_ERROR),
 *       never forwarded</td></tr>
 * </table>
 */
public final class Http2Protections {

    /** RST_STREAM frames a client may send per window (Netty's server default, CVE-2023-44487). */
    public static final int MAX_RST_FRAMES_PER_WINDOW = 200;
    /** The RST_STREAM window. */
    public static final int RST_WINDOW_SECONDS = 30;
    /**
     * Control frames (SETTINGS and PING acks, RST_STREAM) queued unwritten while a client does not
     * read: nghttp2's and Envoy's limit, a tenth of Netty's default. A client that reads never
     * comes near it.
     */
    public static final int MAX_QUEUED_CONTROL_FRAMES = 1_000;
    /** Empty DATA frames in a row (Netty's default). */
    public static final int MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 2;

    /** The handler names {@link #install} adds. */
    public static final String GUARD = "h2-guard";
    /** The name of the strict request handler. */
    public static final String STRICT = "h2-strict";

    private Http2Protections() {
    }

    /**
     * Sets the attack limits on a server codec builder. The settings the node advertises
     * (streams, windows, frame and header list sizes) are the listener's, set by the caller.
     *
     * @param builder a {@link Http2FrameCodecBuilder#forServer()} builder
     * @return the builder
     */
    public static Http2FrameCodecBuilder apply(Http2FrameCodecBuilder builder) {
        return builder
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(MAX_RST_FRAMES_PER_WINDOW, RST_WINDOW_SECONDS)
                .encoderEnforceMaxRstFramesPerWindow(MAX_RST_FRAMES_PER_WINDOW, RST_WINDOW_SECONDS)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA_FRAMES);
    }

    /**
     * Adds the frame guard before the codec and the strict request handler after it.
     *
     * @param pipeline the connection's pipeline, holding the codec
     * @param codecName the codec's name in it
     * @param prefaceExpected whether the client's connection preface has still to reach the codec
     */
    public static void install(ChannelPipeline pipeline, String codecName, boolean prefaceExpected) {
        pipeline.addBefore(codecName, GUARD, new Http2FrameGuard(Http2FrameGuard.DEFAULT_MAX_CONTINUATIONS,
                prefaceExpected));
        pipeline.addAfter(codecName, STRICT, new Http2StrictRequestHandler());
    }
}
