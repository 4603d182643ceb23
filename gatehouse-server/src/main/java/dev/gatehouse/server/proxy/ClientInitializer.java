package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.server.codec.ClientCodec;
import dev.gatehouse.server.tls.TlsHandshakeHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flow.FlowControlHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of a client connection. Plaintext: {@link #http1}. TLS: SNI selection and the
 * handshake first, then {@link #http1} or {@link #http2} as ALPN chose. HTTP/1.1 is first-byte
 * detection, the strict codec ({@link ClientCodec}), flow control (one decoded message per read,
 * so pipelined requests wait their turn), the proxy. A connection past its client's
 * {@code max_connections_per_client} gets no pipeline: it is closed as soon as it is accepted,
 * before a byte of it is read.
 */
@ChannelHandler.Sharable
public final class ClientInitializer extends ChannelInitializer<Channel> {

    private static final Logger LOG = LoggerFactory.getLogger(ClientInitializer.class);

    private final ProxyContext context;
    private final LimitsConfig limits;

    /** Creates the initializer of one listener. */
    public ClientInitializer(ProxyContext context, LimitsConfig limits) {
        this.context = context;
        this.limits = limits;
    }

    /**
     * Whether ALPN offers {@code h2} on a TLS listener. False until HTTP/2 to clients lands; then
     * the listener's {@code http2.enabled} (on by default on TLS listeners).
     */
    public static boolean offersH2(ListenerConfig listener) {
        return false;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!context.limits().admitConnection(ch)) {
            ch.close();
            return;
        }
        if (context.tls() == null) {
            http1(ch.pipeline());
        } else {
            TlsHandshakeHandler.install(ch.pipeline(), context.tls(), this::http1, this::http2);
        }
    }

    /** Installs HTTP/1.1 at the end of the pipeline. */
    void http1(ChannelPipeline p) {
        ProxyHandler proxy = new ProxyHandler(context);
        p.addLast("first-byte", proxy.firstByteHandler());
        p.addLast("http", ClientCodec.of(limits));
        p.addLast("flow", new FlowControlHandler());
        p.addLast("proxy", proxy);
    }

    /** Installs HTTP/2 at the end of the pipeline: not available yet, so a connection that negotiated it is closed. */
    void http2(ChannelPipeline p) {
        LOG.warn("{} ALPN chose h2, which this node does not serve yet: closing the connection", p.channel().id());
        p.channel().close();
    }
}
