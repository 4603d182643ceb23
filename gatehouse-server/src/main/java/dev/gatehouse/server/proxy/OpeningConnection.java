package dev.gatehouse.server.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.util.function.Consumer;

/**
 * A client connection before it speaks HTTP: its TLS handshake (or h2c preface detection) is not
 * done, so no HTTP handler has registered it with {@link ClientConnections} yet. This holds its
 * place there, so that a drain waits for it and {@code closeAll} closes it:
 *
 * <ul>
 *   <li>registered when the connection is set up, deregistered when it closes, or once the HTTP
 *       handler has registered itself (a task later on the loop: the two overlap for one task, so
 *       the drain never sees the connection missing; {@link ClientConnections#count} may count it
 *       twice for that moment);</li>
 *   <li>a drain closes it at once while the client has sent nothing (no ClientHello, no preface):
 *       nothing is in flight; once bytes arrived the handshake may finish (its own timeout bounds it,
 *       then the drain's deadline) and the HTTP handler it installs is drained like any other.</li>
 * </ul>
 *
 * <p>The handler sits first in the pipeline until the first read, then removes itself. Loop-confined.
 */
final class OpeningConnection extends ChannelInboundHandlerAdapter implements ClientConnection {

    private final Channel channel;
    private final ClientConnections connections;
    private boolean heard;
    private boolean speaking;

    private OpeningConnection(Channel channel, ClientConnections connections) {
        this.channel = channel;
        this.connections = connections;
    }

    /** Registers a new connection whose protocol is not chosen yet; call from its initializer. */
    static OpeningConnection register(Channel ch, ClientConnections connections) {
        OpeningConnection c = new OpeningConnection(ch, connections);
        ch.pipeline().addFirst("opening", c);
        connections.opened(c);
        ch.closeFuture().addListener(f -> connections.closed(c));
        return c;
    }

    /** Wraps a protocol's installer: once it ran (and its handler registered itself), this place is given up. */
    Consumer<ChannelPipeline> then(Consumer<ChannelPipeline> install) {
        return p -> {
            speaking = true;
            install.accept(p);
            channel.eventLoop().execute(() -> connections.closed(this));
        };
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        heard = true;
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public void drain() {
        if (!heard && !speaking) {
            channel.close();
        }
    }
}
