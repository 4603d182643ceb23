package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.server.codec.ClientCodec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.flow.FlowControlHandler;

/**
 * The pipeline of a client connection: first-byte detection, the strict HTTP/1.1 codec
 * ({@link ClientCodec}), flow control (one decoded message per read, so pipelined requests wait
 * their turn), the proxy. A connection past its client's {@code max_connections_per_client} gets
 * no pipeline: it is closed as soon as it is accepted, before a byte of it is read.
 */
@ChannelHandler.Sharable
public final class ClientInitializer extends ChannelInitializer<Channel> {

    private final ProxyContext context;
    private final LimitsConfig limits;

    /** Creates the initializer of one listener. */
    public ClientInitializer(ProxyContext context, LimitsConfig limits) {
        this.context = context;
        this.limits = limits;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!context.limits().admitConnection(ch)) {
            ch.close();
            return;
        }
        ProxyHandler proxy = new ProxyHandler(context);
        ch.pipeline().addLast("first-byte", proxy.firstByteHandler());
        ch.pipeline().addLast("http", ClientCodec.of(limits));
        ch.pipeline().addLast("flow", new FlowControlHandler());
        ch.pipeline().addLast("proxy", proxy);
    }
}
