package dev.gatehouse.server.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Netty's request decoder with every request head checked first by a {@link HeadScanner}: a head
 * is handed to Netty only once it is complete and sound, so Netty's lenient reading of request
 * lines and folded fields never decides anything. A head that breaks a rule becomes what Netty
 * makes of a head it cannot parse, a request whose decoder result is a failure (the proxy answers
 * 400 and closes), and everything after it is discarded.
 *
 * <p>The decoder knows where a head starts because it sees every message end go by (a
 * {@link LastHttpContent}); the bytes of a head stay in the decoder's cumulation until they are
 * all there. Each decoded request's method is told to {@link PendingMethods}, which the response
 * encoder reads to frame a response to HEAD without a body. One per connection.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    private final HeadScanner scanner;
    private final PendingMethods pending;
    /** The next byte begins a request head. */
    private boolean atHead = true;
    /** A head or body was refused: the rest of the connection's bytes mean nothing. */
    private boolean failed;

    StrictRequestDecoder(HttpDecoderConfig config, PendingMethods pending) {
        super(config);
        this.scanner = new HeadScanner(config.getMaxInitialLineLength(), config.getMaxHeaderSize());
        this.pending = pending;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (atHead) {
            boolean complete;
            try {
                complete = scanner.scan(in);
            } catch (RuntimeException e) {
                refuse(in, out, e);
                return;
            }
            if (!complete) {
                return;
            }
            scanner.reset();
            atHead = false;
        }
        int first = out.size();
        super.decode(ctx, in, out);
        for (int i = first; i < out.size(); i++) {
            Object msg = out.get(i);
            if (msg instanceof HttpRequest request && !pending.add(request.method())) {
                // Like HttpServerCodec: a client cannot queue up requests without bound.
                for (int j = out.size() - 1; j >= i; j--) {
                    ReferenceCountUtil.release(out.remove(j));
                }
                refuse(in, out, new BadHeadException("more than " + PendingMethods.MAX + " pipelined requests"));
                return;
            }
            if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
                failed = true;
            }
            if (msg instanceof LastHttpContent) {
                atHead = true;
            }
        }
    }

    /** Between requests with no byte of the next one buffered, and nothing refused. */
    boolean atRest() {
        return atHead && !failed && actualReadableBytes() == 0;
    }

    private void refuse(ByteBuf in, List<Object> out, Exception cause) {
        failed = true;
        in.skipBytes(in.readableBytes());
        HttpMessage invalid = createInvalidMessage();
        invalid.setDecoderResult(DecoderResult.failure(cause));
        out.add(invalid);
    }
}
