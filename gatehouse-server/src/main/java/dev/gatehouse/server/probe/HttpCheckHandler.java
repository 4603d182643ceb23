package dev.gatehouse.server.probe;

import dev.gatehouse.core.config.HealthCheckConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;

/**
 * Judges one health check response as it streams in, and decides as early as it can: on the head
 * when the status fails or no body text is expected, else as soon as the text is found, or at the
 * end of the body or its first {@value #MAX_BODY} bytes. At most that many body bytes are kept, in a
 * plain array; every decoded message is released as soon as it was read, so a large or endless body
 * costs neither memory nor buffers.
 *
 * <p>On a check that passed with a keep-alive response, the handler decides the connection's fate
 * at the end of that read: kept for the next check when the whole response is in, else closed.
 * A kept connection that receives anything before the next check replaces this handler is closed.
 * A connection that closes before any response on a kept connection makes the check try a fresh
 * one ({@link Check#retryFresh()}); events of a connection that is no longer the check's are ignored.
 */
final class HttpCheckHandler extends ChannelInboundHandlerAdapter {

    /** How much of the body is searched for the expected text. */
    static final int MAX_BODY = 64 * 1024;

    private final HttpCheck check;
    private final HealthCheckConfig config;
    private final byte[] needle;
    private byte[] body;
    private int bodyLength;
    private int status = -1;
    /** Some of a response arrived (so a failure is the backend's answer, not a stale connection). */
    private boolean answered;
    /** The final response allows the connection to be used again. */
    private boolean keepAlive;
    /** The whole response arrived. */
    private boolean complete;
    /** The check passed and left the connection open: this handler keeps or closes it at the read's end. */
    private boolean deciding;
    /** Handed to the next check: any input now is unasked for. */
    private boolean kept;

    HttpCheckHandler(HttpCheck check, HealthCheckConfig config) {
        this.check = check;
        this.config = config;
        this.needle = HttpCheck.needle(config);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (kept) {
                ctx.close();
            } else if (msg instanceof HttpObject o && check.isCurrent(ctx.channel())) {
                answered = true;
                // Complete once the last part of the final response is in (an interim one starts over).
                if (o instanceof HttpResponse) {
                    complete = false;
                }
                if (o.decoderResult().isFailure()) {
                    keepAlive = false;
                } else if (o instanceof LastHttpContent) {
                    complete = true;
                }
                if (!check.done()) {
                    read(o);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void read(HttpObject msg) {
        DecoderResult result = msg.decoderResult();
        if (result.isFailure()) {
            check.failed("invalid response: " + result.cause().getMessage());
            return;
        }
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL && code != 101) {
                // An interim response (100 Continue, 103 Early Hints): the final one follows.
                return;
            }
            // A 101 switches protocols: whatever follows is not HTTP, the connection is not reused.
            keepAlive = code != 101 && HttpUtil.isKeepAlive(response);
            if (!config.passes(code)) {
                check.unexpectedStatus(code);
                return;
            }
            if (needle == null) {
                deciding = check.passed(code, keepAlive);
                return;
            }
            status = code;
        }
        if (msg instanceof HttpContent content && status >= 0) {
            if (append(content.content())) {
                deciding = check.passed(status, keepAlive);
            } else if (bodyLength >= MAX_BODY || msg instanceof LastHttpContent) {
                check.bodyMismatch();
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (deciding) {
            deciding = false;
            if (complete && keepAlive && ctx.channel().isActive()) {
                kept = true;
                check.keep(ctx.channel());
            } else {
                ctx.close();
            }
        }
        ctx.fireChannelReadComplete();
    }

    /** Keeps up to {@link #MAX_BODY} bytes and searches the part that could hold a new match. */
    private boolean append(ByteBuf chunk) {
        int n = Math.min(chunk.readableBytes(), MAX_BODY - bodyLength);
        if (n <= 0) {
            return false;
        }
        if (body == null) {
            body = new byte[Math.min(MAX_BODY, Math.max(n, 4096))];
        } else if (body.length < bodyLength + n) {
            body = Arrays.copyOf(body, Math.min(MAX_BODY, Math.max(bodyLength + n, body.length * 2)));
        }
        chunk.getBytes(chunk.readerIndex(), body, bodyLength, n);
        int from = Math.max(0, bodyLength - needle.length + 1);
        bodyLength += n;
        return indexOf(body, bodyLength, needle, from) >= 0;
    }

    private static int indexOf(byte[] hay, int length, byte[] needle, int from) {
        outer:
        for (int i = from; i <= length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // After a decision the check closed the connection itself; this matters only before one.
        if (!check.done() && check.isCurrent(ctx.channel()) && !(!answered && check.retryFresh())) {
            check.failed(status < 0 ? "connection closed before a response" : "connection closed mid-body");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (kept || !check.isCurrent(ctx.channel())) {
            ctx.close();
            return;
        }
        // A reset of a kept connection before any answer: the fresh connection decides.
        if (!answered && check.retryFresh()) {
            return;
        }
        check.failed(cause);
    }
}
