package dev.gatehouse.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client with a blocking API for tests: connects, sends frames, and waits for what
 * comes back with a timeout.
 *
 * <pre>{@code
 * try (var client = WebSocketTestClient.connect(node.port(), "/ws")) {
 *     client.sendText("hi");
 *     assertThat(client.awaitMessage(WAIT).text()).isEqualTo("hi");
 *     client.sendClose(1000, "bye");
 *     assertThat(client.awaitClose(WAIT).code()).isEqualTo(1000);
 * }
 * }</pre>
 *
 * <p>Received messages are whole (fragments joined) and queued in arrival order; pongs have their
 * own queue. A ping from the peer is answered with a pong, and a Close from the peer with a Close
 * carrying the same code unless {@link Options#replyToClose(boolean)} turned that off. A handshake
 * answered with anything but a valid 101 throws {@link WebSocketHandshakeFailedException}, which
 * holds the status, headers and body. Each client has its own one-thread event loop group, freed
 * by {@link #close()}.
 */
public final class WebSocketTestClient implements AutoCloseable {

    /** The largest message the client accepts, whole or summed over its fragments. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    /** Enough for an error page a proxy sends instead of a 101. */
    private static final int MAX_HANDSHAKE_RESPONSE_BYTES = 1024 * 1024;

    private final String url;
    private final EventLoopGroup group;
    private final Channel channel;
    private final WebSocketTestClientHandler handler;
    private final WebSocketTestClientHandler.HandshakeResponse handshake;
    private final Duration timeout;

    private WebSocketTestClient(String url, EventLoopGroup group, Channel channel, WebSocketTestClientHandler handler,
            WebSocketTestClientHandler.HandshakeResponse handshake, Duration timeout) {
        this.url = url;
        this.group = group;
        this.channel = channel;
        this.handler = handler;
        this.handshake = handshake;
        this.timeout = timeout;
    }

    /**
     * Returns default options, to change and pass to {@link #connect(String, Options)}.
     *
     * @return new options
     */
    public static Options options() {
        return new Options();
    }

    /**
     * Connects to {@code ws://127.0.0.1:<port><path>} with default options.
     *
     * @param port the port
     * @param path the request target, starting with {@code /}
     * @return the open client
     * @throws WebSocketHandshakeFailedException when the server does not answer with a valid 101
     * @throws UncheckedIOException when the connection fails or closes before an answer
     */
    public static WebSocketTestClient connect(int port, String path) {
        return connect("ws://127.0.0.1:" + port + path, options());
    }

    /**
     * Connects and completes the opening handshake.
     *
     * @param url a {@code ws://} URL
     * @param options extra headers, the Host, timeouts, Close behaviour
     * @return the open client
     * @throws WebSocketHandshakeFailedException when the server does not answer with a valid 101
     * @throws UncheckedIOException when the connection fails or closes before an answer
     * @throws IllegalStateException when no answer comes within the options' timeout
     */
    public static WebSocketTestClient connect(String url, Options options) {
        Objects.requireNonNull(options, "options");
        URI uri = URI.create(url);
        if (!"ws".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("url: \"" + url + "\" (expected: ws://host[:port]/path)");
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        options.headers.forEach(headers::add);
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                uri, WebSocketVersion.V13, null, false, headers, MAX_MESSAGE_BYTES);
        WebSocketTestClientHandler handler = new WebSocketTestClientHandler(handshaker, options.replyToClose);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ws-client", true),
                NioIoHandler.newFactory());
        Duration timeout = options.timeout;
        try {
            ChannelFuture connected = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("codec", new HttpClientCodec());
                            ch.pipeline().addLast("aggregator", new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE_BYTES));
                            ch.pipeline().addLast("ws-client", handler);
                        }
                    })
                    .connect(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort())
                    .awaitUninterruptibly();
            if (!connected.isSuccess()) {
                throw new UncheckedIOException(new IOException("connect to " + url + " failed: " + connected.cause(),
                        connected.cause()));
            }
            Channel channel = connected.channel();
            // On the channel's loop: the handshaker adds its frame encoder in a listener of the
            // request's write. Called from here, that listener could run after a quick 101 was
            // handled and the HTTP codec removed, and the encoder would then never be added.
            channel.eventLoop().submit(() -> handshaker.handshake(channel)).awaitUninterruptibly();
            WebSocketTestClientHandler.HandshakeResponse response = await(handler.handshake, timeout,
                    "no handshake response from " + url);
            if (response.problem() != null) {
                throw new WebSocketHandshakeFailedException(url, response.status(), response.headers(),
                        response.body(), response.problem());
            }
            return new WebSocketTestClient(url, group, channel, handler, response, timeout);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Returns the handshake response's status, 101 for an open client.
     *
     * @return the status code
     */
    public int handshakeStatus() {
        return handshake.status();
    }

    /**
     * Returns the handshake response's headers.
     *
     * @return a copy
     */
    public HttpHeaders handshakeHeaders() {
        return handshake.headers().copy();
    }

    /**
     * Returns one header of the handshake response.
     *
     * @param name the header name, in any case
     * @return its first value, or null when absent
     */
    public String handshakeHeader(String name) {
        return handshake.headers().get(name);
    }

    /**
     * Sends a text message in one frame and waits until it is written.
     *
     * @param text the message
     */
    public void sendText(String text) {
        send(new TextWebSocketFrame(text));
    }

    /**
     * Sends a binary message in one frame and waits until it is written.
     *
     * @param data the message
     */
    public void sendBinary(byte[] data) {
        send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)));
    }

    /**
     * Sends one text message as several frames (a text frame, then continuations), written
     * together; each part is encoded as UTF-8 on its own.
     *
     * @param parts the fragments, at least two
     */
    public void sendFragmentedText(String... parts) {
        ByteBuf[] bufs = new ByteBuf[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bufs[i] = Unpooled.copiedBuffer(parts[i], StandardCharsets.UTF_8);
        }
        sendFragments(true, bufs);
    }

    /**
     * Sends one binary message as several frames (a binary frame, then continuations).
     *
     * @param parts the fragments, at least two
     */
    public void sendFragmentedBinary(byte[]... parts) {
        ByteBuf[] bufs = new ByteBuf[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bufs[i] = Unpooled.wrappedBuffer(parts[i]);
        }
        sendFragments(false, bufs);
    }

    private void sendFragments(boolean text, ByteBuf[] parts) {
        if (parts.length < 2) {
            for (ByteBuf part : parts) {
                part.release();
            }
            throw new IllegalArgumentException("parts: " + parts.length + " (expected: >= 2)");
        }
        ChannelFuture last = null;
        for (int i = 0; i < parts.length; i++) {
            boolean fin = i == parts.length - 1;
            WebSocketFrame frame = i > 0 ? new ContinuationWebSocketFrame(fin, 0, parts[i])
                    : text ? new TextWebSocketFrame(false, 0, parts[i]) : new BinaryWebSocketFrame(false, 0, parts[i]);
            last = channel.write(frame);
        }
        channel.flush();
        awaitWrite(last);
    }

    /**
     * Sends a ping; the pong comes back through {@link #awaitPong(Duration)}.
     *
     * @param payload at most 125 bytes
     */
    public void sendPing(byte[] payload) {
        send(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    }

    /**
     * Starts the closing handshake: sends a Close with this code and reason. The peer's answer and
     * the end of the connection come through {@link #awaitClose(Duration)}.
     *
     * @param code the status code, e.g. 1000
     * @param reason the reason, at most 123 bytes of UTF-8
     */
    public void sendClose(int code, String reason) {
        handler.closeSent();
        send(new CloseWebSocketFrame(code, reason));
    }

    private void send(WebSocketFrame frame) {
        awaitWrite(channel.writeAndFlush(frame));
    }

    private void awaitWrite(ChannelFuture future) {
        if (!future.awaitUninterruptibly(timeout.toMillis())) {
            throw new IllegalStateException("write to " + url + " not done after " + timeout);
        }
        if (!future.isSuccess()) {
            throw new UncheckedIOException(new IOException("write to " + url + " failed: " + future.cause(),
                    future.cause()));
        }
    }

    /**
     * Waits for the next text or binary message.
     *
     * @param wait how long at most
     * @return the message
     * @throws AssertionError when none arrives in time
     */
    public WebSocketMessage awaitMessage(Duration wait) {
        return poll(handler.messages, wait, "message");
    }

    /**
     * Waits for the next pong.
     *
     * @param wait how long at most
     * @return its payload
     * @throws AssertionError when none arrives in time
     */
    public byte[] awaitPong(Duration wait) {
        return poll(handler.pongs, wait, "pong");
    }

    private <T> T poll(BlockingQueue<T> queue, Duration wait, String what) {
        try {
            T item = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
            if (item == null) {
                throw new AssertionError("no " + what + " from " + url + " within " + wait
                        + (channel.isActive() ? "" : " (the connection is closed)"));
            }
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a " + what + " from " + url, e);
        }
    }

    /**
     * Waits until the TCP connection is closed and tells how: the peer's Close code and reason, or
     * {@link WebSocketClose#ABNORMAL} when it closed without a Close frame.
     *
     * @param wait how long at most
     * @return the outcome
     * @throws AssertionError when the connection is still open after {@code wait}
     */
    public WebSocketClose awaitClose(Duration wait) {
        try {
            return handler.closed.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("connection to " + url + " still open after " + wait, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + url + " to close", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    /**
     * Tells when the peer's Close frame arrived, as {@link System#nanoTime()}: taken on the event
     * loop as the frame is read, before this client replies, so it precedes anything the peer does
     * after reading the reply. Unlike the time at which {@link #awaitClose} returns, it does not
     * depend on when the waiting thread is scheduled.
     *
     * @return the time, or 0 when no Close frame has arrived
     */
    public long closeFrameReceivedNanos() {
        return handler.closeFrameNanos;
    }

    /**
     * Tells whether the TCP connection is still open.
     *
     * @return true while open
     */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** Closes the TCP connection without a Close frame, if still open, and stops the event loop. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            IOException io = cause instanceof IOException x ? x : new IOException(cause.toString(), cause);
            throw new UncheckedIOException(what + ": " + io.getMessage(), io);
        }
    }

    @Override
    public String toString() {
        return "WebSocketTestClient[" + url + (channel.isActive() ? ", open" : ", closed") + "]";
    }

    /** How {@link #connect(String, Options)} connects; change with the fluent setters. */
    public static final class Options {

        private final Map<String, String> headers = new LinkedHashMap<>();
        private boolean replyToClose = true;
        private Duration timeout = Duration.ofSeconds(10);

        private Options() {
        }

        /**
         * Adds a header to the upgrade request.
         *
         * @param name the name
         * @param value the value
         * @return these options
         */
        public Options header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets the Host header of the upgrade request instead of the URL's host and port.
         *
         * @param host the value, e.g. {@code app.example}
         * @return these options
         */
        public Options host(String host) {
            return header(HttpHeaderNames.HOST.toString(), host);
        }

        /**
         * Sets whether a Close from the peer is answered with a Close (the default, as RFC 6455
         * asks); off lets a test see what a peer does with an unanswered Close.
         *
         * @param reply whether to answer
         * @return these options
         */
        public Options replyToClose(boolean reply) {
            this.replyToClose = reply;
            return this;
        }

        /**
         * Sets how long connecting, the handshake and each write may take (default 10 s).
         *
         * @param timeout a positive duration
         * @return these options
         */
        public Options timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
            }
            this.timeout = timeout;
            return this;
        }
    }
}
