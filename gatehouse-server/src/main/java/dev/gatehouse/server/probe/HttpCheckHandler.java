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
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;

/**
 * Judges one health check response as it streams in, and decides as early as it can: on the head
 * when the status fails or no body text is expected, else as soon as the text is found, or at the
 * end of the body or its first {@value #MAX_BODY} bytes. At most that many body bytes are kept, in a
 * plain array; every decoded message is released as soon as it was read, so a large or endless body
 * costs neither memory nor buffers.
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

    HttpCheckHandler(HttpCheck check, HealthCheckConfig config) {
        this.check = check;
        this.config = config;
        this.needle = HttpCheck.needle(config);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!check.done() && msg instanceof HttpObject o) {
                read(o);
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
            if (!config.passes(code)) {
                check.unexpectedStatus(code);
                return;
            }
            if (needle == null) {
                check.passed(code);
                return;
            }
            status = code;
        }
        if (msg instanceof HttpContent content && status >= 0) {
            if (append(content.content())) {
                check.passed(status);
            } else if (bodyLength >= MAX_BODY || msg instanceof LastHttpContent) {
                check.bodyMismatch();
            }
        }
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
        if (!check.done()) {
            check.failed(status < 0 ? "connection closed before a response" : "connection closed mid-body");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        check.failed(cause);
    }
}
