package dev.gatehouse.server.upstream;

import dev.gatehouse.server.Transport;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.internal.PlatformDependent;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;

/**
 * Makes new backend connections, the cheap way: once per request for backends that close after
 * every answer (gunicorn's sync workers), so each step counts. What a {@code Bootstrap} would do,
 * without what it costs per connect and a proxy does not need: no copy of the bootstrap, no
 * reflection, no channel initializer added and removed, no resolver lookup (addresses are resolved
 * ahead, {@link UpstreamPools#prepare}). The socket is of the remote's address family (an IPv4
 * backend gets an IPv4 socket, not a dual-stack IPv6 one with its extra option and mapping), and
 * options that are the transport's defaults already are not set twice.
 *
 * <p>Thread-safe: holds only settings.
 */
final class BackendChannels {

    private final boolean epoll;
    private final boolean nio;
    /** Another transport's channel class (io_uring, say): made through its constructors. */
    private final Class<? extends SocketChannel> other;
    private final int connectTimeoutMillis;
    private final WriteBufferWaterMark waterMark;
    private final UpstreamInitializer initializer;

    BackendChannels(Transport transport, int connectTimeoutMillis, WriteBufferWaterMark waterMark,
                    UpstreamInitializer initializer) {
        this.epoll = transport.clientChannel() == EpollSocketChannel.class;
        this.nio = transport.clientChannel() == NioSocketChannel.class;
        this.other = epoll || nio ? null : transport.clientChannel();
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.waterMark = waterMark;
        this.initializer = initializer;
    }

    /**
     * Opens a connection to {@code remote} on {@code loop} for {@code handler} (whose key says
     * whether TLS comes first): the channel is set up, registered and connected. Must be called on
     * {@code loop}. An unresolved {@code remote} fails the returned future.
     *
     * @throws RuntimeException when no connection could even be started (no socket: out of file
     *                          descriptors; a TLS handler that cannot be made); nothing is left open
     */
    ChannelFuture connect(EventLoop loop, InetSocketAddress remote, UpstreamHandler handler) {
        SocketChannel ch = newChannel(remote.getAddress());
        try {
            setUp(ch, handler);
        } catch (RuntimeException e) {
            ch.unsafe().closeForcibly();
            throw e;
        }
        ChannelFuture registered = loop.register(ch);
        if (registered.isDone() && !registered.isSuccess()) {
            return registered;
        }
        // On the loop, registration is done by now; the connect is queued behind it otherwise.
        return ch.connect(remote);
    }

    private void setUp(SocketChannel ch, UpstreamHandler handler) {
        // Auto-read off: the exchange asks for each read. Keep-alive probes find a backend that
        // vanished from under an idle pooled connection.
        ch.config().setAutoRead(false);
        ch.config().setConnectTimeoutMillis(connectTimeoutMillis);
        ch.config().setWriteBufferWaterMark(waterMark);
        ch.config().setKeepAlive(true);
        if (!epoll || !PlatformDependent.canEnableTcpNoDelayByDefault()) {
            // The epoll channel's config turns Nagle off by itself where it can.
            ch.config().setTcpNoDelay(true);
        }
        initializer.init(ch, handler);
    }

    private SocketChannel newChannel(InetAddress address) {
        SocketProtocolFamily family = address instanceof Inet4Address ? SocketProtocolFamily.INET
                : address instanceof Inet6Address ? SocketProtocolFamily.INET6 : null;
        if (epoll) {
            return family == null ? new EpollSocketChannel() : new EpollSocketChannel(family);
        }
        if (nio) {
            return family == null ? new NioSocketChannel() : new NioSocketChannel(SelectorProvider.provider(), family);
        }
        return reflective(family);
    }

    /** A channel of a transport this class does not name: by its family constructor if it has one. */
    private SocketChannel reflective(SocketProtocolFamily family) {
        try {
            if (family != null) {
                try {
                    return other.getConstructor(SocketProtocolFamily.class).newInstance(family);
                } catch (NoSuchMethodException e) {
                    // Only a no-argument constructor: a dual-stack socket, as a Bootstrap would make.
                }
            }
            return other.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + other.getSimpleName() + ": " + e, e);
        }
    }
}
