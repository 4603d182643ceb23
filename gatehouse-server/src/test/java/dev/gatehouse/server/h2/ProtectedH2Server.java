package dev.gatehouse.server.h2;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Netty's HTTP/2 server codec with the node's protections ({@link Http2Protections}) and nothing
 * else: each stream whose request head passes is counted, as a backend would count it, and gets
 * a 200 once its request has ended. Tests the protections apart from the proxy.
 */
final class ProtectedH2Server implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    /** Request heads that reached a stream's handler. */
    final AtomicInteger requests = new AtomicInteger();

    ProtectedH2Server(int maxConcurrentStreams, int maxHeaderListSize) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Http2Settings settings = Http2Settings.defaultSettings()
                                .maxConcurrentStreams(maxConcurrentStreams).maxHeaderListSize(maxHeaderListSize);
                        ch.pipeline().addLast("h2-codec", Http2Protections.apply(Http2FrameCodecBuilder.forServer())
                                .initialSettings(settings).build());
                        ch.pipeline().addLast("h2-multiplex", new Http2MultiplexHandler(
                                new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new Answer());
                                    }
                                }));
                        Http2Protections.install(ch.pipeline(), "h2-codec", true);
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Counts the head, answers when the request ends. */
    private final class Answer extends ChannelInboundHandlerAdapter {
        private boolean counted;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean end = false;
            if (msg instanceof Http2HeadersFrame h) {
                if (!counted) {
                    counted = true;
                    requests.incrementAndGet();
                }
                end = h.isEndStream();
            } else if (msg instanceof Http2DataFrame d) {
                end = d.isEndStream();
            }
            ReferenceCountUtil.release(msg);
            if (end) {
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8), true));
            }
        }
    }
}
