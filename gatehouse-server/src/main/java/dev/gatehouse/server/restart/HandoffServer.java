package dev.gatehouse.server.restart;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old process's side of a hitless restart: a Unix socket in a directory only this user can
 * enter, served to the new process only (the peer's pid is checked on every connection). Each
 * connection sends one line. {@code hello}: the listening sockets are sent back, one file
 * descriptor per listener in a fixed order, then the connection closes (the end of the list).
 * {@code ready <pid>} or {@code failed <why>}: the new process's answer, {@link #answer()}. (A
 * connection reading descriptors ends at the end of stream, so the answer needs one of its own.)
 */
final class HandoffServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HandoffServer.class);
    /** Long enough for any answer line the new process sends (it cuts them at 2000 characters). */
    private static final int MAX_LINE = 4096;

    private final Path dir;
    private final Path socket;
    private final Channel server;
    private final CompletableFuture<Long> childPid;
    private final CompletableFuture<String> answer = new CompletableFuture<>();

    private HandoffServer(Path dir, Path socket, Channel server, CompletableFuture<Long> childPid) {
        this.dir = dir;
        this.socket = socket;
        this.server = server;
        this.childPid = childPid;
    }

    /**
     * Opens the socket.
     *
     * @param group     an epoll event loop group
     * @param listeners the listening channels (epoll), in the order of their roles
     * @param childPid  completes with the new process's pid once it is started: only it is served
     */
    static HandoffServer open(EventLoopGroup group, List<Channel> listeners, CompletableFuture<Long> childPid)
            throws IOException {
        Path dir = Files.createTempDirectory("gatehouse-restart-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = dir.resolve("takeover.sock");
        HandoffServer[] self = new HandoffServer[1];
        Channel server;
        try {
            server = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                        @Override
                        protected void initChannel(EpollDomainSocketChannel ch) {
                            self[0].accepted(ch, listeners);
                        }
                    })
                    .bind(new DomainSocketAddress(socket.toString())).sync().channel();
        } catch (Exception e) {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
            throw new IOException("cannot open the restart socket " + socket + ": " + e.getMessage(), e);
        }
        self[0] = new HandoffServer(dir, socket, server, childPid);
        return self[0];
    }

    /** The socket's path, for the new process's environment. */
    Path socket() {
        return socket;
    }

    /** Completes with the new process's line ({@code ready <pid>} or {@code failed <why>}). */
    CompletableFuture<String> answer() {
        return answer;
    }

    private void accepted(EpollDomainSocketChannel ch, List<Channel> listeners) {
        ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE), new StringDecoder(StandardCharsets.UTF_8),
                new SimpleChannelInboundHandler<String>() {
                    /** Read at once: a peer that sends its answer and closes is gone by the time it is read. */
                    private long peerPid = -1;

                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        try {
                            peerPid = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials().pid();
                        } catch (IOException e) {
                            LOG.warn("restart socket: cannot read the peer's credentials ({}); connection closed",
                                    e.toString());
                            ctx.close();
                        }
                    }

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, String line) {
                        String said = line.strip();
                        // The pid is known before the new process can have started its JVM and
                        // connected; waiting on it costs nothing and closes the race.
                        childPid.thenAccept(pid -> ctx.executor().execute(() -> {
                            if (fromChild(ctx, peerPid, pid)) {
                                if (said.equals("hello")) {
                                    send(ctx, listeners);
                                } else {
                                    answer.complete(said);
                                    ctx.close();
                                }
                            }
                        }));
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        LOG.debug("restart socket: {}", cause.toString());
                        ctx.close();
                    }
                });
    }

    private static boolean fromChild(ChannelHandlerContext ctx, long peerPid, long pid) {
        if (peerPid != pid) {
            LOG.warn("restart socket: a connection from pid {}, not from the new process {}; closed", peerPid, pid);
            ctx.close();
            return false;
        }
        return true;
    }

    private static void send(ChannelHandlerContext ctx, List<Channel> listeners) {
        for (Channel listener : listeners) {
            // The same open socket, not a copy of it: both processes accept from one queue until
            // this one closes its descriptor.
            ctx.write(new FileDescriptor(((UnixChannel) listener).fd().intValue()));
        }
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.warn("restart socket: sending the listening sockets failed: {}", f.cause().toString());
            }
            // Descriptors in flight stay valid after this side closes: the end of stream ends the list.
            ctx.close();
        });
    }

    /** Closes the socket and removes its file and directory. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debug("restart socket {}: {}", socket, e.toString());
        }
    }
}
