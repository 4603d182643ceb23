package dev.gatehouse.server.demo;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A few demo app servers on loopback, each answering every request with its name, the method and
 * path it saw, and the forwarding headers Gatehouse added. Not for production: bodies are
 * aggregated (up to 64 KiB).
 */
public final class DemoBackends implements AutoCloseable {

    private final EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();
    private final List<HostPort> addresses = new ArrayList<>();

    private DemoBackends(EventLoopGroup group) {
        this.group = group;
    }

    /**
     * Starts {@code count} backends on 127.0.0.1, on free ports, named {@code demo-backend-1..count}.
     */
    public static DemoBackends start(int count) throws InterruptedException {
        Transport transport = Transport.detect();
        DemoBackends demo = new DemoBackends(transport.newGroup(1, "demo-backend"));
        for (int i = 1; i <= count; i++) {
            String name = "demo-backend-" + i;
            Channel ch = new ServerBootstrap()
                    .group(demo.group)
                    .channel(transport.serverChannel())
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Responder(name));
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            demo.channels.add(ch);
            demo.addresses.add(new HostPort("127.0.0.1", ((InetSocketAddress) ch.localAddress()).getPort()));
        }
        return demo;
    }

    /** Where the backends listen, in name order. */
    public List<HostPort> addresses() {
        return List.copyOf(addresses);
    }

    @Override
    public void close() {
        channels.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String name;

        Responder(String name) {
            this.name = name;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String text = "Hello from " + name + "\n"
                    + "  you asked: " + req.method() + " " + req.uri() + "\n"
                    + "  X-Forwarded-For: " + req.headers().get("X-Forwarded-For") + "\n"
                    + "  X-Request-Id: " + req.headers().get("X-Request-Id") + "\n";
            ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), text);
            FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK, body);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            res.headers().set("X-Backend", name);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(res);
            }
        }
    }
}
