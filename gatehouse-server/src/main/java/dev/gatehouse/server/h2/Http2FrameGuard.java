package dev.gatehouse.server.h2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the frame headers of a client's HTTP/2 byte stream on their way to the frame codec, and
 * stops a CONTINUATION flood that Netty's codec lets run: a header block may span at most
 * {@code maxContinuations} CONTINUATION frames. Netty bounds a block's <em>octets</em> (by
 * SETTINGS_MAX_HEADER_LIST_SIZE), but not its frames, so empty CONTINUATIONs without END_HEADERS
 * could keep a connection's event loop busy forever while the block never ends. Past the limit the
 * guard raises a connection error of type ENHANCE_YOUR_CALM, which the codec turns into a GOAWAY
 * and a close, and drops everything the client sends after it.
 *
 * <p>The guard only looks: every buffer is passed on unchanged and unsplit, nothing is copied or
 * held. It follows frame boundaries across reads with a 9-octet header assembly and a count of the
 * current frame's payload octets still to skip. One instance per connection, on its event loop.
 */
public final class Http2FrameGuard extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Http2FrameGuard.class);

    /** nghttp2's limit since CVE-2024-28182; a real client needs one or two at 16 KiB frames. */
    public static final int DEFAULT_MAX_CONTINUATIONS = 8;

    private static final int PREFACE_LENGTH = 24;
    private static final int FRAME_HEADER = 9;
    private static final int HEADERS = 0x1;
    private static final int CONTINUATION = 0x9;
    private static final int END_HEADERS = 0x4;

    private final int maxContinuations;
    private final byte[] header = new byte[FRAME_HEADER];
    private int prefaceLeft;
    private int headerFill;
    private long payloadLeft;
    private boolean inHeaderBlock;
    private int continuations;
    private boolean failed;
    private int violationStart;

    /**
     * Creates the guard of one connection.
     *
     * @param maxContinuations CONTINUATION frames allowed in one header block, 1 or more
     * @param prefaceExpected whether the client's 24-octet connection preface is still to pass
     *        through (true when the guard is installed before any of the connection's bytes)
     */
    public Http2FrameGuard(int maxContinuations, boolean prefaceExpected) {
        if (maxContinuations < 1) {
            throw new IllegalArgumentException("maxContinuations: " + maxContinuations + " (expected: > 0)");
        }
        this.maxContinuations = maxContinuations;
        this.prefaceLeft = prefaceExpected ? PREFACE_LENGTH : 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        String problem = scan(buf);
        if (problem != null) {
            failed = true;
            // The frames before the offending one go on, so that the codec's GOAWAY names the
            // last stream it really processed; the rest is dropped.
            int keep = Math.max(buf.readerIndex(), violationStart);
            if (keep > buf.readerIndex()) {
                ctx.fireChannelRead(buf.writerIndex(keep));
            } else {
                ReferenceCountUtil.release(msg);
            }
            log.debug("{} HTTP/2 connection refused: {}", ctx.channel(), problem);
            ctx.fireExceptionCaught(Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM, "%s", problem));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Follows the frames in the buffer without moving its indexes; returns a violation or null. */
    private String scan(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        if (prefaceLeft > 0) {
            int skip = Math.min(prefaceLeft, end - i);
            prefaceLeft -= skip;
            i += skip;
        }
        while (i < end) {
            if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, end - i);
                payloadLeft -= skip;
                i += skip;
                continue;
            }
            header[headerFill++] = buf.getByte(i++);
            if (headerFill < FRAME_HEADER) {
                continue;
            }
            headerFill = 0;
            violationStart = i - FRAME_HEADER;
            payloadLeft = ((header[0] & 0xffL) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
            String problem = onFrameHeader(header[3] & 0xff, header[4] & 0xff);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private String onFrameHeader(int type, int flags) {
        if (type == HEADERS) {
            inHeaderBlock = (flags & END_HEADERS) == 0;
            continuations = 0;
        } else if (type == CONTINUATION && inHeaderBlock) {
            if (++continuations > maxContinuations) {
                return "more than " + maxContinuations + " CONTINUATION frames in one header block";
            }
            inHeaderBlock = (flags & END_HEADERS) == 0;
        }
        // Anything else in the middle of a block is the codec's PROTOCOL_ERROR to raise.
        return null;
    }
}
