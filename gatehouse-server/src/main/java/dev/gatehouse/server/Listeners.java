package dev.gatehouse.server;

import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.server.admin.AdminServer;
import dev.gatehouse.server.proxy.ClientConnections;
import dev.gatehouse.server.proxy.ClientInitializer;
import dev.gatehouse.server.proxy.ProxyContext;
import dev.gatehouse.server.restart.InheritedListeners;
import dev.gatehouse.server.restart.NodeRestart;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's client listeners: one server socket per configured listener, bound here or taken over
 * from the process this one replaces, each accepted connection getting that listener's
 * {@link ClientInitializer} pipeline.
 *
 * <p>Lifecycle: {@link #bind} registers every socket with accepting off; {@link #accept} turns it on
 * once the whole node has started, so a node that fails half-way accepted nothing. Called by
 * {@link GatehouseServer} only, from its start and stop (not from an event loop).
 */
final class Listeners {

    // The node's start lines, logged under the server's name as they were before this class existed.
    private static final Logger LOG = LoggerFactory.getLogger(GatehouseServer.class);
    /** How client connections size their reads: Netty's default, one instance for all (it holds no state). */
    private static final AdaptiveRecvByteBufAllocator CLIENT_READS = new AdaptiveRecvByteBufAllocator();

    private final GatehouseConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    /** In config order; read by the restart from another thread once start has returned. */
    private final List<Channel> channels = new ArrayList<>();

    Listeners(GatehouseConfig config, Transport transport, EventLoopGroup group) {
        this.config = config;
        this.transport = transport;
        this.group = group;
    }

    /**
     * Binds every listener, or registers the socket inherited for its role, with accepting off.
     *
     * @param contexts  the shared context of the listener at an index
     * @param inherited the sockets of the process this one replaces; each listener claims its own
     * @throws java.io.IOException naming the listener that cannot listen; the ones bound before it are closed
     */
    void bind(IntFunction<ProxyContext> contexts, InheritedListeners inherited) throws java.io.IOException {
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig listener = config.listeners().get(i);
            InetSocketAddress address = new InetSocketAddress(listener.bind().host(), listener.bind().port());
            var fd = inherited.claim(InheritedListeners.listenerRole(i), address);
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channelFactory(transport.serverChannels(fd))
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    // Accepting starts once the whole node has started (see accept).
                    .option(ChannelOption.AUTO_READ, false)
                    // Up to 16 connections accepted per loop turn. Netty's default for a listening
                    // channel stops after each accept when "maybe more data" is false, which on epoll
                    // it always is (the accepted fd is compared with 1 "attempted byte"): one accept
                    // per turn, so a burst of 512 connects waits up to a second in the accept queue
                    // behind the turns serving the connections already accepted. NIO does 16 already.
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new ServerChannelRecvByteBufAllocator().respectMaybeMoreData(false).maxMessagesPerRead(16))
                    .childOption(ChannelOption.AUTO_READ, false)
                    // One allocator (Netty's default kind) for every connection: each would else get
                    // its own, 32 bytes of heap per connection, idle ones too.
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, CLIENT_READS)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                    .childHandler(new ClientInitializer(contexts.apply(i), config.limits(), listener.http2()));
            try {
                Channel ch = fd.isPresent() ? b.register().sync().channel() : b.bind(address).sync().channel();
                channels.add(ch);
                LOG.info("listening on {} (transport {}, {} event loops)", ch.localAddress(), transport.name(), threadCount());
            } catch (Exception e) {
                channels.forEach(Channel::close);
                throw new java.io.IOException("cannot listen on " + listener.bind() + ": " + e.getMessage(), e);
            }
        }
    }

    private int threadCount() {
        int n = 0;
        for (var ignored : group) {
            n++;
        }
        return n;
    }

    /** Starts accepting on every listener. */
    void accept() {
        channels.forEach(ch -> ch.config().setAutoRead(true));
    }

    /** Closes every listening socket without waiting (a start that failed). */
    void closeNow() {
        channels.forEach(Channel::close);
    }

    /**
     * Stops accepting, then lets the connections accepted finish what they carry for up to
     * {@code drain} (see {@link ClientConnections#drain}), then closes whatever is left. Blocks.
     *
     * @param handedOver whether a new process took over (tunnels then follow their pool's policy)
     */
    void drain(ClientConnections connections, boolean handedOver, Duration drain) {
        LOG.info("{}: no new connections; draining {} open connections for up to {} ms",
                handedOver ? "handed over to the new process" : "shutting down", connections.count(), drain.toMillis());
        channels.forEach(ch -> ch.close().syncUninterruptibly());
        try {
            connections.drain(handedOver, drain).get(drain.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("drained: every in-flight request finished");
        } catch (TimeoutException e) {
            LOG.warn("drain timeout: closing {} connections with requests still in flight", connections.count());
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
        connections.closeAll();
    }

    /** The addresses the listeners are bound to, in config order. */
    List<InetSocketAddress> addresses() {
        return channels.stream().map(ch -> (InetSocketAddress) ch.localAddress()).toList();
    }

    /**
     * The listening sockets with their roles, for a restart to hand over.
     *
     * @param admin the node's admin listener, handed over with them; null when there is none (yet)
     */
    List<NodeRestart.Listening> listening(AdminServer admin) {
        List<NodeRestart.Listening> all = new ArrayList<>();
        for (int i = 0; i < channels.size(); i++) {
            all.add(new NodeRestart.Listening(InheritedListeners.listenerRole(i), channels.get(i)));
        }
        if (admin != null && admin.channel() != null) {
            all.add(new NodeRestart.Listening(InheritedListeners.ADMIN, admin.channel()));
        }
        return all;
    }
}
