package dev.gatehouse.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of a {@link WebSocketEchoBackend}: answers plain HTTP requests, turns an upgrade
 * request into a WebSocket (or refuses it), then echoes messages and takes part in the closing
 * handshake. Everything runs on the channel's event loop.
 */
final class WebSocketEchoHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(WebSocketEchoHandler.class);

    /** RFC 6455, 7.4.1: the code to record for a Close frame that carries none. */
    private static final int NO_STATUS_CODE = 1005;

    /** How long a client has to answer our Close before we end the TCP connection anyway. */
    private static final long CLOSE_ANSWER_TIMEOUT_SECONDS = 5;

    private final WebSocketEchoBackend backend;
    private WebSocketServerHandshaker handshaker;
    private ChannelHandlerContext context;
    private boolean closeSent;

    WebSocketEchoHandler(WebSocketEchoBackend backend) {
        this.backend = backend;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request) {
            try {
                onRequest(ctx, request);
            } finally {
                request.release();
            }
        } else if (msg instanceof WebSocketFrame frame) {
            onFrame(ctx, frame);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "bad request\n", false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!isUpgrade(request)) {
            boolean health = request.uri().equals("/health") || request.uri().startsWith("/health?");
            respond(ctx, HttpResponseStatus.OK, health ? "ok\n" : backend.greeting() + "\n", keepAlive);
            return;
        }
        WebSocketEchoBackend.Refusal refusal = backend.refusal();
        if (refusal != null) {
            respond(ctx, refusal.status(), refusal.body(), keepAlive);
            return;
        }
        upgrade(ctx, request);
    }

    private static boolean isUpgrade(FullHttpRequest request) {
        return request.method().equals(HttpMethod.GET)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && request.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST, "127.0.0.1");
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(WebSocketEchoBackend.MAX_MESSAGE_BYTES)
                .allowExtensions(false)
                .build();
        handshaker = new WebSocketServerHandshakerFactory("ws://" + host + request.uri(), null, config)
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        HttpHeaders extra = new DefaultHttpHeaders()
                .set(WebSocketEchoBackend.LABEL_HEADER, backend.label());
        // The frame decoder is in the pipeline once handshake() returns; the aggregator goes right
        // in front of this handler now, before any frame can arrive.
        handshaker.handshake(ctx.channel(), request, extra, ctx.newPromise()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                log.debug("{} handshake failed: {}", ctx.channel(), f.cause().toString());
                ctx.close();
                return;
            }
            backend.webSocketOpened(ctx.channel());
            if (backend.greetingOn()) {
                ctx.writeAndFlush(new TextWebSocketFrame(backend.greeting()));
            }
        });
        ctx.pipeline().addBefore(ctx.name(), "ws-aggregator",
                new WebSocketFrameAggregator(WebSocketEchoBackend.MAX_MESSAGE_BYTES));
    }

    private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            if (closeSent) {
                frame.release(); // RFC 6455, 5.5.1: no more data after our Close
            } else {
                ctx.writeAndFlush(frame); // whole thanks to the aggregator; keeps its type
            }
        } else if (frame instanceof PingWebSocketFrame) {
            // The pong takes over the ping's payload buffer.
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            int code = close.statusCode();
            backend.closeCodeReceived(code < 0 ? NO_STATUS_CODE : code);
            if (closeSent) {
                close.release();
                ctx.close(); // the client answered our Close: the server ends the TCP connection
            } else {
                closeSent = true;
                // Answer with the same code and reason, then end the TCP connection (RFC 6455, 7.1.1).
                ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
            }
        } else {
            frame.release(); // pongs and anything the aggregator let through
        }
    }

    /** Sends a Close with this code and reason; the TCP connection ends when the client answers. */
    void startClose(int code, String reason) {
        if (closeSent || handshaker == null) {
            return;
        }
        closeSent = true;
        ChannelHandlerContext ctx = context;
        ctx.writeAndFlush(new CloseWebSocketFrame(code, reason));
        // A client that never answers must not keep the connection open for ever.
        ctx.executor().schedule(() -> ctx.close(), CLOSE_ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.context = ctx;
    }

    private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(WebSocketEchoBackend.LABEL_HEADER, backend.label());
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A protocol error or an oversized message from a peer: not worth a stack trace.
        log.debug("{} closing after: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
