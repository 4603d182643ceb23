package dev.gatehouse.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real WebSocket server for tests and benchmarks: binds 127.0.0.1 (port 0 by default) and echoes
 * every whole message back with its type, after aggregating fragmented input.
 *
 * <pre>{@code
 * try (var backend = WebSocketEchoBackend.start("v1");
 *      var client = WebSocketTestClient.connect(backend.port(), "/ws")) {
 *     assertThat(client.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
 *     client.sendText("hi");
 *     assertThat(client.awaitMessage(WAIT).text()).isEqualTo("hi");
 * }
 * }</pre>
 *
 * <p>Any path upgrades. Besides echoing it answers pings with a pong carrying the same payload,
 * records the close codes clients send ({@link #closeCodesReceived()}), starts the closing
 * handshake on request ({@link #closeWebSockets(int, String)}), drops every socket at once like a
 * crashed process ({@link #kill()}) and can refuse upgrades with a plain HTTP response
 * ({@link #refuseUpgrades(int, String)}), so that tests can drive a proxy's tunnels through each of
 * those cases. Plain HTTP GETs are answered too: {@code /health} with 200 {@code ok}, anything
 * else with 200 {@code hello from <label>}; every HTTP answer, the 101 included, carries the label
 * in {@value #LABEL_HEADER}.
 *
 * <p>With the greeting on (the default) the backend sends one text message {@code hello from
 * <label>} right after the handshake, which lets a test tell which version answered. Messages are
 * held whole, up to {@link #MAX_MESSAGE_BYTES}; that is fine for a fixture, not for a server. Each
 * backend has its own one-thread event loop group.
 */
public final class WebSocketEchoBackend implements AutoCloseable {

    /** The response header carrying the backend's label. */
    public static final String LABEL_HEADER = "X-Backend";

    /** The largest message, whole or summed over its fragments, that the backend accepts. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private static final String HOST = "127.0.0.1";

    /** Large enough for handshakes with many headers; HTTP bodies sent to it are small. */
    private static final int MAX_HTTP_REQUEST_BYTES = 64 * 1024;

    private final String label;
    private final boolean greeting;
    private final EventLoopGroup group;
    private final ChannelGroup channels;
    private final ChannelGroup webSockets;
    private final Channel server;
    private final int port;
    private final AtomicInteger openWebSockets = new AtomicInteger();
    private final AtomicInteger webSocketsAccepted = new AtomicInteger();
    private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    private volatile Refusal refusal;

    /** A status and body that upgrade requests get instead of a 101, while set. */
    record Refusal(HttpResponseStatus status, String body) {
    }

    private WebSocketEchoBackend(String label, int port, boolean greeting) {
        this.label = label;
        this.greeting = greeting;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ws-echo-" + label, true),
                NioIoHandler.newFactory());
        this.channels = new DefaultChannelGroup("ws-echo-" + label, group.next());
        this.webSockets = new DefaultChannelGroup("ws-echo-" + label + "-upgraded", group.next());
        try {
            this.server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            ch.pipeline().addLast("codec", new HttpServerCodec());
                            // Aggregated so that the handshaker gets a FullHttpRequest; the
                            // handshake removes it from the pipeline again.
                            ch.pipeline().addLast("aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES));
                            ch.pipeline().addLast("echo", new WebSocketEchoHandler(WebSocketEchoBackend.this));
                        }
                    })
                    .bind(HOST, port)
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
        channels.add(server);
        this.port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * Starts a backend with the greeting on, on a free port.
     *
     * @param label the label it names in its greeting, header and HTTP answers (e.g. a version)
     * @return the running backend
     */
    public static WebSocketEchoBackend start(String label) {
        return start(label, 0, true);
    }

    /**
     * Starts a backend on a given port of 127.0.0.1.
     *
     * @param label the label it names in its greeting, header and HTTP answers
     * @param port the port, or 0 for a free one
     * @param greeting whether to send {@code hello from <label>} right after each handshake
     * @return the running backend
     */
    public static WebSocketEchoBackend start(String label, int port, boolean greeting) {
        Objects.requireNonNull(label, "label");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        return new WebSocketEchoBackend(label, port, greeting);
    }

    /**
     * Returns the backend's label.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * Returns the port the backend listens on.
     *
     * @return the bound port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the address to configure a proxy with.
     *
     * @return {@code "127.0.0.1:<port>"}
     */
    public String address() {
        return HOST + ":" + port;
    }

    /**
     * Returns the greeting sent after each handshake, whether or not it is switched on.
     *
     * @return {@code "hello from <label>"}
     */
    public String greeting() {
        return "hello from " + label;
    }

    /**
     * Returns how many WebSocket connections are open right now (handshake done, TCP not closed).
     *
     * @return the count
     */
    public int openWebSockets() {
        return openWebSockets.get();
    }

    /**
     * Returns how many handshakes the backend has completed since it started.
     *
     * @return the total
     */
    public int webSocketsAccepted() {
        return webSocketsAccepted.get();
    }

    /**
     * Returns the status codes of the Close frames clients sent, in arrival order; a Close without
     * a code is recorded as 1005 (RFC 6455, 7.4.1).
     *
     * @return a snapshot copy
     */
    public List<Integer> closeCodesReceived() {
        return List.copyOf(closeCodes);
    }

    /**
     * Makes upgrade requests arriving from now on get a plain HTTP response with this status and
     * body instead of a 101; plain HTTP requests are answered as before.
     *
     * @param status the status, e.g. 403
     * @param body the body, sent as {@code text/plain; charset=utf-8}
     */
    public void refuseUpgrades(int status, String body) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 200-599)");
        }
        this.refusal = new Refusal(HttpResponseStatus.valueOf(status), Objects.requireNonNull(body, "body"));
    }

    /** Makes upgrade requests succeed again after {@link #refuseUpgrades(int, String)}. */
    public void acceptUpgrades() {
        this.refusal = null;
    }

    /**
     * Starts the closing handshake on every open WebSocket: sends a Close frame with this code and
     * reason, then closes the TCP connection once the client answered with its Close (or after a
     * few seconds when it does not). Returns at once.
     *
     * @param code the status code, e.g. 1001 (going away)
     * @param reason the reason, at most 123 bytes of UTF-8
     */
    public void closeWebSockets(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        for (Channel ch : webSockets) {
            WebSocketEchoHandler handler = ch.pipeline().get(WebSocketEchoHandler.class);
            if (handler != null) {
                ch.eventLoop().execute(() -> handler.startClose(code, reason));
            }
        }
    }

    /**
     * Closes every socket at once, the listening one included, without any Close frame: what
     * clients see when the backend process is killed (the kernel ends each connection with a
     * FIN). Waits until they are closed. The backend accepts nothing afterwards; {@link #close()}
     * still has to be called to stop its thread.
     */
    public void kill() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Closes the listening socket and every connection, then stops the event loop and waits. */
    @Override
    public void close() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    // ---- called by the connections -----------------------------------------------------------

    boolean greetingOn() {
        return greeting;
    }

    Refusal refusal() {
        return refusal;
    }

    void webSocketOpened(Channel ch) {
        webSockets.add(ch);
        webSocketsAccepted.incrementAndGet();
        openWebSockets.incrementAndGet();
        ch.closeFuture().addListener(f -> openWebSockets.decrementAndGet());
    }

    void closeCodeReceived(int code) {
        closeCodes.add(code);
    }

    @Override
    public String toString() {
        return "WebSocketEchoBackend[" + label + " at " + address() + "]";
    }
}
