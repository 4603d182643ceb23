package dev.gatehouse.server.restart;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd (a unit with {@code Type=notify} and {@code NotifyAccess=all}) that the node
 * serves, and after a hitless restart which process is now the service's main one: without
 * {@code MAINPID}, systemd would take the old process's exit for the end of the service and stop
 * the new one with it. The protocol of {@code sd_notify(3)}: one datagram of {@code KEY=value}
 * lines to the Unix socket named by {@code $NOTIFY_SOCKET}. Without that variable it does nothing.
 */
public final class ServiceManager {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceManager.class);

    private ServiceManager() {
    }

    /** The node serves: {@code READY=1}, with {@code MAINPID} of this process after a takeover. */
    public static void ready(boolean tookOver) {
        String socket = System.getenv("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return;
        }
        String message = (tookOver ? "MAINPID=" + ProcessHandle.current().pid() + "\n" : "") + "READY=1\n";
        if (!notify(socket, message)) {
            LOG.warn("could not tell the service manager at {} that the node serves", socket);
        }
    }

    /**
     * Sends one notification.
     *
     * @param socket  the path of the notify socket (abstract sockets, starting with {@code @}, are
     *                not supported: systemd's is a path)
     * @param message {@code KEY=value} lines
     * @return whether it was sent
     */
    static boolean notify(String socket, String message) {
        if (socket.startsWith("@") || !Epoll.isAvailable()) {
            return false;
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gatehouse-notify", true),
                EpollIoHandler.newFactory());
        try {
            Channel ch = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(new DomainSocketAddress(socket)).syncUninterruptibly().channel();
            var write = ch.writeAndFlush(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
            boolean sent = write.awaitUninterruptibly(2, TimeUnit.SECONDS) && write.isSuccess();
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            return sent;
        } catch (RuntimeException e) {
            LOG.debug("notify {}: {}", socket, e.toString());
            return false;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
