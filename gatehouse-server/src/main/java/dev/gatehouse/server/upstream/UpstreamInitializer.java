package dev.gatehouse.server.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.AttributeKey;

/** Sets up a backend connection: the HTTP/1.1 client codec, then the connection's handler. */
@ChannelHandler.Sharable
final class UpstreamInitializer extends ChannelInitializer<Channel> {

    static final String HANDLER = "upstream";
    static final AttributeKey<UpstreamHandler> HANDLER_ATTR = AttributeKey.valueOf(UpstreamInitializer.class, "handler");

    private final HttpDecoderConfig responseDecoding;

    UpstreamInitializer(HttpDecoderConfig responseDecoding) {
        this.responseDecoding = responseDecoding;
    }

    @Override
    protected void initChannel(Channel ch) {
        // failOnMissingResponse: a backend that closes with a request unanswered is an error, not EOF.
        ch.pipeline().addLast("http", new HttpClientCodec(responseDecoding.clone(), false, true));
        ch.pipeline().addLast(HANDLER, ch.attr(HANDLER_ATTR).getAndSet(null));
    }
}
