package dev.gatehouse.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.server.tunnel.WsClient.Close;
import dev.gatehouse.server.tunnel.WsClient.Message;
import dev.gatehouse.server.tunnel.WsClient.Pong;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A WebSocket client, the proxy stand-in with a tunnel, and a WebSocket echo backend, on real sockets. */
final class TunnelIT {

    private static final int MIB = 1024 * 1024;

    private EchoBackend backend;
    private ProxyStandIn proxy;
    private EventLoopGroup clients;

    @BeforeEach
    void start() throws Exception {
        backend = new EchoBackend();
        proxy = new ProxyStandIn(backend.port(), Duration.ofMinutes(1), Duration.ofSeconds(10));
        clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        clients.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        proxy.close();
        backend.close();
    }

    private WsClient connect() throws Exception {
        return new WsClient(clients, proxy.port()).awaitHandshake();
    }

    private static byte[] bytes(int n, boolean text) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = text ? (byte) ('a' + i % 26) : (byte) (i * 131 + 17);
        }
        return b;
    }

    @ParameterizedTest
    @CsvSource({"0,true", "1,true", "65536,true", "16777216,true", "0,false", "1,false", "65536,false", "16777216,false"})
    void message_echoedIntact(int size, boolean text) throws Exception {
        try (WsClient client = connect()) {
            byte[] payload = bytes(size, text);
            client.send(text ? new TextWebSocketFrame(Unpooled.wrappedBuffer(payload))
                    : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
            assertThat(client.next()).isInstanceOfSatisfying(Message.class, m -> {
                assertThat(m.text()).isEqualTo(text);
                assertThat(m.payload()).isEqualTo(payload);
            });
        }
        assertThat(proxy.nextEnd().end()).isEqualTo(TunnelEnd.CLIENT_CLOSED);
    }

    @Test
    void fragmentedMessage_arrivesWhole() throws Exception {
        try (WsClient client = connect()) {
            client.send(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("frag", StandardCharsets.UTF_8)));
            client.send(new PingWebSocketFrame(Unpooled.copiedBuffer("between", StandardCharsets.UTF_8)));
            client.send(new ContinuationWebSocketFrame(false, 0, Unpooled.copiedBuffer("ment", StandardCharsets.UTF_8)));
            client.send(new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer("ed", StandardCharsets.UTF_8)));
            // The backend answers the ping at once, between the echoed fragments (RFC 6455 §5.4).
            assertThat(client.next()).isInstanceOf(Pong.class);
            assertThat(client.next()).isInstanceOfSatisfying(Message.class,
                    m -> assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("fragmented"));
        }
    }

    @Test
    void ping_isAnsweredWithPong() throws Exception {
        try (WsClient client = connect()) {
            client.send(new PingWebSocketFrame(Unpooled.copiedBuffer("are you there", StandardCharsets.UTF_8)));
            assertThat(client.next()).isInstanceOfSatisfying(Pong.class,
                    p -> assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("are you there"));
        }
    }

    @Test
    void clientClose_reachesBackend_andEndsTunnel() throws Exception {
        try (WsClient client = connect()) {
            client.send(new CloseWebSocketFrame(1000, "done"));
            assertThat(client.next()).isEqualTo(new Close(1000, "bye"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.channel.isActive());
        }
        assertThat(backend.closesReceived).extracting(CloseWebSocketFrame::statusCode).containsExactly(1000);
        TunnelStats stats = proxy.nextEnd();
        assertThat(stats.end()).isEqualTo(TunnelEnd.CLIENT_CLOSED);
        assertThat(stats.bytesClientToBackend()).isPositive();
        assertThat(stats.bytesBackendToClient()).isPositive();
        assertThat(stats.durationNanos()).isPositive();
    }

    @Test
    void backendClose_reachesClient() throws Exception {
        try (WsClient client = connect()) {
            client.sendText("close");
            assertThat(client.next()).isEqualTo(new Close(1000, "backend says bye"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.channel.isActive());
        }
        assertThat(proxy.nextEnd().end()).isEqualTo(TunnelEnd.BACKEND_CLOSED);
    }

    @Test
    void backendKilled_closesClient_andConnectionCountReturnsToZero() throws Exception {
        try (WsClient client = connect()) {
            Tunnel tunnel = proxy.nextTunnel();
            assertThat(proxy.pools.openConnections()).isEqualTo(1);
            backend.killConnections();
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.channel.isActive());
            assertThat(tunnel.isOpen()).isFalse();
        }
        assertThat(proxy.nextEnd().end()).isEqualTo(TunnelEnd.BACKEND_CLOSED);
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.pools.openConnections() == 0);
        assertThat(proxy.registry.size()).isZero();
    }

    @Test
    void idleTunnel_isClosedWithGoingAway() throws Exception {
        proxy.close();
        proxy = new ProxyStandIn(backend.port(), Duration.ofMillis(300), Duration.ofSeconds(2));
        try (WsClient client = connect()) {
            assertThat(client.next()).isEqualTo(new Close(1001, "idle timeout"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.channel.isActive());
        }
        assertThat(proxy.nextEnd().end()).isEqualTo(TunnelEnd.IDLE);
        assertThat(backend.closesReceived).extracting(CloseWebSocketFrame::statusCode).containsExactly(1001);
    }

    @Test
    void closeGracefully_sendsServiceRestartBothWays_thenClosesBoth() throws Exception {
        try (WsClient client = connect()) {
            Tunnel tunnel = proxy.nextTunnel();
            client.sendText("hi");
            assertThat(client.next()).isInstanceOf(Message.class);
            tunnel.closeGracefully(1012, "service restart");
            assertThat(client.next()).isEqualTo(new Close(1012, "service restart"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.channel.isActive());
        }
        assertThat(backend.closesReceived).hasSize(1).first().satisfies(c -> {
            assertThat(c.statusCode()).isEqualTo(1012);
            assertThat(c.reasonText()).isEqualTo("service restart");
        });
        assertThat(proxy.nextEnd().end()).isEqualTo(TunnelEnd.POLICY_CLOSE);
        assertThat(proxy.registry.size()).isZero();
    }

    @Test
    void closeGracefully_waitsForTheFramesInFlight_inBothDirections() throws Exception {
        int size = 16 * MIB;
        try (WsClient client = new WsClient(clients, proxy.port(), 64 * 1024, null).awaitHandshake()) {
            Tunnel tunnel = proxy.nextTunnel();
            client.channel.config().setAutoRead(false);
            // Backend to client: one 16 MiB frame that stalls mid-way, since the client does not read.
            client.sendText("send " + size);
            // Client to backend: a 16 MiB frame sent by hand, its first MiB now, the rest later.
            ByteBuf head = Unpooled.buffer().writeByte(0x82).writeByte(0x80 | 127).writeLong(size).writeInt(0);
            byte[] payload = bytes(size, false);
            client.sendRaw(head.writeBytes(payload, 0, MIB));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    tunnel.bytesClientToBackend() > MIB && tunnel.bytesBackendToClient() > 64 * 1024);
            assertThat(tunnel.bytesBackendToClient()).isLessThan(size);

            tunnel.closeGracefully(1012, "service restart");
            client.sendRaw(Unpooled.wrappedBuffer(payload, MIB, size - MIB));
            client.channel.config().setAutoRead(true);

            assertThat(client.next()).isInstanceOfSatisfying(Message.class,
                    m -> assertThat(m.payload()).isEqualTo(EchoBackend.pattern(size)));
            assertThat(client.next()).isEqualTo(new Close(1012, "service restart"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.channel.isActive());
        }
        // The backend got the whole 16 MiB frame before the Close, not a Close inside it.
        assertThat(backend.frameSizesReceived).endsWith(size);
        assertThat(backend.closesReceived).extracting(CloseWebSocketFrame::statusCode).containsExactly(1012);
        assertThat(proxy.nextEnd().end()).isEqualTo(TunnelEnd.POLICY_CLOSE);
    }

    @Test
    void clientNotReading_stopsReadingTheBackend_andKeepsMemoryBounded() throws Exception {
        int size = 24 * MIB;
        try (WsClient client = new WsClient(clients, proxy.port(), 64 * 1024, null).awaitHandshake()) {
            Tunnel tunnel = proxy.nextTunnel();
            client.channel.config().setAutoRead(false);
            client.sendText("send " + size);
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                long now = tunnel.bytesBackendToClient();
                boolean stalled = now > 0 && now == last[0];
                last[0] = now;
                return stalled;
            });
            assertThat(tunnel.bytesBackendToClient()).isLessThan(size);
            long bound = ProxyStandIn.WATER_MARK.high() + 64 * 1024;
            assertThat(tunnel.maxPendingToClient()).isLessThanOrEqualTo(bound);

            client.channel.config().setAutoRead(true);
            assertThat(client.next()).isInstanceOfSatisfying(Message.class,
                    m -> assertThat(m.payload()).isEqualTo(EchoBackend.pattern(size)));
            assertThat(tunnel.maxPendingToClient()).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void bytesAfterThe101_inTheSameWrite_reachTheClient() throws Exception {
        try (RawBackend raw = new RawBackend(RawBackend.Mode.WEBSOCKET_HELLO)) {
            proxy.close();
            proxy = new ProxyStandIn(raw.port(), Duration.ofMinutes(1), Duration.ofSeconds(2));
            try (WsClient client = connect()) {
                assertThat(client.next()).isInstanceOfSatisfying(Message.class,
                        m -> assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("hello"));
            }
            proxy.nextEnd();
        }
    }

    @Test
    void registry_countsTunnels_andClosesThoseSelected() throws Exception {
        try (WsClient v1 = new WsClient(clients, proxy.port(), 0, "v1").awaitHandshake();
             WsClient v2 = new WsClient(clients, proxy.port(), 0, "v2").awaitHandshake()) {
            proxy.nextTunnel();
            proxy.nextTunnel();
            TunnelRegistry registry = proxy.registry;
            assertThat(registry.size()).isEqualTo(2);
            assertThat(registry.count("web", "v1")).isEqualTo(1);
            assertThat(registry.count("web", "v2")).isEqualTo(1);
            assertThat(registry.count("api", "v1")).isZero();
            assertThat(registry.countByPool("web")).isEqualTo(2);
            assertThat(registry.countByBackend(proxy.backend())).isEqualTo(2);

            int closed = registry.closeWhere(t -> t.info().version().equals("v1"), 1001, "v1 drained");
            assertThat(closed).isEqualTo(1);
            assertThat(v1.next()).isEqualTo(new Close(1001, "v1 drained"));
            assertThat(proxy.nextEnd().end()).isEqualTo(TunnelEnd.POLICY_CLOSE);
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.count("web", "v1") == 0);
            assertThat(registry.count("web", "v2")).isEqualTo(1);
            assertThat(registry.counts()).containsOnlyKeys(new TunnelInfo("web", proxy.backend(), "v2"));
            assertThat(v2.channel.isActive()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.registry.size() == 0);
    }

    @Test
    void otherUpgrade_relaysBytes_andClosePolicyClosesBothConnections() throws Exception {
        try (RawBackend raw = new RawBackend(RawBackend.Mode.RAW_ECHO)) {
            proxy.close();
            proxy = new ProxyStandIn(raw.port(), Duration.ofMinutes(1), Duration.ofSeconds(2));
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write("GET /raw HTTP/1.1\r\nHost: test\r\nUpgrade: raw-echo\r\nConnection: Upgrade\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String head = readHead(in);
                assertThat(head).startsWith("HTTP/1.1 101 ");
                out.write("ping\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(in.readNBytes(6)).isEqualTo("ping\r\n".getBytes(StandardCharsets.US_ASCII));
                Tunnel tunnel = proxy.nextTunnel();
                assertThat(tunnel.isWebSocket()).isFalse();
                tunnel.closeGracefully(1012, "service restart");
                assertThat(in.read()).isEqualTo(-1);
            }
            TunnelStats stats = proxy.nextEnd();
            assertThat(stats.end()).isEqualTo(TunnelEnd.POLICY_CLOSE);
            assertThat(stats.bytesClientToBackend()).isEqualTo(6);
            assertThat(stats.bytesBackendToClient()).isEqualTo(6);
        }
    }

    @Test
    void backendConnection_isNeverPooledAgain() throws Exception {
        try (WsClient client = connect()) {
            proxy.nextTunnel().closeGracefully(1001, "going away");
            assertThat(client.next()).isEqualTo(new Close(1001, "going away"));
        }
        proxy.nextEnd();
        EventLoop loop = proxy.group().next();
        int idle = loop.submit(() -> proxy.pools.forLoop(loop).idleCount(proxy.backend())).get(5, TimeUnit.SECONDS);
        assertThat(idle).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.pools.openConnections() == 0);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.toString().endsWith("\r\n\r\n")) {
                return head.toString();
            }
        }
        throw new IOException("closed before the response head ended: " + head);
    }
}
