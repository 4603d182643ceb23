package dev.gatehouse.bench.scenario;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * The least any Netty-based HTTP proxy can cost per request: a measuring instrument for
 * {@code proxy-bench.sh} (profile {@code netty-floor}), not a proxy.
 *
 * <p>Each accepted client connection gets its own backend connection on the same event loop, and
 * bytes are forwarded as they arrive, both ways: no HTTP parsing, no routing, no pooling, no
 * header edits, no timers, no metrics, no logs. Reads are written at once and flushed when the
 * read burst ends, as a Netty proxy should. With keep-alive on both sides and one request in
 * flight per connection (wrk's load), that is the same traffic a real proxy sends, so its CPU per
 * request is what Netty's transport and the JVM cost before a proxy does any work of its own. It
 * runs on the epoll transport with one event loop, as a node on one core does.
 *
 * <p>Usage: {@code NettyFloor --listen PORT --backend HOST:PORT}; it prints {@code ready} once it
 * listens and runs until killed.
 */
public final class NettyFloor {

    private NettyFloor() {}

    public static void main(String[] args) throws InterruptedException {
        int listen = -1;
        String backend = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--listen" -> listen = Integer.parseInt(args[i + 1]);
                case "--backend" -> backend = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (listen < 0 || backend == null || args.length % 2 != 0) {
            System.err.println("usage: NettyFloor --listen PORT --backend HOST:PORT");
            System.exit(2);
        }
        int colon = backend.lastIndexOf(':');
        InetSocketAddress target = new InetSocketAddress(backend.substring(0, colon),
                Integer.parseInt(backend.substring(colon + 1)));

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("floor", false), EpollIoHandler.newFactory());
        Bootstrap upstream = new Bootstrap()
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInboundHandlerAdapter());
        new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        client.pipeline().addLast(new ClientSide(upstream, target));
                    }
                })
                .bind(listen).sync();
        System.out.println("ready");
        new CountDownLatch(1).await();
    }

    /** Forwards what its channel's peer sends to {@code to}, and closes {@code to} after it. */
    private static class Forward extends ChannelInboundHandlerAdapter {
        Channel to;

        Forward(Channel to) {
            this.to = to;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            to.write(msg, to.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            to.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (to != null) {
                to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** A client connection: opens its backend connection, then forwards what the client sends to it. */
    private static final class ClientSide extends Forward {
        private final Bootstrap upstream;
        private final InetSocketAddress target;

        ClientSide(Bootstrap upstream, InetSocketAddress target) {
            super(null);   // the backend, once connected (the client is not read before)
            this.upstream = upstream;
            this.target = target;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            upstream.clone(client.eventLoop())
                    .handler(new Forward(client))
                    .connect(target)
                    .addListener((ChannelFutureListener) f -> {
                        if (f.isSuccess()) {
                            to = f.channel();
                            client.config().setAutoRead(true);
                        } else {
                            client.close();
                        }
                    });
        }
    }
}
