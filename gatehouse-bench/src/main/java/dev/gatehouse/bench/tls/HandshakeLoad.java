package dev.gatehouse.bench.tls;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.gatehouse.bench.scenario.Args;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.LoggerFactory;

/**
 * A closed-loop TLS handshake client: keeps {@code --connections} connections in flight to
 * 127.0.0.1, each a TCP connect, a TLS handshake, one {@code GET / HTTP/1.1} with
 * {@code Connection: close}, the whole response read until the server closes, then the next
 * connection at once. TLS is BoringSSL through netty-tcnative: a client far cheaper per handshake
 * than one built on OpenSSL 3.0 ({@code openssl s_time}), so that the proxy's core, not the
 * client's, is the limit. No SNI is sent (the proxy's default certificate serves).
 *
 * <pre>
 * java -cp &lt;bench classpath&gt; dev.gatehouse.bench.tls.HandshakeLoad --port P --mode full|resumed \
 *     --pids PID,PID... [--connections 16] [--warmup-seconds 10] [--seconds 10] [--tls 1.3|1.2]
 *     [--min-bytes 1024] [--proxy-cpu 1] [--load-cpu 0]
 * </pre>
 *
 * <ul>
 *   <li>{@code full}: no session is ever offered, every handshake is a full one;</li>
 *   <li>{@code resumed}: Netty's client session cache offers the last session (ticket) the
 *       proxy gave for 127.0.0.1:P, so handshakes resume whenever the proxy accepts it.</li>
 * </ul>
 *
 * <p>A handshake is counted as full when the client had to check the server's certificate (a
 * resumed handshake sends none). At the end of the warm-up ("cold") phase, when given, and of the
 * measured ("warm") phase, stdout gets one line: {@code phase=cold|warm ops=N errors=N
 * handshakes=N full=N seconds=S proxy_ticks=T proxy_core=BUSY/TOTAL load_core=BUSY/TOTAL}, where
 * ops counts the connections completed with a 200 and at least min-bytes in the phase,
 * handshakes the handshakes completed, full those of them with a certificate, proxy_ticks the
 * utime+stime of the given pids over it, and the core figures the jiffies of /proc/stat.
 * Exit status 0; 2 for bad arguments; 3 when tcnative is unavailable or nothing succeeds.
 */
public final class HandshakeLoad {

    private static final String USAGE = "usage: HandshakeLoad --port P --mode full|resumed --pids PID,..."
            + " [--connections N] [--warmup-seconds S] [--seconds S] [--tls 1.3|1.2] [--min-bytes N]"
            + " [--proxy-cpu N] [--load-cpu N]";
    private static final String HOST = "127.0.0.1";
    /** Errors with nothing completed after which the proxy is taken to be down. */
    private static final int GIVE_UP_ERRORS = 2000;

    private final int port;
    private final boolean resume;
    private final int minBytes;
    private final int seconds;
    private final SslContext ssl;
    private final LongAdder fullHandshakes;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final CountDownLatch done = new CountDownLatch(1);
    private long ok;
    private long errors;
    private long handshakes;
    private int reasonsShown;
    private boolean stopped;

    private HandshakeLoad(int port, boolean resume, int minBytes, int seconds, SslContext ssl,
            LongAdder fullHandshakes, EventLoop loop) {
        this.port = port;
        this.resume = resume;
        this.minBytes = minBytes;
        this.seconds = seconds;
        this.ssl = ssl;
        this.fullHandshakes = fullHandshakes;
        this.loop = loop;
        this.bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /**
     * Runs the load; see the class comment for the arguments and what it prints.
     *
     * @param args the arguments
     * @throws Exception when the TLS context cannot be built or the wait is interrupted
     */
    public static void main(String[] args) throws Exception {
        int port = 0;
        String mode = null;
        List<Long> pids = new ArrayList<>();
        int connections = 16;
        int warmup = 10;
        int seconds = 10;
        String tls = "TLSv1.3";
        int minBytes = 1024;
        int proxyCpu = 1;
        int loadCpu = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--port" -> port = Args.intIn("--port", value, 1, 65535);
                    case "--mode" -> mode = value;
                    case "--pids" -> {
                        for (String p : (value == null ? "" : value).split(",")) {
                            pids.add((long) Args.positiveInt("--pids", p));
                        }
                    }
                    case "--connections" -> connections = Args.positiveInt("--connections", value);
                    case "--warmup-seconds" -> warmup = Args.nonNegativeInt("--warmup-seconds", value);
                    case "--seconds" -> seconds = Args.positiveInt("--seconds", value);
                    case "--tls" -> tls = switch (value == null ? "" : value) {
                        case "1.3" -> "TLSv1.3";
                        case "1.2" -> "TLSv1.2";
                        default -> throw Args.fail("--tls", value, "1.3 or 1.2");
                    };
                    case "--min-bytes" -> minBytes = Args.nonNegativeInt("--min-bytes", value);
                    case "--proxy-cpu" -> proxyCpu = Args.nonNegativeInt("--proxy-cpu", value);
                    case "--load-cpu" -> loadCpu = Args.nonNegativeInt("--load-cpu", value);
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
                i++;
            }
            if (port == 0) {
                throw Args.fail("--port", null, "an integer 1-65535");
            }
            if (!"full".equals(mode) && !"resumed".equals(mode)) {
                throw Args.fail("--mode", mode, "full or resumed");
            }
            if (pids.isEmpty()) {
                throw Args.fail("--pids", null, "the proxy's process ids, comma-separated");
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
        quietDefaultLogging(); // before Netty's first class logs its probing at DEBUG to stdout
        if (!OpenSsl.isAvailable()) {
            System.err.println("handshakes: netty-tcnative (BoringSSL) is not available: " + OpenSsl.unavailabilityCause());
            System.exit(3);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("handshakes", true),
                NioIoHandler.newFactory());
        LongAdder fullHandshakes = new LongAdder();
        SslContext ssl = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).protocols(tls)
                .trustManager(new CountingTrustManager(fullHandshakes)).build();
        HandshakeLoad load = new HandshakeLoad(port, "resumed".equals(mode), minBytes, seconds, ssl, fullHandshakes,
                group.next());
        int status = load.run(connections, warmup, pids, proxyCpu, loadCpu);
        System.out.flush();
        System.exit(status);
    }

    private int run(int connections, int warmup, List<Long> pids, int proxyCpu, int loadCpu)
            throws InterruptedException {
        loop.execute(() -> {
            CpuSample start = CpuSample.read(pids, proxyCpu, loadCpu);
            long[] base = {0, 0, 0, 0};
            String phase = warmup > 0 ? "cold" : "warm";
            loop.schedule(() -> report(phase, start, base, pids, proxyCpu, loadCpu),
                    warmup > 0 ? warmup : seconds, TimeUnit.SECONDS);
            for (int i = 0; i < connections; i++) {
                connect();
            }
        });
        done.await();
        return ok > 0 ? 0 : 3;
    }

    /** On the loop: prints the phase that ends now, and starts the next or stops. */
    private void report(String phase, CpuSample start, long[] base, List<Long> pids, int proxyCpu, int loadCpu) {
        CpuSample end = CpuSample.read(pids, proxyCpu, loadCpu);
        long full = fullHandshakes.sum();
        System.out.printf("phase=%s ops=%d errors=%d handshakes=%d full=%d %s%n", phase, ok - base[0],
                errors - base[1], handshakes - base[3], full - base[2], end.since(start));
        System.out.flush();
        if (phase.equals("cold")) {
            long[] next = {ok, errors, full, handshakes};
            loop.schedule(() -> report("warm", end, next, pids, proxyCpu, loadCpu), seconds, TimeUnit.SECONDS);
        } else {
            stopped = true;
            done.countDown();
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                // With a peer host and port the session cache of the context is used: offered and filled.
                SslHandler tls = resume ? ssl.newHandler(ch.alloc(), HOST, port) : ssl.newHandler(ch.alloc());
                ch.pipeline().addLast(new ReadTimeoutHandler(10), tls, new Exchange());
            }
        }).connect(HOST, port).addListener(f -> {
            if (!f.isSuccess()) {
                fail("connect: " + f.cause());
            }
        });
    }

    private void fail(String reason) {
        errors++;
        if (reasonsShown < 5) {
            reasonsShown++;
            System.err.println("handshakes: error: " + reason);
        }
        if (ok == 0 && errors >= GIVE_UP_ERRORS) {
            System.err.println("handshakes: " + errors + " errors and no success: giving up");
            stopped = true;
            done.countDown();
        }
        connect();
    }

    /** One connection: the request once the handshake is done, then the response until close. */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private final byte[] head = new byte[12];
        private int bytes;
        private String failure;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent e) {
                if (e.isSuccess()) {
                    handshakes++;
                    ctx.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                            StandardCharsets.US_ASCII));
                } else {
                    failure = "handshake: " + e.cause();
                    ctx.close();
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                int n = Math.min(head.length - Math.min(bytes, head.length), buf.readableBytes());
                buf.getBytes(buf.readerIndex(), head, Math.min(bytes, head.length), n);
                bytes += buf.readableBytes();
            } finally {
                buf.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause.toString();
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            String status = new String(head, 0, Math.min(bytes, head.length), StandardCharsets.US_ASCII);
            if (failure == null && !status.matches("HTTP/1\\.[01] 200")) {
                failure = "answer began \"" + status + "\" (expected: HTTP/1.x 200)";
            } else if (failure == null && bytes < minBytes) {
                failure = "answer of " + bytes + " bytes (expected: at least " + minBytes + ")";
            }
            if (failure == null) {
                ok++;
                connect();
            } else {
                fail(failure);
            }
        }
    }

    /** Accepts any server certificate and counts the checks: one for each full handshake. */
    private static final class CountingTrustManager extends X509ExtendedTrustManager {
        private final LongAdder fullHandshakes;

        CountingTrustManager(LongAdder fullHandshakes) {
            this.fullHandshakes = fullHandshakes;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            fullHandshakes.increment();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            fullHandshakes.increment();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            fullHandshakes.increment();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("a client only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("a client only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a client only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static void quietDefaultLogging() {
        if (System.getProperty("logback.configurationFile") == null
                && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }
}
