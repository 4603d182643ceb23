package dev.gatehouse.server.upstream;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;

/**
 * Sets up a backend connection's pipeline: TLS when its pool asks for it (the handler for its
 * backend and the pool's {@link BackendTls}), the HTTP/1.1 client codec, then the connection's
 * handler. Called by {@link BackendChannels} before the channel is registered; thread-safe.
 */
final class UpstreamInitializer {

    static final String HANDLER = "upstream";

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

    /** Adds the handlers of a new connection for {@code handler}'s backend. */
    void init(Channel ch, UpstreamHandler handler) {
        BackendTls tls = handler.key().tls();
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), handler.key().address(), handshakeTimeoutMillis));
        }
        // failOnMissingResponse: a backend that closes with a request unanswered is an error, not EOF.
        // The codec copies what it needs from the config, so one config serves every connection.
        ch.pipeline().addLast("http", new HttpClientCodec(responseDecoding, false, true));
        ch.pipeline().addLast(HANDLER, handler);
    }
}
