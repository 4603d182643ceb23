package dev.gatehouse.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/**
 * The I/O transport: native epoll on Linux when its library loads, NIO elsewhere. The system
 * property {@code gatehouse.transport} ({@code auto}, {@code epoll}, {@code io_uring}, {@code nio})
 * overrides it; {@code io_uring} is never chosen by itself (see {@link #canPassSockets()}).
 *
 * @param name          {@code epoll}, {@code io_uring} or {@code nio}
 * @param ioHandlers    creates the event loops' I/O handlers
 * @param serverChannel the listening channel class
 * @param clientChannel the outbound (backend) channel class
 */
public record Transport(
        String name,
        IoHandlerFactory ioHandlers,
        Class<? extends ServerChannel> serverChannel,
        Class<? extends SocketChannel> clientChannel) {

    /** Chooses the transport for this machine. */
    public static Transport detect() {
        String wanted = System.getProperty("gatehouse.transport", "auto").toLowerCase(Locale.ROOT);
        if (wanted.equals("io_uring")) {
            // Opt-in: less CPU per request than epoll in some runs, more in others
            // (docs/benchmarks.md); a listening socket cannot be handed to a new process on it,
            // so no hitless restart.
            IoUring.ensureAvailability();
            return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                    IoUringSocketChannel.class);
        }
        boolean epoll = switch (wanted) {
            case "nio" -> false;
            case "epoll" -> {
                Epoll.ensureAvailability();
                yield true;
            }
            default -> Epoll.isAvailable();
        };
        return epoll
                ? new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class)
                : new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** Whether listening sockets can be passed to another process and taken over (epoll only). */
    public boolean canPassSockets() {
        return serverChannel == EpollServerSocketChannel.class;
    }

    /**
     * Creates the listening channel: a new one, or the one around {@code inherited}, a socket taken
     * over from the process this one replaces (then register it rather than bind it).
     *
     * @throws IllegalStateException for an inherited socket on a transport that cannot take one over
     */
    public io.netty.channel.ChannelFactory<ServerChannel> serverChannels(java.util.OptionalInt inherited) {
        if (inherited.isEmpty()) {
            return new io.netty.channel.ReflectiveChannelFactory<>(serverChannel);
        }
        if (!canPassSockets()) {
            throw new IllegalStateException("the " + name + " transport cannot take over a listening socket");
        }
        int fd = inherited.getAsInt();
        return () -> new EpollServerSocketChannel(fd);
    }

    /** The UDP channel class of this transport (DNS queries). */
    public Class<? extends io.netty.channel.socket.DatagramChannel> datagramChannel() {
        if (serverChannel == IoUringServerSocketChannel.class) {
            return IoUringDatagramChannel.class;
        }
        return canPassSockets() ? io.netty.channel.epoll.EpollDatagramChannel.class
                : io.netty.channel.socket.nio.NioDatagramChannel.class;
    }

    /** Creates an event loop group of this transport. */
    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix, true), ioHandlers);
    }
}
