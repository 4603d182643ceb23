package dev.gatehouse.bench.tunnel;

import dev.gatehouse.bench.scenario.Args;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;

/**
 * Opens N HTTP/1.1 keep-alive connections to one URL, at most {@code --rate} a second; on each
 * sends one GET, reads its response whole (status 200, a body of {@code --body-bytes} when given,
 * the connection kept alive), and then holds the connection idle for {@code --hold-seconds} before
 * it exits. The pacing, counting and holding are {@link IdleHold}'s, on one event loop thread.
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

    private IdleKeepAliveLoad() {
    }

    /**
     * Runs the load; see the class comment for the arguments and what it prints.
     *
     * @param args the arguments
     * @throws InterruptedException when interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        int[] bodyBytes = {-1};
        IdleHold.Options options = IdleHold.Options.parseOrExit(args, "http", USAGE, (name, value) -> {
            if (!name.equals("--body-bytes")) {
                return false;
            }
            bodyBytes[0] = Args.nonNegativeInt("--body-bytes", value);
            return true;
        });
        int body = bodyBytes[0];
        IdleHold.runAndExit("keepalive", options, (load, index) -> new KeepAliveHandler(load, body));
    }

    /** One connection: one GET read whole, then idle until the peer closes it. */
    private static final class KeepAliveHandler extends IdleHold.Connection {

        /** The body length each response must have, or -1 for any. */
        private final int bodyBytes;

        KeepAliveHandler(IdleHold hold, int bodyBytes) {
            super(hold);
            this.bodyBytes = bodyBytes;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            URI url = hold.url();
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
                    verify(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        String closedEarly() {
            return "closed before the response";
        }
    }
}
