package dev.gatehouse.testing;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.PrintStream;
import java.util.ArrayDeque;

/**
 * Writes one line per request event of a stub connection to a {@link PrintStream}, flushed at
 * once, so that a process killed at any moment leaves a log that says exactly which requests it
 * had received and which it had answered. Installed between the HTTP codec and the stub handler
 * when the backend was started with a request log ({@link StubBackend#start(String, int,
 * StubBehavior, PrintStream)}).
 *
 * <p>The lines, fields separated by one space, time in epoch milliseconds, {@code ID} the request's
 * {@code X-Request-Id} ({@code -} when it has none), {@code CONN} the connection's sequence number:
 * <ul>
 *   <li>{@code recv TIME CONN ID METHOD URI}: the request head was read off the socket and
 *       decoded;</li>
 *   <li>{@code done TIME CONN ID STATUS}: the last byte of its response was written to the socket
 *       (handed to the kernel; a process killed afterwards still delivers it);</li>
 *   <li>{@code fail TIME CONN ID STATUS}: writing the end of its response failed;</li>
 *   <li>{@code drop TIME CONN ID}: the connection closed before the end of its response was
 *       written.</li>
 * </ul>
 *
 * <p>Design notes. HTTP/1.1 answers in order, so the ids of the requests received and not yet
 * answered form a queue per connection: a head pushes, the end of a final response (a
 * {@link LastHttpContent}, which a full response is too) pops. Interim responses (1xx) pop
 * nothing. Everything runs on the connection's event loop; {@link PrintStream#println} is
 * synchronized, so connections on other loops may share the stream.
 */
final class RequestEventLogHandler extends ChannelDuplexHandler {

    private static final String NO_ID = "-";

    private final PrintStream out;
    private final long connectionId;
    private final ArrayDeque<String> unanswered = new ArrayDeque<>();
    private int status;
    private boolean interim;

    RequestEventLogHandler(PrintStream out, long connectionId) {
        this.out = out;
        this.connectionId = connectionId;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest head && head.decoderResult().isSuccess()) {
            String id = idOf(head);
            unanswered.add(id);
            line("recv", id, head.method().name() + " " + head.uri().replace(' ', '+'));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse head) {
            interim = head.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (!interim) {
                status = head.status().code();
            }
        }
        if (msg instanceof LastHttpContent && !interim && !unanswered.isEmpty()) {
            String id = unanswered.poll();
            int answered = status;
            ChannelPromise p = promise.unvoid();
            ctx.write(msg, p);
            p.addListener(f -> line(f.isSuccess() ? "done" : "fail", id, Integer.toString(answered)));
            return;
        }
        if (msg instanceof LastHttpContent) {
            interim = false;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        String id;
        while ((id = unanswered.poll()) != null) {
            line("drop", id, null);
        }
        ctx.fireChannelInactive();
    }

    private void line(String event, String id, String rest) {
        StringBuilder b = new StringBuilder(96).append(event).append(' ').append(System.currentTimeMillis())
                .append(' ').append(connectionId).append(' ').append(id);
        if (rest != null) {
            b.append(' ').append(rest);
        }
        out.println(b);
        out.flush();
    }

    private static String idOf(HttpRequest head) {
        String id = head.headers().get("X-Request-Id");
        if (id == null || id.isEmpty()) {
            return NO_ID;
        }
        // One token per field: a space or line break in a client's id must not shift the columns.
        StringBuilder b = new StringBuilder(id.length());
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            b.append(c <= ' ' || c == 0x7f ? '_' : c);
        }
        return b.toString();
    }
}
