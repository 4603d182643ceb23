package dev.gatehouse.server.tunnel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A WebSocket backend for tunnel tests, on port 0: echoes data frames as they came (type, FIN,
 * payload); answers {@code send N} with one binary frame of N pattern bytes and {@code close} with
 * a Close frame of its own; answers a Close with a Close and then closes. It records every Close
 * it received (Netty's server decoder only accepts masked, well-formed frames) and the payload
 * sizes of the data frames.
 */
final class EchoBackend implements AutoCloseable {

    static final int MAX_FRAME = 32 * 1024 * 1024;

    final List<CloseWebSocketFrame> closesReceived = new CopyOnWriteArrayList<>();
    final List<Integer> frameSizesReceived = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;

    EchoBackend() throws InterruptedException {
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws").maxFramePayloadLength(MAX_FRAME).handleCloseFrames(false).build();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        children.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler(ws), new Echo());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Closes every backend connection at once, as a crashed backend would. */
    void killConnections() {
        children.close();
    }

    /** The bytes of {@code send N}; built in an array, since byte-wise writes to a leak-tracked buffer are slow. */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        children.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        closesReceived.forEach(CloseWebSocketFrame::release);
        closesReceived.clear();
    }

    private final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                closesReceived.add(close.retain());
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), "bye"))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            frameSizesReceived.add(frame.content().readableBytes());
            if (frame instanceof TextWebSocketFrame text && frame.isFinalFragment()) {
                String command = text.text();
                if (command.startsWith("send ")) {
                    int n = Integer.parseInt(command.substring(5));
                    ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(pattern(n))));
                    return;
                }
                if (command.equals("close")) {
                    ctx.writeAndFlush(new CloseWebSocketFrame(1000, "backend says bye"));
                    return;
                }
            }
            WebSocketFrame echo = switch (frame) {
                case TextWebSocketFrame t -> new TextWebSocketFrame(t.isFinalFragment(), 0, t.content().retain());
                case BinaryWebSocketFrame b -> new BinaryWebSocketFrame(b.isFinalFragment(), 0, b.content().retain());
                case ContinuationWebSocketFrame c -> new ContinuationWebSocketFrame(c.isFinalFragment(), 0, c.content().retain());
                default -> null;
            };
            if (echo != null) {
                ctx.writeAndFlush(echo);
            }
        }
    }
}
