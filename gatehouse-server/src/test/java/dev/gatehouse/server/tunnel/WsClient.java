package dev.gatehouse.server.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client for tunnel tests: performs the handshake through the proxy stand-in and
 * queues what it receives as {@link Received} values (messages are reassembled from fragments).
 * Answers a Close with a Close, as a browser would.
 */
final class WsClient implements AutoCloseable {

    /** Something the client received. */
    sealed interface Received permits Message, Close, Pong {
    }

    /** A whole data message. */
    record Message(boolean text, byte[] payload) implements Received {
    }

    /** A Close frame. */
    record Close(int code, String reason) implements Received {
    }

    /** A Pong frame. */
    record Pong(byte[] payload) implements Received {
    }

    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> handshaken = new CompletableFuture<>();
    final Channel channel;

    WsClient(EventLoopGroup group, int port) throws InterruptedException {
        this(group, port, 0, null);
    }

    /**
     * @param receiveBuffer SO_RCVBUF, or 0 for the system's (small ones make backpressure show soon)
     * @param version       sent as {@code X-Version}, or null
     */
    WsClient(EventLoopGroup group, int port, int receiveBuffer, String version) throws InterruptedException {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri).version(WebSocketVersion.V13).customHeaders(version == null ? new DefaultHttpHeaders() : new DefaultHttpHeaders().add("X-Version", version))
                .maxFramePayloadLength(EchoBackend.MAX_FRAME).handleCloseFrames(false).dropPongFrames(false)
                .build();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class);
        if (receiveBuffer > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        channel = bootstrap
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                new WebSocketClientProtocolHandler(config),
                                new WebSocketFrameAggregator(EchoBackend.MAX_FRAME), new Receiver());
                    }
                })
                .connect("127.0.0.1", port).sync().channel();
    }

    WsClient awaitHandshake() throws Exception {
        handshaken.get(10, TimeUnit.SECONDS);
        return this;
    }

    void send(WebSocketFrame frame) {
        channel.writeAndFlush(frame).syncUninterruptibly();
    }

    void sendText(String text) {
        send(new TextWebSocketFrame(text));
    }

    /** Writes bytes as they are, bypassing the WebSocket encoder (for hand-built frames). */
    void sendRaw(ByteBuf bytes) {
        channel.writeAndFlush(bytes).syncUninterruptibly();
    }

    Received next() throws InterruptedException {
        Received r = received.poll(20, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("nothing received within 20 s");
        }
        return r;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private final class Receiver extends SimpleChannelInboundHandler<WebSocketFrame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshaken.complete(null);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshaken.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            switch (frame) {
                case TextWebSocketFrame t -> received.add(new Message(true, ByteBufUtil.getBytes(t.content())));
                case BinaryWebSocketFrame b -> received.add(new Message(false, ByteBufUtil.getBytes(b.content())));
                case PongWebSocketFrame p -> received.add(new Pong(ByteBufUtil.getBytes(p.content())));
                case CloseWebSocketFrame c -> {
                    received.add(new Close(c.statusCode(), c.reasonText()));
                    ctx.writeAndFlush(new CloseWebSocketFrame(c.statusCode(), "ok"));
                }
                default -> { }
            }
        }
    }
}
