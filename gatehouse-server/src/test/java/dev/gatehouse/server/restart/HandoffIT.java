package dev.gatehouse.server.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The socket handoff of a hitless restart, both sides in this process over a real Unix socket:
 * the listening socket that arrives is the same one (a connection queued before the handoff is
 * accepted after it), and only the expected process gets it.
 */
class HandoffIT {

    private EventLoopGroup group;
    private final List<Channel> opened = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(Epoll.isAvailable(), "epoll");
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() {
        opened.forEach(ch -> ch.close().awaitUninterruptibly());
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A listener that answers each connection with {@code name} and closes it. */
    private Channel listen(ServerBootstrap b, String name) {
        b.group(group).childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer(name, StandardCharsets.US_ASCII))
                                .addListener(f -> ctx.close());
                    }
                });
            }
        });
        return b.option(ChannelOption.AUTO_READ, false).register().syncUninterruptibly().channel();
    }

    private static String answerOf(Socket s) throws IOException {
        s.setSoTimeout(5000);
        InputStream in = s.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void theSameSocketArrivesAndQueuedConnectionsAreNotLost() throws Exception {
        Channel old = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        opened.add(old);
        InetSocketAddress address = (InetSocketAddress) old.localAddress();
        // Queued in the kernel's accept queue of the old socket: the old side never accepts it.
        Socket queued = new Socket();
        queued.connect(address, 2000);

        HandoffServer handoff = HandoffServer.open(group, List.of(old),
                CompletableFuture.completedFuture(ProcessHandle.current().pid()));
        try {
            Takeover takeover = Takeover.fromEnvironment(Map.of(Takeover.SOCKET_ENV, handoff.socket().toString(),
                    Takeover.ROLES_ENV, InheritedListeners.listenerRole(0)));
            InheritedListeners inherited = takeover.receive(Duration.ofSeconds(10));
            OptionalInt fd = inherited.claim(InheritedListeners.listenerRole(0), address);
            assertThat(fd).isPresent();
            assertThat(inherited.isEmpty()).isTrue();

            Channel taken = listen(new ServerBootstrap().channelFactory(() -> new EpollServerSocketChannel(fd.getAsInt())),
                    "new");
            opened.add(taken);
            assertThat(taken.localAddress()).isEqualTo(address);
            // The old process stops accepting: its descriptor closes, the socket stays open.
            old.close().sync();
            taken.config().setAutoRead(true);
            takeover.ready();

            assertThat(handoff.answer().get(5, TimeUnit.SECONDS)).startsWith("ready " + ProcessHandle.current().pid());
            assertThat(answerOf(queued)).isEqualTo("new");
            try (Socket fresh = new Socket()) {
                fresh.connect(address, 2000);
                assertThat(answerOf(fresh)).isEqualTo("new");
            }
        } finally {
            queued.close();
            handoff.close();
        }
        assertThat(handoff.socket()).doesNotExist();
    }

    @Test
    void onlyTheExpectedProcessGetsTheSockets() throws Exception {
        Channel old = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        opened.add(old);
        long notUs = ProcessHandle.current().pid() + 1;
        try (HandoffServer handoff = HandoffServer.open(group, List.of(old), CompletableFuture.completedFuture(notUs))) {
            Takeover takeover = Takeover.fromEnvironment(Map.of(Takeover.SOCKET_ENV, handoff.socket().toString(),
                    Takeover.ROLES_ENV, "listener:0"));
            assertThatThrownBy(() -> takeover.receive(Duration.ofSeconds(5)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("sent 0 listening sockets, not 1");
            takeover.close();
            assertThat(handoff.answer()).isNotDone();
        }
    }

    @Test
    void aFailureReportedBeforeReceivingReachesTheOldSide() throws Exception {
        Channel old = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        opened.add(old);
        try (HandoffServer handoff = HandoffServer.open(group, List.of(old),
                CompletableFuture.completedFuture(ProcessHandle.current().pid()))) {
            Takeover takeover = Takeover.fromEnvironment(Map.of(Takeover.SOCKET_ENV, handoff.socket().toString(),
                    Takeover.ROLES_ENV, "listener:0"));
            takeover.failed("config.yaml: 1 error\n  listeners[0].bind: bad");
            assertThat(handoff.answer().get(5, TimeUnit.SECONDS))
                    .isEqualTo("failed config.yaml: 1 error listeners[0].bind: bad");
        }
        // The old listener still serves.
        try (Socket s = new Socket()) {
            s.connect(old.localAddress(), 2000);
            assertThat(s.isConnected()).isTrue();
        }
    }

    @Test
    void aListenerWithPortZeroClaimsTheSocketOfItsRole() {
        var sockets = List.of(
                new InheritedListeners.Socket("listener:0", 10, new InetSocketAddress("127.0.0.1", 41000)),
                new InheritedListeners.Socket("listener:1", 11, new InetSocketAddress("127.0.0.1", 41001)),
                new InheritedListeners.Socket("admin", 12, new InetSocketAddress("127.0.0.1", 41002)));
        InheritedListeners inherited = new InheritedListeners(sockets);
        assertThat(inherited.claim("listener:1", new InetSocketAddress("127.0.0.1", 0))).hasValue(11);
        assertThat(inherited.claim("listener:0", new InetSocketAddress("127.0.0.2", 0))).isEmpty();
        // By address, whatever the role was: listeners may be reordered in the config.
        assertThat(inherited.claim("listener:5", new InetSocketAddress("127.0.0.1", 41000))).hasValue(10);
        assertThat(inherited.claim("admin", new InetSocketAddress("0.0.0.0", 41002))).isEmpty();
        assertThat(inherited.isEmpty()).isFalse();
    }

    @Test
    void aTakeoverIsOnlyForAProcessStartedForOne() {
        assertThat(Takeover.fromEnvironment(Map.of())).isNull();
        assertThat(Takeover.oneLine("a\r\nb\tc")).isEqualTo("a b c");
    }
}
