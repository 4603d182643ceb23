package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.Http2Config;
import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.server.h2.Http2Pipeline;
import dev.gatehouse.server.h2.PriorKnowledgeHandler;
import dev.gatehouse.server.tls.TlsHandshakeHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;

/**
 * The pipeline of a client connection. A connection past its client's
 * {@code max_connections_per_client} gets no pipeline: it is closed as soon as it is accepted, before
 * a byte of it is read. Otherwise it speaks HTTP/1.1 ({@link #http1}) or HTTP/2 ({@link #http2}): a
 * TLS listener does SNI selection and the handshake first, then decides by ALPN; a plaintext
 * listener with {@code http2.h2c} decides by the first bytes ({@link PriorKnowledgeHandler}).
 * Until then an {@link OpeningConnection} stands for the connection in the drain.
 */
@ChannelHandler.Sharable
public final class ClientInitializer extends ChannelInitializer<Channel> {

    private final ProxyContext context;
    private final LimitsConfig limits;
    private final Http2Config http2;
    private final IdleParking parking;

    /** Creates the initializer of one listener. */
    public ClientInitializer(ProxyContext context, LimitsConfig limits, Http2Config http2) {
        this.context = context;
        this.limits = limits;
        this.http2 = http2;
        this.parking = new IdleParking(context.settings().clientIdle(), limits);
    }

    /** Creates the initializer of an HTTP/1.1-only listener. */
    public ClientInitializer(ProxyContext context, LimitsConfig limits) {
        this(context, limits, Http2Config.DEFAULTS);
    }

    /** Whether ALPN offers {@code h2} on a TLS listener: while its {@code http2.enabled} (the default). */
    public static boolean offersH2(ListenerConfig listener) {
        return listener.http2().enabled();
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!context.limits().admitConnection(ch)) {
            ch.close();
            return;
        }
        if (context.tls() != null) {
            // Counted for the drain before its handshake (the HTTP handler counts it after).
            OpeningConnection opening = OpeningConnection.register(ch, context.connections());
            TlsHandshakeHandler.install(ch.pipeline(), context.tls(), opening.then(this::http1), opening.then(this::http2));
            return;
        }
        if (http2.priorKnowledge()) {
            OpeningConnection opening = OpeningConnection.register(ch, context.connections());
            ch.pipeline().addLast("h2c-detect", new PriorKnowledgeHandler(opening.then(this::http1),
                    opening.then(this::http2), context.settings().clientHeader()));
            return;
        }
        http1(ch.pipeline());
    }

    /**
     * Installs HTTP/1.1 at the end of {@code p}: first-byte detection, the strict codec
     * ({@link dev.gatehouse.server.codec.ClientCodec}), flow control (one decoded message per read,
     * so pipelined requests wait their turn), the proxy. Works on a connection that is already
     * active. An idle connection sheds all but the proxy for as long as it waits ({@link IdleParking}).
     */
    public void http1(ChannelPipeline p) {
        ProxyHandler proxy = new ProxyHandler(context, parking);
        parking.install(p, null, proxy.firstByteHandler());
        p.addLast("proxy", proxy);
    }

    /**
     * Installs HTTP/2 at the end of {@code p} ({@link Http2Pipeline}): for a TLS connection whose
     * ALPN chose {@code h2}, or a plaintext one that sent the connection preface.
     */
    public void http2(ChannelPipeline p) {
        Http2Pipeline.install(p, context, http2, limits);
    }
}
