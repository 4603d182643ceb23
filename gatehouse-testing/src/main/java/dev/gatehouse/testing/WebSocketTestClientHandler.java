package dev.gatehouse.testing;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-loop side of a {@link WebSocketTestClient}: checks the handshake response, then puts
 * what arrives into queues the test thread reads, answers pings and, unless told not to, the
 * peer's Close. Fields read by the test thread are thread-safe types or volatile.
 */
final class WebSocketTestClientHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(WebSocketTestClientHandler.class);

    /** The handshake response as the test sees it; {@code problem} is null when it succeeded. */
    record HandshakeResponse(int status, HttpHeaders headers, String body, String problem) {
    }

    final CompletableFuture<HandshakeResponse> handshake = new CompletableFuture<>();
    final BlockingQueue<WebSocketMessage> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    final CompletableFuture<WebSocketClose> closed = new CompletableFuture<>();
    /** {@link System#nanoTime()} when the peer's Close frame arrived, before any reply; 0 before. */
    volatile long closeFrameNanos;

    private final WebSocketClientHandshaker handshaker;
    private final boolean replyToClose;
    private volatile boolean closeSent;
    private WebSocketClose closeReceived;

    WebSocketTestClientHandler(WebSocketClientHandshaker handshaker, boolean replyToClose) {
        this.handshaker = handshaker;
        this.replyToClose = replyToClose;
    }

    /** Called by the test thread before it writes its own Close, so that the peer's is not answered. */
    void closeSent() {
        closeSent = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof FullHttpResponse response) {
                onHandshakeResponse(ctx, response);
            } else if (msg instanceof TextWebSocketFrame text) {
                messages.add(new WebSocketMessage(WebSocketMessage.Type.TEXT, ByteBufUtil.getBytes(text.content())));
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                messages.add(new WebSocketMessage(WebSocketMessage.Type.BINARY,
                        ByteBufUtil.getBytes(binary.content())));
            } else if (msg instanceof PongWebSocketFrame pong) {
                pongs.add(ByteBufUtil.getBytes(pong.content()));
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                onClose(ctx, close);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHandshakeResponse(ChannelHandlerContext ctx, FullHttpResponse response) {
        int status = response.status().code();
        HttpHeaders headers = new DefaultHttpHeaders().set(response.headers());
        String body = response.content().toString(StandardCharsets.UTF_8);
        if (status != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            handshake.complete(new HandshakeResponse(status, headers, body, "expected: 101 Switching Protocols"));
            ctx.close();
            return;
        }
        try {
            handshaker.finishHandshake(ctx.channel(), response);
        } catch (WebSocketHandshakeException e) {
            handshake.complete(new HandshakeResponse(status, headers, body, e.getMessage()));
            ctx.close();
            return;
        }
        // Frames that came in the same read as the 101 reach the aggregator: it is in place before
        // the HTTP codec hands them on.
        ctx.pipeline().addBefore(ctx.name(), "ws-aggregator",
                new WebSocketFrameAggregator(WebSocketTestClient.MAX_MESSAGE_BYTES));
        handshake.complete(new HandshakeResponse(status, headers, body, null));
    }

    private void onClose(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        closeFrameNanos = System.nanoTime();
        int code = close.statusCode();
        String reason = code < 0 ? "" : close.reasonText();
        closeReceived = new WebSocketClose(code < 0 ? WebSocketClose.NO_STATUS : code, reason, true);
        if (!closeSent && replyToClose) {
            closeSent = true;
            // Echo the code, as RFC 6455 5.5.1 suggests; the server then ends the TCP connection.
            ctx.writeAndFlush(code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, ""));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        handshake.completeExceptionally(new IOException("connection closed before the handshake response"));
        closed.complete(closeReceived != null ? closeReceived : WebSocketClose.abnormal());
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset or a protocol error from the peer: the test sees it as the close outcome.
        log.debug("{} closing after: {}", ctx.channel(), cause.toString());
        handshake.completeExceptionally(cause);
        ctx.close();
    }
}
