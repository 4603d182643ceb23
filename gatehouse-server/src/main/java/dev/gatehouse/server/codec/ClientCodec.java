package dev.gatehouse.server.codec;

import dev.gatehouse.core.config.LimitsConfig;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * The HTTP/1.1 codec of a client connection: {@link StrictRequestDecoder} (each request head
 * checked against RFC 9112 before Netty reads it, then Netty's decoder configured strictly) and a
 * response encoder that knows which request each response answers, so a response to HEAD goes
 * out without a body and a 2xx to CONNECT without Transfer-Encoding, as Netty's HttpServerCodec
 * does. {@link #of(LimitsConfig)} is the one place where the codec is built: the client pipeline
 * and anything that must see requests exactly as the node does (a fuzzing harness) use it.
 */
public final class ClientCodec extends CombinedChannelDuplexHandler<StrictRequestDecoder, HttpResponseEncoder> {

    /** The body parts the decoder hands over are at most this long. */
    static final int MAX_CHUNK_SIZE = 16 * 1024;

    private ClientCodec(HttpDecoderConfig config) {
        PendingMethods pending = new PendingMethods();
        init(new StrictRequestDecoder(config, pending), new ResponseEncoder(pending));
    }

    /**
     * A new codec for one client connection.
     *
     * @param limits the request line and header section limits (414 and 431 past them)
     * @return the codec, a duplex handler for the pipeline
     */
    public static ClientCodec of(LimitsConfig limits) {
        return new ClientCodec(decoderConfig(limits));
    }

    /**
     * The configuration of Netty's decoder behind the head checks: bare LF refused, Content-Length
     * with Transfer-Encoding refused (RFC 9112 §6.1), duplicate Content-Length refused, header names
     * and values validated, the line and the header section bounded.
     */
    static HttpDecoderConfig decoderConfig(LimitsConfig limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLine())
                .setMaxHeaderSize(limits.maxHeaderSize())
                .setMaxChunkSize(MAX_CHUNK_SIZE)
                .setStrictLineParsing(true)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setUseRfc9112TransferEncoding(true);
    }

    /**
     * Whether the codec holds nothing of the connection: no byte of a next request read, nothing
     * refused. A codec at rest can be dropped and replaced by a new one without a difference.
     */
    public boolean atRest() {
        return inboundHandler().atRest();
    }

    /** Frames each final response by the method of the request it answers. */
    private static final class ResponseEncoder extends HttpResponseEncoder {

        private final PendingMethods pending;
        private HttpMethod method;

        ResponseEncoder(PendingMethods pending) {
            this.pending = pending;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                // An interim response answers nothing yet; a 101 ends the codec's life.
                return super.isContentAlwaysEmpty(msg);
            }
            method = pending.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method) && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                // A 2xx to CONNECT starts a tunnel and has no body to frame (RFC 9110 §9.3.6).
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                return;
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }
    }
}
