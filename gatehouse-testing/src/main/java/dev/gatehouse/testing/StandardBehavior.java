package dev.gatehouse.testing;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The default stub behaviour, routing by path; see {@link StubBehaviors#standard(String)}.
 * Every route but {@code /echo} reads the whole request body before answering, as most
 * application servers do.
 */
final class StandardBehavior implements StubBehavior {

    static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";

    private final String name;

    StandardBehavior(String name) {
        this.name = name;
    }

    @Override
    public void handle(StubExchange ex) {
        String path = ex.path();
        if (path.equals("/echo")) {
            echo(ex);
        } else {
            ex.discardBody(() -> answer(ex, path));
        }
    }

    private void answer(StubExchange ex, String path) {
        switch (path) {
            case "/download" -> download(ex);
            case "/upload" -> respond(ex, HttpResponseStatus.OK, JSON, Json.bodySummary(ex.bodyBytes(), ex.bodySha256()));
            case "/headers" -> respond(ex, HttpResponseStatus.OK, JSON, Json.headers(ex.headers()));
            default -> {
                if (path.startsWith("/status/")) {
                    status(ex, path.substring("/status/".length()));
                } else if (path.startsWith("/delay/")) {
                    delay(ex, path.substring("/delay/".length()));
                } else {
                    respond(ex, HttpResponseStatus.OK, TEXT_PLAIN, name + "\n");
                }
            }
        }
    }

    /** {@code /download?bytes=N[&chunked=true]}: N deterministic bytes, written as the peer reads. */
    private void download(StubExchange ex) {
        long bytes;
        try {
            bytes = Long.parseLong(String.valueOf(ex.queryParam("bytes")));
        } catch (NumberFormatException e) {
            bytes = -1;
        }
        if (bytes < 0) {
            respond(ex, HttpResponseStatus.BAD_REQUEST, TEXT_PLAIN,
                    "bytes: " + ex.queryParam("bytes") + " (expected: a number >= 0)\n");
            return;
        }
        HttpResponse head = head(HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        if ("true".equals(ex.queryParam("chunked"))) {
            HttpUtil.setTransferEncodingChunked(head, true);
        } else {
            HttpUtil.setContentLength(head, bytes);
        }
        ex.writeHead(head);
        ex.writeDeterministicBody(bytes).addListener(f -> {
            if (f.isSuccess()) {
                ex.end();
            } else {
                ex.closeConnection();
            }
        });
    }

    /** {@code /echo}: the body back as it arrives, one piece in flight at a time. */
    private void echo(StubExchange ex) {
        HttpResponse head = head(HttpResponseStatus.OK);
        String contentType = ex.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType != null) {
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (HttpUtil.isTransferEncodingChunked(ex.request())) {
            HttpUtil.setTransferEncodingChunked(head, true);
        } else {
            HttpUtil.setContentLength(head, HttpUtil.getContentLength(ex.request(), 0L));
        }
        ex.writeHead(head);
        ex.readBody(new BodyConsumer() {
            @Override
            public Future<?> onContent(ByteBuf content) {
                return ex.writeBody(content.retain());
            }

            @Override
            public void onEnd(HttpHeaders trailers) {
                ex.end();
            }
        });
    }

    /** {@code /status/NNN}: that status, with a short body where one is allowed. */
    private void status(StubExchange ex, String code) {
        int status;
        try {
            status = Integer.parseInt(code);
        } catch (NumberFormatException e) {
            status = -1;
        }
        if (status < 200 || status > 599) {
            respond(ex, HttpResponseStatus.BAD_REQUEST, TEXT_PLAIN,
                    "status: " + code + " (expected: 200-599)\n");
            return;
        }
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        respond(ex, s, TEXT_PLAIN, s + "\n");
    }

    /** {@code /delay/MS}: the default answer, MS milliseconds after the body has arrived. */
    private void delay(StubExchange ex, String millis) {
        long ms;
        try {
            ms = Long.parseLong(millis);
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 0) {
            respond(ex, HttpResponseStatus.BAD_REQUEST, TEXT_PLAIN, "delay: " + millis + " (expected: ms >= 0)\n");
            return;
        }
        ex.eventLoop().schedule(() -> respond(ex, HttpResponseStatus.OK, TEXT_PLAIN, name + "\n"),
                ms, TimeUnit.MILLISECONDS);
    }

    private HttpResponse head(HttpResponseStatus status) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        head.headers().set(StubBackend.BACKEND_HEADER, name);
        return head;
    }

    private void respond(StubExchange ex, HttpResponseStatus status, String contentType, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(StubBackend.BACKEND_HEADER, name);
        ex.respond(response);
    }
}
