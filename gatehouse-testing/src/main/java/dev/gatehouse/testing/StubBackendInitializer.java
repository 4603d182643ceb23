package dev.gatehouse.testing;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;

/**
 * Sets up a stub connection: TLS when the backend speaks it (its SNI recorded), the raw byte tap (see {@link StubBackend#captureBytes}), the HTTP/1.1 codec (streaming, no aggregator), the request event log
 * when the backend has one, and the stub handler.
 */
final class StubBackendInitializer extends ChannelInitializer<SocketChannel> {

    /** Body pieces up to one socket read, so big uploads do not turn into a storm of 8 KiB pieces. */
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final StubBackend backend;

    StubBackendInitializer(StubBackend backend) {
        this.backend = backend;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        long connectionId = backend.connectionAccepted(ch);
        SslContext tls = backend.tls();
        if (tls != null) {
            // Reads the ClientHello's SNI (recorded), then hands the connection to an SslHandler of tls.
            ch.pipeline().addLast("sni", new SniHandler((Mapping<String, SslContext>) serverName -> {
                backend.serverNameSeen(serverName);
                return tls;
            }));
        }
        ch.pipeline().addLast("tap", new ByteTapHandler(backend.received(), connectionId));
        ch.pipeline().addLast("codec", new HttpServerCodec(new HttpDecoderConfig().setMaxChunkSize(MAX_CHUNK_SIZE)));
        if (backend.requestLog() != null) {
            ch.pipeline().addLast("requestlog", new RequestEventLogHandler(backend.requestLog(), connectionId));
        }
        ch.pipeline().addLast("stub", new StubConnectionHandler(backend, connectionId));
    }
}
