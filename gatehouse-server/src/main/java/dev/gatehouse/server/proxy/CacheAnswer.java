package dev.gatehouse.server.proxy;

import dev.gatehouse.core.cache.CacheStatusHeader;
import dev.gatehouse.core.cache.StoredMeta;
import dev.gatehouse.core.content.Conditionals;
import dev.gatehouse.core.content.EntityTag;
import dev.gatehouse.core.content.HeaderView;
import dev.gatehouse.core.content.HttpDates;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/**
 * Writes a stored response to the client: its fields as stored, its {@code Age} and our
 * {@code Cache-Status}, and its body in one message (it is in memory already, and bounded by the
 * cache's largest object). The client's own preconditions are evaluated against the stored
 * response, so a browser revalidating a page the cache holds gets its {@code 304} from the node.
 * Loop-confined.
 */
final class CacheAnswer {

    /** The cache's name in {@code Cache-Status} (RFC 9211 §2). */
    static final String NAME = "gatehouse";

    private CacheAnswer() {
    }

    /**
     * Answers with {@code body} and {@code meta}, and ends the exchange.
     *
     * @param clientConditionals the client's precondition fields (taken off the forwarded request)
     */
    static void serve(Exchange exchange, ClientSide client, StoredMeta meta, byte[] body, CacheStatusHeader.Report report,
                      HeaderView clientConditionals, long nowEpoch) {
        HttpHeaders h = new DefaultHttpHeaders(false);
        for (Map.Entry<String, String> f : meta.headers()) {
            h.add(f.getKey(), f.getValue());
        }
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        HttpResponseStatus status = HttpResponseStatus.valueOf(meta.status());
        boolean withBody = true;
        Conditionals.Outcome pre = Conditionals.evaluate("GET", clientConditionals,
                EntityTag.parse(meta.headers().first("ETag")), lastModified(meta, nowEpoch), nowEpoch);
        if (meta.status() == 200 && pre == Conditionals.Outcome.NOT_MODIFIED) {
            status = HttpResponseStatus.NOT_MODIFIED;
            withBody = false;
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
        } else if (pre == Conditionals.Outcome.PRECONDITION_FAILED) {
            status = HttpResponseStatus.PRECONDITION_FAILED;
            withBody = false;
            h.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
        } else {
            h.set(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
        }
        h.set(HttpHeaderNames.AGE, CacheStatusHeader.ageValue(meta.ageSeconds(nowEpoch)));
        h.set(CacheStatusHeader.NAME, CacheStatusHeader.value(NAME, report));
        // HEAD gets a stored GET's head: its Content-Length, and no body (RFC 9110 §9.3.2).
        boolean head = exchange.request().method().name().equals("HEAD");
        write(exchange, client, status, h, withBody && !head ? body : null);
    }

    /** A stored response's Last-Modified, or unknown. */
    private static long lastModified(StoredMeta meta, long now) {
        long t = HttpDates.parse(meta.headers().first("Last-Modified"), now);
        return t == HttpDates.INVALID ? Conditionals.UNKNOWN : t;
    }

    /** The answer to {@code only-if-cached} when nothing stored may answer (RFC 9111 §5.2.1.7). */
    static void onlyIfCachedMiss(Exchange exchange, ClientSide client, CacheStatusHeader.Report report) {
        HttpHeaders h = new DefaultHttpHeaders(false);
        h.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
        h.set(CacheStatusHeader.NAME, CacheStatusHeader.value(NAME, report));
        write(exchange, client, HttpResponseStatus.GATEWAY_TIMEOUT, h, null);
    }

    private static void write(Exchange exchange, ClientSide client, HttpResponseStatus status, HttpHeaders h, byte[] body) {
        boolean close = exchange.endings().closesAfterOwnAnswer();
        ErrorResponses.ownAnswer(h, exchange.requestId(), close, exchange.request().protocolVersion());
        var content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content, h,
                new DefaultHttpHeaders(false));
        exchange.facts().responseBytes(content.readableBytes());
        client.writeAndFlush(response);
        exchange.endings().answered(status.code(), close);
    }
}
