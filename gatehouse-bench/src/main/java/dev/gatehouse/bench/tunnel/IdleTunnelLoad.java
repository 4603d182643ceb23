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
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
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
 * Opens N WebSocket connections to one URL, at most {@code --rate} handshakes a second, verifies
 * each with one echoed text message, and then holds them idle for {@code --hold-seconds} before
 * it exits. Everything runs on one event loop thread, so the counters need no synchronisation.
 *
 * <pre>
 * java -cp &lt;bench classpath&gt; dev.gatehouse.bench.tunnel.IdleTunnelLoad --url ws://127.0.0.1:8080/ws \
 *     --connections 5000 [--rate 1000] [--open-timeout-seconds 120] [--hold-seconds 600]
 * </pre>
 *
 * <p>Stdout gets exactly one line once every connection was verified or failed (or the open
 * timeout passed): {@code ready open=<verified> failed=<n> [<reason>=<count> ...]}, which the
 * benchmark script waits for; then, while holding, a line {@code dropped <count>} whenever
 * verified connections were closed by the other side, and {@code done open=<n>} at the end. Exit
 * status 0, or 3 when not one connection could be verified (the proxy cannot tunnel). Messages go
 * to stderr.
 */
public final class IdleTunnelLoad {

    private static final String USAGE = "usage: IdleTunnelLoad --url ws://HOST:PORT/PATH --connections N [--rate N]"
            + " [--open-timeout-seconds N] [--hold-seconds N]";

    /** Opening is paced in slices of this length, so the rate holds within a second, too. */
    private static final long TICK_MILLIS = 10;

    private final URI url;
    private final int connections;
    private final int rate;
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

    private IdleTunnelLoad(URI url, int connections, int rate, EventLoopGroup group, PrintStream out) {
        this.url = url;
        this.connections = connections;
        this.rate = rate;
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
        int openTimeout = 120;
        int hold = 600;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--url" -> url = value;
                    case "--connections" -> connections = Args.positiveInt("--connections", value);
                    case "--rate" -> rate = Args.positiveInt("--rate", value);
                    case "--open-timeout-seconds" -> openTimeout = Args.positiveInt("--open-timeout-seconds", value);
                    case "--hold-seconds" -> hold = Args.nonNegativeInt("--hold-seconds", value);
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
                i++;
            }
            if (url == null || !url.startsWith("ws://")) {
                throw Args.fail("--url", url, "ws://HOST:PORT/PATH");
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
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tunnels", true),
                NioIoHandler.newFactory());
        IdleTunnelLoad load = new IdleTunnelLoad(URI.create(url), connections, rate, group, System.out);
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
            System.err.println("tunnels: not one of " + connections + " connections to " + url + " was verified");
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
            int index = ++started;
            bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                            new TunnelHandler(index));
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

    /** One connection: handshake, one echo, then idle until the peer closes it. */
    private final class TunnelHandler extends ChannelInboundHandlerAdapter {

        private final String probe;
        private final WebSocketClientHandshaker handshaker;
        private boolean done;
        private boolean isVerified;

        TunnelHandler(int index) {
            this.probe = "probe " + index;
            this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(url, WebSocketVersion.V13, null, false,
                    null);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            handshaker.handshake(ctx.channel());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof FullHttpResponse response) {
                    if (response.status().code() != 101) {
                        finish(ctx, "status " + response.status().code());
                        return;
                    }
                    try {
                        handshaker.finishHandshake(ctx.channel(), response);
                    } catch (WebSocketHandshakeException e) {
                        finish(ctx, "bad 101: " + e.getMessage());
                        return;
                    }
                    ctx.writeAndFlush(new TextWebSocketFrame(probe));
                } else if (msg instanceof TextWebSocketFrame text && !done && probe.equals(text.text())) {
                    // Other messages (a backend's greeting) are skipped: only the echo counts.
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
                fail(handshaker.isHandshakeComplete() ? "closed before the echo" : "closed before the handshake");
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
