package dev.gatehouse.server.h2;

import dev.gatehouse.server.proxy.ExchangeRecorder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits between the frame codec and the stream multiplexer of one HTTP/2 connection and refuses
 * malformed requests before a stream's exchange sees them: a request head or trailer block that
 * {@link Http2RequestValidator} refuses gets RST_STREAM(PROTOCOL_ERROR) (RFC 9113 section 8.1.1)
 * and is not passed on, so nothing of it reaches a backend. A well-formed CONNECT, which the node
 * does not proxy, gets a 501 and the stream is closed, as the HTTP/1.1 side answers it.
 *
 * <p>A stream refused here never becomes an exchange: it is counted by reason
 * ({@link ExchangeRecorder#h2StreamRefused}, {@code gatehouse_h2_streams_refused_total}) and logged at
 * DEBUG, not in the access log.
 *
 * <p>One instance per connection, on its event loop: it remembers which open streams already sent
 * their request head, so that a second HEADERS is checked as trailers. The memory is bounded by
 * the open streams (SETTINGS_MAX_CONCURRENT_STREAMS); an id is forgotten when its stream closes.
 */
public final class Http2StrictRequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Http2StrictRequestHandler.class);

    /** Why a stream was refused: a request {@link Http2RequestValidator} refused (RST_STREAM PROTOCOL_ERROR). */
    public static final String MALFORMED = "malformed";
    /** Why a stream was refused: a CONNECT, answered 501. */
    public static final String CONNECT = "connect";
    /** Why a stream was refused: a stream error the codec raised on an open stream (RST_STREAM with its code). */
    public static final String STREAM_ERROR = "stream_error";

    private final IntObjectMap<Boolean> headed = new IntObjectHashMap<>();
    private final ExchangeRecorder recorder;

    /**
     * Creates the handler of one connection.
     *
     * @param recorder told of every stream refused here ({@link ExchangeRecorder#h2StreamRefused}):
     *                 such a stream never becomes an exchange, so neither the access log nor the
     *                 request metrics see it
     */
    public Http2StrictRequestHandler(ExchangeRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame frame && frame.stream() != null) {
            int id = frame.stream().id();
            boolean trailers = headed.containsKey(id);
            String problem = trailers ? Http2RequestValidator.trailersProblem(frame.headers())
                    : Http2RequestValidator.requestProblem(frame.headers());
            if (problem != null) {
                headed.remove(id);
                recorder.h2StreamRefused(MALFORMED);
                log.debug("{} stream {} refused as malformed: {}", ctx.channel(), id, problem);
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR).stream(frame.stream()));
                return;
            }
            if (!trailers && "CONNECT".contentEquals(frame.headers().method())) {
                recorder.h2StreamRefused(CONNECT);
                log.debug("{} stream {} refused: CONNECT is not proxied (501)", ctx.channel(), id);
                notImplemented(ctx, frame.stream(), frame.isEndStream());
                return;
            }
            if (trailers) {
                headed.remove(id);
            } else if (!frame.isEndStream()) {
                headed.put(id, Boolean.TRUE);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private static void notImplemented(ChannelHandlerContext ctx, Http2FrameStream stream, boolean endStream) {
        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("501"), true).stream(stream));
        if (!endStream) {
            // A tunnel's client keeps sending; the response is whole, so the stream ends here (RFC 9113 §8.1).
            ctx.write(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR).stream(stream));
        }
        ctx.flush();
    }

    /**
     * Protocol errors the codec raises are answered with their own code here, and stop here.
     * Netty's frame codec fires them down the pipeline before it acts: a connection error before
     * its GOAWAY (a handler that closes the channel on it would send GOAWAY(NO_ERROR) first), a
     * stream error on an open stream without any RST_STREAM (the stream's channel would close and
     * the client see CANCEL). RFC 9113 §5.4 wants the error's own code on the wire.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException e) {
            headed.remove(e.stream().id());
            recorder.h2StreamRefused(STREAM_ERROR);
            log.debug("{} stream {} error: {}", ctx.channel(), e.stream().id(), e.getMessage());
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(e.error()).stream(e.stream()));
            return;
        }
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // A connection error: the codec sends GOAWAY with its code and closes.
            log.debug("{} HTTP/2 connection error: {}", ctx.channel(), cause.toString());
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof Http2FrameStreamEvent e && e.stream().state() == Http2Stream.State.CLOSED) {
            headed.remove(e.stream().id());
        }
        super.userEventTriggered(ctx, evt);
    }
}
