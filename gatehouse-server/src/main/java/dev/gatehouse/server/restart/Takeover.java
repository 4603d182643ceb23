package dev.gatehouse.server.restart;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The new process's side of a hitless restart. The old process starts it with two environment
 * variables: {@value #SOCKET_ENV}, the Unix socket to connect to, and {@value #ROLES_ENV}, the
 * roles of the listening sockets in the order they are sent. On a first connection this side says
 * {@code hello} and the old process sends one file descriptor per listener, then closes it; on a
 * second one this side answers one line, {@code ready <pid>} once the node serves, or
 * {@code failed <why>}.
 *
 * <p>Use: {@link #fromEnvironment}, then {@link #receive} before the node binds, then exactly one
 * of {@link #ready()} or {@link #failed(String)}. Blocking; never on an event loop.
 */
public final class Takeover implements AutoCloseable {

    /** The Unix socket of the process being replaced. */
    public static final String SOCKET_ENV = "GATEHOUSE_TAKEOVER";
    /** The roles of the sockets sent, comma-separated, in order. */
    public static final String ROLES_ENV = "GATEHOUSE_TAKEOVER_ROLES";

    private final String socket;
    private final List<String> roles;
    private EventLoopGroup group;
    private Channel channel;
    private boolean answered;

    private Takeover(String socket, List<String> roles) {
        this.socket = socket;
        this.roles = roles;
    }

    /** The takeover this process was started for, or null when it was started normally. */
    public static Takeover fromEnvironment(Map<String, String> env) {
        String socket = env.get(SOCKET_ENV);
        if (socket == null || socket.isEmpty()) {
            return null;
        }
        String roles = Objects.requireNonNullElse(env.get(ROLES_ENV), "");
        return new Takeover(socket, roles.isEmpty() ? List.of() : Arrays.asList(roles.split(",")));
    }

    /**
     * Connects to the old process and receives its listening sockets.
     *
     * @param within how long the old process may take to send them
     * @throws IOException when they cannot be received; the new process must then fail (and say so
     *                     with {@link #failed}) rather than bind the addresses itself, which would fail
     *                     or, with SO_REUSEPORT, split the traffic between two processes
     */
    public InheritedListeners receive(Duration within) throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gatehouse-takeover", true),
                EpollIoHandler.newFactory());
        CompletableFuture<List<FileDescriptor>> received = new CompletableFuture<>();
        List<FileDescriptor> fds = new ArrayList<>();
        Bootstrap b = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                .option(EpollChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer("hello\n", StandardCharsets.UTF_8));
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof FileDescriptor fd) {
                            fds.add(fd);
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        // The end of the stream is the end of the list (none when the old process refused us).
                        received.complete(List.copyOf(fds));
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        received.completeExceptionally(cause);
                        ctx.close();
                    }
                });
        List<FileDescriptor> got;
        try {
            Channel ch = b.connect(new DomainSocketAddress(socket)).sync().channel();
            try {
                got = received.get(within.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                ch.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while receiving the listening sockets", e);
        } catch (ExecutionException e) {
            throw new IOException("cannot receive the listening sockets from " + socket + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IOException("the old process sent no listening sockets within " + within.toSeconds() + " s");
        } catch (RuntimeException e) {
            throw new IOException("cannot connect to " + socket + ": " + e, e);
        }
        if (got.size() != roles.size()) {
            got.forEach(Takeover::closeQuietly);
            throw new IOException("the old process sent " + got.size() + " listening sockets, not " + roles.size()
                    + (got.isEmpty() ? " (it closed the connection: is this the process it started?)" : ""));
        }
        List<InheritedListeners.Socket> sockets = new ArrayList<>();
        for (int i = 0; i < got.size(); i++) {
            int fd = got.get(i).intValue();
            // Built only to read the address the socket is bound to; the node registers its own.
            InetSocketAddress bound = new EpollServerSocketChannel(fd).localAddress();
            sockets.add(new InheritedListeners.Socket(roles.get(i), fd, bound));
        }
        return new InheritedListeners(sockets);
    }

    /** Tells the old process that this one serves: it stops accepting and drains. */
    public void ready() {
        answer("ready " + ProcessHandle.current().pid());
    }

    /** Tells the old process that this one cannot serve, and why; the old one keeps serving. */
    public void failed(String why) {
        answer("failed " + oneLine(why));
    }

    static String oneLine(String why) {
        String s = why == null ? "unknown" : why.replaceAll("\\s*[\\r\\n\\t]+\\s*", " ").strip();
        return s.length() > 2000 ? s.substring(0, 2000) : s;
    }

    private synchronized void answer(String line) {
        if (answered) {
            return;
        }
        answered = true;
        connectForAnswer();
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(Unpooled.copiedBuffer(line + "\n", StandardCharsets.UTF_8)).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        close();
    }

    /** A connection of its own for the answer (the first one ended with the descriptors). */
    private void connectForAnswer() {
        try {
            if (group == null) {
                group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gatehouse-takeover", true),
                        EpollIoHandler.newFactory());
            }
            channel = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(new DomainSocketAddress(socket)).awaitUninterruptibly().channel();
        } catch (RuntimeException e) {
            channel = null;
        }
    }

    private static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }

    /** Closes the connection to the old process and this side's thread. */
    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
