package dev.gatehouse.server.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;

/**
 * Reads a connection's ClientHello, picks the certificate for its SNI name from the listener's
 * current set (read once, here: a reload during the handshake does not change it), and replaces
 * itself by the {@link SslHandler} of that certificate, with its OCSP response stapled when the
 * provider can. One per connection.
 */
final class SniSelectHandler extends SniHandler {

    private final TlsListener listener;
    private ServedCertificate chosen;

    SniSelectHandler(TlsListener listener, long handshakeTimeoutMillis) {
        super(name -> {
            throw new IllegalStateException("chosen in lookup");
        }, handshakeTimeoutMillis);
        this.listener = listener;
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) {
        chosen = listener.current().select(hostname);
        return ctx.executor().newSucceededFuture(chosen.context());
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
        SslHandler handler = super.newSslHandler(context, allocator);
        if (chosen != null && chosen.ocsp() != null && handler.engine() instanceof ReferenceCountedOpenSslEngine engine) {
            engine.setOcspResponse(chosen.ocsp());
        }
        return handler;
    }
}
