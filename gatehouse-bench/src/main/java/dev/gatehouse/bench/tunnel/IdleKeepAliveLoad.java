package dev.gatehouse.bench.tunnel;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.gatehouse.bench.scenario.Args;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintStream;
import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Opens N HTTP/1.1 keep-alive connections to one URL, at most {@code --rate} a second; on each
 * sends one GET, reads its response whole (status 200, a body of {@code --body-bytes} when given,
 * the connection kept alive), and then holds the connection idle for {@code --hold-seconds} before
 * it exits. Everything runs on one event loop thread, so the counters need no synchronisation.
 *
 * <pre>
 * java -cp &lt;bench classpath&gt; dev.gatehouse.bench.tunnel.IdleKeepAliveLoad --url http://127.0.0.1:8080/ \
 *     --connections 9400 [--rate 1000] [--body-bytes 1024] [--open-timeout-seconds 120] [--hold-seconds 600]
 * </pre>
 *
 * <p>Stdout gets exactly one line once every connection was verified or failed (or the open
 * timeout passed): {@code ready open=<verified> failed=<n> [<reason>=<count> ...]}, which the
 * benchmark script waits for; then, while holding, a line {@code dropped <count>} whenever
 * verified connections were closed by the other side, and {@code done open=<n>} at the end. Exit
 * status 0, or 3 when not one connection could be verified. Messages go to stderr.
 */
public final class IdleKeepAliveLoad {

    private static final String USAGE = "usage: IdleKeepAliveLoad --url http://HOST:PORT/PATH --connections N [--rate N]"
            + " [--body-bytes N] [--open-timeout-seconds N] [--hold-seconds N]";

    /** Opening is paced in slices of this length, so the rate holds within a second, too. */
    private static final long TICK_MILLIS = 10;

    private final URI url;
    private final int connections;
    private final int rate;
    /** The body length each response must have, or -1 for any. */
    private final int bodyBytes;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final PrintStream out;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Set<Channel> open = new HashSet<>();
    private final Map<String, Integer> failures = new TreeMap<>();
    private int started;
    private int verified;
    private int failed;
    private int dropped;
    private double credit;
    private boolean holding;
    private boolean stopping;

    private IdleKeepAliveLoad(URI url, int connections, int rate, int bodyBytes, EventLoopGroup group, PrintStream out) {
        this.url = url;
        this.connections = connections;
        this.rate = rate;
        this.bodyBytes = bodyBytes;
        this.loop = group.next();
        this.out = out;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /**
     * Runs the load; see the class comment for the arguments and what it prints.
     *
     * @param args the arguments
     * @throws InterruptedException when interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        String url = null;
        int connections = 0;
        int rate = 1000;
        int bodyBytes = -1;
        int openTimeout = 120;
        int hold = 600;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--url" -> url = value;
                    case "--connections" -> connections = Args.positiveInt("--connections", value);
                    case "--rate" -> rate = Args.positiveInt("--rate", value);
                    case "--body-bytes" -> bodyBytes = Args.nonNegativeInt("--body-bytes", value);
                    case "--open-timeout-seconds" -> openTimeout = Args.positiveInt("--open-timeout-seconds", value);
                    case "--hold-seconds" -> hold = Args.nonNegativeInt("--hold-seconds", value);
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
                i++;
            }
            if (url == null || !url.startsWith("http://")) {
                throw Args.fail("--url", url, "http://HOST:PORT/PATH");
            }
            if (connections == 0) {
                throw Args.fail("--connections", null, "an integer 1-" + Integer.MAX_VALUE);
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
        quietDefaultLogging();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("keepalive", true),
                NioIoHandler.newFactory());
        IdleKeepAliveLoad load = new IdleKeepAliveLoad(URI.create(url), connections, rate, bodyBytes, group, System.out);
        int status = load.run(openTimeout, hold);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        System.exit(status);
    }

    private int run(int openTimeoutSeconds, int holdSeconds) throws InterruptedException {
        loop.scheduleAtFixedRate(this::openSome, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (!ready.await(openTimeoutSeconds, TimeUnit.SECONDS)) {
            loop.submit(() -> {
                int pending = connections - verified - failed;
                failed += pending;
                failures.merge("not verified within " + openTimeoutSeconds + "s", pending, Integer::sum);
                reportReady();
            }).syncUninterruptibly();
        }
        int verifiedNow = loop.submit(() -> verified).syncUninterruptibly().getNow();
        if (verifiedNow == 0) {
            System.err.println("keep-alive: not one of " + connections + " connections to " + url + " was verified");
            return 3;
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(holdSeconds)); // holding idle is the point: nothing to wait for
        int left = loop.submit(() -> {
            holding = false; // the closes of our own shutdown are no drops
            stopping = true;
            return open.size();
        }).syncUninterruptibly().getNow();
        out.println("done open=" + left);
        out.flush();
        return 0;
    }

    /** Runs every tick on the loop: opens as many connections as the rate allows by now. */
    private void openSome() {
        credit = Math.min(credit + rate * TICK_MILLIS / 1000.0, Math.max(1, rate / 10.0));
        while (credit >= 1 && started < connections) {
            credit--;
            started++;
            bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                            new KeepAliveHandler());
                }
            }).connect(url.getHost(), url.getPort() < 0 ? 80 : url.getPort()).addListener(f -> {
                if (!f.isSuccess()) {
                    fail("connect failed: " + shortReason(f.cause()));
                }
            });
        }
    }

    private void fail(String reason) {
        failed++;
        failures.merge(reason, 1, Integer::sum);
        checkReady();
    }

    private void checkReady() {
        if (!holding && verified + failed == connections) {
            reportReady();
        }
    }

    private void reportReady() {
        if (holding || stopping) {
            return;
        }
        holding = true;
        StringBuilder line = new StringBuilder("ready open=").append(verified).append(" failed=").append(failed);
        failures.forEach((reason, count) -> line.append(" [").append(reason).append("]=").append(count));
        out.println(line);
        out.flush();
        ready.countDown();
    }

    /** Without a configuration Logback logs at DEBUG to stdout, where the script reads the lines above. */
    private static void quietDefaultLogging() {
        if (System.getProperty("logback.configurationFile") == null
                && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }

    private static String shortReason(Throwable t) {
        String msg = t.getMessage();
        return msg == null ? t.getClass().getSimpleName() : msg.replaceAll(": .*", "");
    }

    /** One connection: one GET read whole, then idle until the peer closes it. */
    private final class KeepAliveHandler extends ChannelInboundHandlerAdapter {

        private boolean done;
        private boolean isVerified;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String target = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            DefaultFullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
            get.headers().set(HttpHeaderNames.HOST, url.getHost() + ":" + url.getPort());
            ctx.writeAndFlush(get);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof FullHttpResponse response) || done) {
                    return;
                }
                if (response.status().code() != 200) {
                    finish(ctx, "status " + response.status().code());
                } else if (bodyBytes >= 0 && response.content().readableBytes() != bodyBytes) {
                    finish(ctx, "body of " + response.content().readableBytes() + " bytes");
                } else if (!HttpUtil.isKeepAlive(response)) {
                    finish(ctx, "not kept alive");
                } else {
                    done = true;
                    isVerified = true;
                    verified++;
                    open.add(ctx.channel());
                    checkReady();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void finish(ChannelHandlerContext ctx, String reason) {
            if (!done) {
                done = true;
                fail(reason);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (isVerified) {
                open.remove(ctx.channel());
                dropped++;
                if (holding) {
                    out.println("dropped " + dropped);
                    out.flush();
                }
            } else if (!done) {
                done = true;
                fail("closed before the response");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!done) {
                done = true;
                fail("error: " + shortReason(cause));
            }
            ctx.close();
        }
    }
}
