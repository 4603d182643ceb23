package dev.gatehouse.server.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.AttributeKey;

/**
 * Sets up a backend connection: TLS when its pool asks for it (the handler for its backend and the
 * pool's {@link BackendTls}), the HTTP/1.1 client codec, then the connection's handler.
 */
@ChannelHandler.Sharable
final class UpstreamInitializer extends ChannelInitializer<Channel> {

    static final String HANDLER = "upstream";
    static final AttributeKey<UpstreamHandler> HANDLER_ATTR = AttributeKey.valueOf(UpstreamInitializer.class, "handler");

    private final HttpDecoderConfig responseDecoding;
    private final long handshakeTimeoutMillis;

    /**
     * @param handshakeTimeoutMillis how long a TLS handshake may take: the connect timeout, which it
     *                               is part of as far as a request is concerned
     */
    UpstreamInitializer(HttpDecoderConfig responseDecoding, long handshakeTimeoutMillis) {
        this.responseDecoding = responseDecoding;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    protected void initChannel(Channel ch) {
        UpstreamHandler handler = ch.attr(HANDLER_ATTR).getAndSet(null);
        BackendTls tls = handler.key().tls();
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), handler.key().address(), handshakeTimeoutMillis));
        }
        // failOnMissingResponse: a backend that closes with a request unanswered is an error, not EOF.
        ch.pipeline().addLast("http", new HttpClientCodec(responseDecoding.clone(), false, true));
        ch.pipeline().addLast(HANDLER, handler);
    }
}
