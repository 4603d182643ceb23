package dev.gatehouse.server.tunnel;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.core.config.TimeoutsConfig;
import dev.gatehouse.core.config.UpstreamConfig;
import dev.gatehouse.server.Transport;
import dev.gatehouse.server.codec.ClientCodec;
import dev.gatehouse.server.upstream.AcquireCallback;
import dev.gatehouse.server.upstream.UpstreamListener;
import dev.gatehouse.server.upstream.UpstreamPools;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the proxy's request path in tunnel tests, and only that: accepts client
 * connections with the proxy's pipeline names and options, takes a backend connection from a real
 * {@link UpstreamPools}, forwards the upgrade request, writes the 101 to the client and hands both
 * connections to a {@link Tunnel}. The version label of a tunnel is the request's
 * {@code X-Version} header (default {@code v1}), its pool is {@code web}.
 */
final class ProxyStandIn implements AutoCloseable {

    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    final BlockingQueue<Tunnel> opened = new LinkedBlockingQueue<>();
    final BlockingQueue<TunnelStats> ended = new LinkedBlockingQueue<>();
    final TunnelRegistry registry = new TunnelRegistry();
    final UpstreamPools pools;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final HostPort backend;
    private final Duration idle;
    private final Duration closeDeadline;

    ProxyStandIn(int backendPort, Duration idle, Duration closeDeadline) throws InterruptedException {
        this.backend = new HostPort("127.0.0.1", backendPort);
        this.idle = idle;
        this.closeDeadline = closeDeadline;
        Transport nio = new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
        this.pools = new UpstreamPools(nio, UpstreamConfig.DEFAULTS, TimeoutsConfig.DEFAULTS, 16 * 1024);
        pools.prepare(List.of(backend));
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("first-byte", new ChannelInboundHandlerAdapter());
                        ch.pipeline().addLast("http", ClientCodec.of(LimitsConfig.DEFAULTS));
                        ch.pipeline().addLast("flow", new FlowControlHandler());
                        ch.pipeline().addLast("proxy", new StandInHandler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    HostPort backend() {
        return backend;
    }

    Tunnel nextTunnel() throws InterruptedException {
        Tunnel t = opened.poll(10, TimeUnit.SECONDS);
        if (t == null) {
            throw new AssertionError("no tunnel opened within 10 s");
        }
        return t;
    }

    TunnelStats nextEnd() throws InterruptedException {
        TunnelStats s = ended.poll(20, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no tunnel ended within 20 s");
        }
        return s;
    }

    EventLoopGroup group() {
        return group;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        pools.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The "proxy" handler of one client connection. */
    private final class StandInHandler extends ChannelInboundHandlerAdapter implements UpstreamListener, AcquireCallback {

        private ChannelHandlerContext ctx;
        private HttpRequest request;
        private Channel upstream;
        private boolean switching;
        private Tunnel tunnel;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // Only the upgrade request's head is read; its empty end stays queued in "flow" until
            // the tunnel removes it (as in the real proxy, where the exchange may not read it either).
            if (msg instanceof HttpRequest r && request == null) {
                request = r;
                pools.forLoop(ctx.channel().eventLoop()).acquire(backend, this, this, true);
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void acquired(Channel upstream, boolean reused) {
            this.upstream = upstream;
            DefaultFullHttpRequest forward = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri());
            forward.headers().set(request.headers());
            upstream.writeAndFlush(forward);
            upstream.read();
        }

        @Override
        public void acquireFailed(Throwable cause) {
            ctx.close();
        }

        @Override
        public void upstreamRead(Channel upstream, HttpObject msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    if (response.status().code() != 101) {
                        ctx.close();
                        upstream.close();
                        return;
                    }
                    switching = true;
                    ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS,
                            response.headers().copy()));
                }
                if (msg instanceof LastHttpContent && switching) {
                    ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
                    openTunnel();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void openTunnel() {
            String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "");
            String version = request.headers().get("X-Version", "v1");
            tunnel = Tunnel.builder(ctx.channel(), upstream)
                    .pool(pools.forLoop(ctx.channel().eventLoop()))
                    .webSocket(upgrade.equalsIgnoreCase("websocket"))
                    .idleTimeout(idle)
                    .closeDeadline(closeDeadline)
                    .registry(registry, new TunnelInfo("web", backend, version))
                    .onEnd(ended::add)
                    .open();
            opened.add(tunnel);
        }

        @Override
        public void upstreamReadComplete(Channel upstream) {
            if (tunnel == null) {
                upstream.read();
            }
        }

        @Override
        public void upstreamWritabilityChanged(Channel upstream) {
        }

        @Override
        public void upstreamClosed(Channel upstream, Throwable cause) {
            if (tunnel == null) {
                ctx.close();
            }
        }
    }
}
