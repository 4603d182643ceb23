package dev.gatehouse.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.TimeoutsConfig;
import dev.gatehouse.core.config.UpstreamConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.Transport;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehavior;
import dev.gatehouse.testing.StubBehaviors;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpObject;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * New backend connections ({@link BackendChannels}) on real sockets: a backend that closes after
 * every answer (gunicorn's sync workers) costs a connection per request and nothing else goes
 * wrong; on each transport a connection is made, pooled and reused, and a refused connect is a
 * failed acquire.
 */
final class BackendChannelsIT {

    @Test
    void backendThatClosesAfterEveryAnswer_eachRequestGetsANewConnection_andEveryOneSucceeds() throws Exception {
        StubBehavior closing = ex -> {
            ex.closeAfterResponse();
            StubBehaviors.standard("sync").handle(ex);
        };
        try (StubBackend backend = StubBackend.start("sync", closing);
             TestNode node = TestNode.builder().backend(backend.address()).accessLog(false).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            for (int i = 0; i < 50; i++) {
                RawHttpResponse r = client.send("GET /r" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                assertThat(r.status()).as("request %d", i).isEqualTo(200);
                assertThat(r.bodyText()).startsWith("sync");
            }
            assertThat(backend.connectionsAccepted()).isEqualTo(50);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> backend.openConnections() == 0);
        }
    }

    @Test
    void backendThatAnnouncesItsClose_closesFirst_andOneThatDoesNot_isClosedAfterTheGrace() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             TestNode node = TestNode.builder().backend("127.0.0.1:" + server.getLocalPort()).accessLog(false).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            CompletableFuture<java.net.Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    java.net.Socket s = server.accept();
                    // The request head ends with an empty line; then an answer that announces the close.
                    java.io.InputStream in = s.getInputStream();
                    int matched = 0;
                    while (matched < 4) {
                        int b = in.read();
                        if (b < 0) {
                            throw new java.io.EOFException("request cut short");
                        }
                        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    return s;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            RawHttpResponse r = client.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertThat(r.status()).isEqualTo(200);
            long answered = System.nanoTime();
            try (java.net.Socket s = accepted.get(5, TimeUnit.SECONDS)) {
                // The node leaves the close to the backend that announced it (so TIME_WAIT is
                // the backend's), and closes the connection itself only after its grace.
                s.setSoTimeout(5000);
                assertThat(s.getInputStream().read()).isEqualTo(-1);
                long waited = System.nanoTime() - answered;
                assertThat(waited).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1500))
                        .isLessThan(TimeUnit.SECONDS.toNanos(4));
            }
        }
    }

    static Stream<Transport> transports() {
        Transport nio = new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
        return Epoll.isAvailable()
                ? Stream.of(nio, new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                        EpollSocketChannel.class))
                : Stream.of(nio);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void overEachTransport_aConnectionIsMade_pooled_andReused_andARefusedOneFails(Transport transport) throws Exception {
        EventLoopGroup group = transport.newGroup(1, "backend-channels-it");
        try (StubBackend backend = StubBackend.start("b")) {
            UpstreamPools pools = new UpstreamPools(transport, UpstreamConfig.DEFAULTS, TimeoutsConfig.DEFAULTS, 64 * 1024);
            HostPort address = HostPort.parse(backend.address());
            pools.prepare(List.of(address));
            EventLoop loop = group.next();

            Acquired first = acquire(loop, pools, address);
            assertThat(first.channel().isActive()).isTrue();
            assertThat(first.reused()).isFalse();
            assertThat(((InetSocketAddress) first.channel().remoteAddress()).getPort()).isEqualTo(backend.port());
            loop.submit(() -> pools.forLoop(loop).release(first.channel())).get(5, TimeUnit.SECONDS);

            Acquired second = acquire(loop, pools, address);
            assertThat(second.reused()).isTrue();
            assertThat(second.channel()).isSameAs(first.channel());
            loop.submit(() -> pools.forLoop(loop).discard(second.channel())).get(5, TimeUnit.SECONDS);

            int closedPort;
            try (ServerSocket s = new ServerSocket(0)) {
                closedPort = s.getLocalPort();
            }
            HostPort closed = new HostPort("127.0.0.1", closedPort);
            pools.prepare(List.of(closed));
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            loop.execute(() -> pools.forLoop(loop).acquire(closed, NO_OWNER, new AcquireCallback() {
                @Override
                public void acquired(Channel upstream, boolean reused) {
                    failed.completeExceptionally(new AssertionError("connected to a closed port"));
                }

                @Override
                public void acquireFailed(Throwable cause) {
                    failed.complete(cause);
                }
            }, false));
            Throwable cause = failed.get(5, TimeUnit.SECONDS);
            assertThat(cause).as(cause.toString()).isInstanceOf(java.net.ConnectException.class);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> pools.openConnections() == 0);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private record Acquired(Channel channel, boolean reused) {
    }

    private static Acquired acquire(EventLoop loop, UpstreamPools pools, HostPort address) throws Exception {
        CompletableFuture<Acquired> got = new CompletableFuture<>();
        loop.execute(() -> pools.forLoop(loop).acquire(address, NO_OWNER, new AcquireCallback() {
            @Override
            public void acquired(Channel upstream, boolean reused) {
                got.complete(new Acquired(upstream, reused));
            }

            @Override
            public void acquireFailed(Throwable cause) {
                got.completeExceptionally(cause);
            }
        }, false));
        return got.get(5, TimeUnit.SECONDS);
    }

    /** An owner that expects nothing: no request is sent on these connections. */
    private static final UpstreamListener NO_OWNER = new UpstreamListener() {
        @Override
        public void upstreamRead(Channel upstream, HttpObject msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void upstreamReadComplete(Channel upstream) {
        }

        @Override
        public void upstreamWritabilityChanged(Channel upstream) {
        }

        @Override
        public void upstreamClosed(Channel upstream, Throwable cause) {
        }
    };
}
