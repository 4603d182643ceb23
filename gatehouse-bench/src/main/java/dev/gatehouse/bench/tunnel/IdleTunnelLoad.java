package dev.gatehouse.bench.tunnel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Opens N WebSocket connections to one URL, at most {@code --rate} handshakes a second, verifies
 * each with one echoed text message, and then holds them idle for {@code --hold-seconds} before
 * it exits. The pacing, counting and holding are {@link IdleHold}'s, on one event loop thread.
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

    private IdleTunnelLoad() {
    }

    /**
     * Runs the load; see the class comment for the arguments and what it prints.
     *
     * @param args the arguments
     * @throws InterruptedException when interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        IdleHold.Options options = IdleHold.Options.parseOrExit(args, "ws", USAGE, (name, value) -> false);
        IdleHold.runAndExit("tunnels", options, TunnelHandler::new);
    }

    /** One connection: handshake, one echo, then idle until the peer closes it. */
    private static final class TunnelHandler extends IdleHold.Connection {

        private final String probe;
        private final WebSocketClientHandshaker handshaker;

        TunnelHandler(IdleHold hold, int index) {
            super(hold);
            this.probe = "probe " + index;
            this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(hold.url(), WebSocketVersion.V13, null, false,
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
                    verify(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        String closedEarly() {
            return handshaker.isHandshakeComplete() ? "closed before the echo" : "closed before the handshake";
        }
    }
}
