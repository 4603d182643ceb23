package dev.gatehouse.bench.tunnel;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.gatehouse.bench.scenario.Args;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
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
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintStream;
import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.slf4j.LoggerFactory;

/**
 * The part {@link IdleKeepAliveLoad} and {@link IdleTunnelLoad} share: opens N HTTP connections to
 * one URL, at most {@code rate} a second, lets each connection's {@link Connection} verify it or
 * fail it, prints the {@code ready} line once all are settled (or the open timeout passed), holds
 * them idle, reports drops, and prints the {@code done} line. What a connection sends and checks
 * is the caller's. Loop-confined: its state is touched on its one event loop only.
 */
final class IdleHold {

    /** Creates the handler of the {@code index}-th connection (from 1), which reports to {@code hold}. */
    @FunctionalInterface
    interface Connections {
        Connection create(IdleHold hold, int index);
    }

    /** The options both loads take (see their class comments), with their defaults. */
    static final class Options {
        URI url;
        int connections;
        int rate = 1000;
        int openTimeoutSeconds = 120;
        int holdSeconds = 600;

        /**
         * Parses {@code args}, or prints why they are wrong and {@code usage} and exits with status
         * 2. {@code extra} is offered the options of the caller's own (name, value) and says
         * whether it took one; it throws {@link IllegalArgumentException} for a bad value.
         *
         * @param scheme the scheme {@code --url} must have ({@code http}, {@code ws})
         */
        static Options parseOrExit(String[] args, String scheme, String usage, BiPredicate<String, String> extra) {
            Options o = new Options();
            try {
                String url = null;
                for (int i = 0; i < args.length; i++) {
                    String value = i + 1 < args.length ? args[i + 1] : null;
                    switch (args[i]) {
                        case "--url" -> url = value;
                        case "--connections" -> o.connections = Args.positiveInt("--connections", value);
                        case "--rate" -> o.rate = Args.positiveInt("--rate", value);
                        case "--open-timeout-seconds" -> o.openTimeoutSeconds = Args.positiveInt("--open-timeout-seconds", value);
                        case "--hold-seconds" -> o.holdSeconds = Args.nonNegativeInt("--hold-seconds", value);
                        default -> {
                            if (!extra.test(args[i], value)) {
                                throw new IllegalArgumentException("unknown argument: " + args[i]);
                            }
                        }
                    }
                    i++;
                }
                if (url == null || !url.startsWith(scheme + "://")) {
                    throw Args.fail("--url", url, scheme + "://HOST:PORT/PATH");
                }
                if (o.connections == 0) {
                    throw Args.fail("--connections", null, "an integer 1-" + Integer.MAX_VALUE);
                }
                o.url = URI.create(url);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                System.err.println(usage);
                System.exit(2);
            }
            return o;
        }
    }

    /** Opening is paced in slices of this length, so the rate holds within a second, too. */
    private static final long TICK_MILLIS = 10;

    private final URI url;
    private final int connections;
    private final int rate;
    private final Connections handlers;
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

    private IdleHold(URI url, int connections, int rate, Connections handlers, EventLoopGroup group, PrintStream out) {
        this.url = url;
        this.connections = connections;
        this.rate = rate;
        this.handlers = handlers;
        this.loop = group.next();
        this.out = out;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /**
     * Runs a load on one event loop thread named {@code name} and exits the JVM with its status:
     * 0, or 3 when not one connection could be verified.
     *
     * @param name the thread's name, and the prefix of the message when none was verified
     */
    static void runAndExit(String name, Options options, Connections handlers) throws InterruptedException {
        quietDefaultLogging();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true),
                NioIoHandler.newFactory());
        IdleHold load = new IdleHold(options.url, options.connections, options.rate, handlers, group, System.out);
        int status = load.run(name, options.openTimeoutSeconds, options.holdSeconds);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        System.exit(status);
    }

    /** The URL the connections go to. */
    URI url() {
        return url;
    }

    private int run(String name, int openTimeoutSeconds, int holdSeconds) throws InterruptedException {
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
            System.err.println(name + ": not one of " + connections + " connections to " + url + " was verified");
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
            ChannelHandler handler = handlers.create(this, ++started);
            bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024), handler);
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

    private void verified(Channel ch) {
        verified++;
        open.add(ch);
        checkReady();
    }

    private void droppedVerified(Channel ch) {
        open.remove(ch);
        dropped++;
        if (holding) {
            out.println("dropped " + dropped);
            out.flush();
        }
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

    /** The first part of a failure's message (before any ": detail"), so that alike failures count together. */
    static String shortReason(Throwable t) {
        String msg = t.getMessage();
        return msg == null ? t.getClass().getSimpleName() : msg.replaceAll(": .*", "");
    }

    /**
     * One connection's handler, after the HTTP client codec and aggregator: verifies the connection
     * ({@link #verify}) or fails it ({@link #finish}) once; a verified one closed by the other side
     * counts as dropped.
     */
    abstract static class Connection extends ChannelInboundHandlerAdapter {

        final IdleHold hold;
        /** Verified or failed: settled. */
        boolean done;
        private boolean isVerified;

        Connection(IdleHold hold) {
            this.hold = hold;
        }

        /** Why a connection closed before it was settled. */
        abstract String closedEarly();

        /** The connection passed its check: it is held from now on. */
        final void verify(ChannelHandlerContext ctx) {
            done = true;
            isVerified = true;
            hold.verified(ctx.channel());
        }

        /** The connection failed its check for {@code reason} (unless already settled) and is closed. */
        final void finish(ChannelHandlerContext ctx, String reason) {
            settleFailed(reason);
            ctx.close();
        }

        private void settleFailed(String reason) {
            if (!done) {
                done = true;
                hold.fail(reason);
            }
        }

        @Override
        public final void channelInactive(ChannelHandlerContext ctx) {
            if (isVerified) {
                hold.droppedVerified(ctx.channel());
            } else {
                settleFailed(closedEarly());
            }
        }

        @Override
        public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(ctx, "error: " + shortReason(cause));
        }
    }
}
