package dev.gatehouse.bench.scenario;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * K simulated synchronous app workers for the slow-requests scenario (docs/benchmarks.md).
 *
 * <p>Each server is one HTTP/1.1 listener on 127.0.0.1 with exactly one thread, like one worker
 * of a synchronous app server (a gunicorn sync worker, a PHP-FPM child): it handles one request
 * at a time and every other request, on any of its connections, waits in the socket buffers until
 * the thread is free again. A request whose path starts with {@code /slow} takes 500 ms, any other
 * 5 ms (both configurable).
 *
 * <p>The work is simulated by blocking the server's only thread with {@link Thread#sleep}. On a
 * Netty event loop that is normally a bug; here it is the point of the simulation: it makes the
 * server unable to read, accept or answer anything else while it "works", exactly like a
 * single-threaded sync worker. Many connections are accepted (the proxies open several per
 * backend); they are just served one request at a time.
 *
 * <p>A backend can be made slow for every route at times ({@code --degrade B:EVERY:FOR:FACTOR}):
 * backend {@code B} (from 0) takes {@code FACTOR} times its service time for {@code FOR} seconds
 * of every {@code EVERY} seconds, counted from start: a worker slowed by a garbage-collection
 * pause or a noisy neighbour, whatever the route.
 *
 * <p>With {@code --close}, every answer says {@code Connection: close} and the connection is closed
 * after it, as gunicorn's sync workers do (they never keep a connection alive): a proxy in front
 * then needs a new backend connection per request.
 *
 * <p>Usage: {@code SyncBackends [--count K] [--ports p1,p2,...] [--fast-ms 5] [--slow-ms 500]
 * [--degrade B:EVERY:FOR:FACTOR] [--close]}.
 * With no ports, free ports are taken; either way each server prints
 * {@code listening on 127.0.0.1:<port>} on standard output, one line each, in order. Runs until
 * killed; at exit it prints how many requests each server handled.
 */
public final class SyncBackends {

    private SyncBackends() {
    }

    /**
     * Starts the servers and blocks until the process is stopped.
     *
     * @param args see the class comment
     * @throws Exception when a server cannot bind
     */
    public static void main(String[] args) throws Exception {
        // Netty's DEBUG start-up chatter would go through logback on the classpath; JDK logging
        // shows INFO and above only.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        int count = 8;
        List<Integer> ports = new ArrayList<>();
        long fastMs = 5;
        long slowMs = 500;
        Degrade degrade = null;
        boolean close = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--count" -> { count = Args.positiveInt(a, v); i++; }
                case "--ports" -> {
                    if (v == null) {
                        throw Args.fail(a, null, "a comma-separated list of ports");
                    }
                    for (String p : v.split(",")) {
                        ports.add(Args.intIn(a, p.trim(), 1, 65535));
                    }
                    i++;
                }
                case "--fast-ms" -> { fastMs = Args.nonNegativeInt(a, v); i++; }
                case "--slow-ms" -> { slowMs = Args.nonNegativeInt(a, v); i++; }
                case "--degrade" -> { degrade = Degrade.parse(a, v); i++; }
                case "--close" -> close = true;
                case "-h", "--help" -> {
                    System.out.println("usage: SyncBackends [--count K] [--ports p1,p2,...] [--fast-ms 5] [--slow-ms 500]"
                            + " [--degrade B:EVERY:FOR:FACTOR] [--close]");
                    return;
                }
                default -> throw Args.fail("argument", a, "--count, --ports, --fast-ms, --slow-ms, --degrade or --close");
            }
        }
        if (!ports.isEmpty()) {
            count = ports.size();
        }

        List<EventLoopGroup> groups = new ArrayList<>();
        List<AtomicLong> served = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            // One event loop, one thread: accept, read, "work" and write all happen on it.
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(
                    1, new DefaultThreadFactory("sync-backend-" + n, false), NioIoHandler.newFactory());
            groups.add(group);
            AtomicLong counter = new AtomicLong();
            served.add(counter);
            int id = n;
            long fast = fastMs;
            long slow = slowMs;
            Degrade slowed = degrade != null && degrade.backend() == n ? degrade : null;
            boolean closeEach = close;
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                    new WorkerHandler(id, fast, slow, counter, slowed, closeEach));
                        }
                    });
            int port = ports.isEmpty() ? 0 : ports.get(n);
            Channel ch = b.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            int bound = ((InetSocketAddress) ch.localAddress()).getPort();
            System.out.println("listening on 127.0.0.1:" + bound);
        }
        System.out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            StringBuilder sb = new StringBuilder("served per backend:");
            for (int n = 0; n < served.size(); n++) {
                sb.append(' ').append(n).append('=').append(served.get(n).get());
            }
            System.out.println(sb);
            System.out.flush();
            for (EventLoopGroup g : groups) {
                g.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            }
            stopped.countDown();
        }, "sync-backends-stop"));
        stopped.await();
    }

    /**
     * Backend {@code backend} takes {@code factor} times its service time during the first
     * {@code forNanos} of every {@code everyNanos}, counted from {@code startNanos}.
     */
    record Degrade(int backend, long everyNanos, long forNanos, double factor, long startNanos) {

        static Degrade parse(String name, String value) {
            String[] f = value == null ? new String[0] : value.split(":");
            if (f.length != 4) {
                throw Args.fail(name, value, "B:EVERY:FOR:FACTOR, e.g. 0:10:2:10 (backend 0, 2 s of every 10 s, 10x)");
            }
            int backend = Args.nonNegativeInt(name, f[0]);
            long every = Args.positiveInt(name, f[1]);
            long during = Args.positiveInt(name, f[2]);
            double factor = Args.positiveDouble(name, f[3]);
            if (during > every) {
                throw Args.fail(name, value, "FOR at most EVERY");
            }
            return new Degrade(backend, every * 1_000_000_000L, during * 1_000_000_000L, factor, System.nanoTime());
        }

        long apply(long ms, long nowNanos) {
            return (nowNanos - startNanos) % everyNanos < forNanos ? Math.round(ms * factor) : ms;
        }
    }

    /** Answers one request by occupying the loop's only thread for the request's service time. */
    private static final class WorkerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final int id;
        private final long fastMs;
        private final long slowMs;
        private final AtomicLong served;
        private final String idText;
        private final Degrade degrade;
        /** Close after every answer, as a gunicorn sync worker does. */
        private final boolean closeEach;

        WorkerHandler(int id, long fastMs, long slowMs, AtomicLong served, Degrade degrade, boolean closeEach) {
            this.id = id;
            this.fastMs = fastMs;
            this.slowMs = slowMs;
            this.served = served;
            this.idText = Integer.toString(id);
            this.degrade = degrade;
            this.closeEach = closeEach;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws InterruptedException {
            long ms = req.uri().startsWith("/slow") ? slowMs : fastMs;
            if (degrade != null) {
                ms = degrade.apply(ms, System.nanoTime());
            }
            if (ms > 0) {
                // Deliberate: blocks this server's only thread, which is the simulated sync worker
                // being busy. Nothing else on this server progresses meanwhile (see class comment).
                Thread.sleep(ms);
            }
            served.incrementAndGet();
            ByteBuf body = Unpooled.wrappedBuffer("ok\n".getBytes(StandardCharsets.US_ASCII));
            FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK, body);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                    .set("X-Backend", idText);
            boolean keepAlive = !closeEach && HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(res, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(res, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A peer resetting a connection is normal when a proxy stops; just drop it.
            ctx.close();
        }

        @Override
        public String toString() {
            return "WorkerHandler[" + id + "]";
        }
    }
}
