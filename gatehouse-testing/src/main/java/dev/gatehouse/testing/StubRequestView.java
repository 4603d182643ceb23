package dev.gatehouse.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/**
 * The request of a {@link StubExchange} as a {@link StubBehavior} reads it: the head, its target
 * and query, and where it arrived (backend, connection, event loop). Kept apart from the exchange,
 * which reads the body and writes the response. Confined to the connection's event loop.
 */
public abstract class StubRequestView {

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final String backendName;
    private final long connectionId;
    private QueryStringDecoder query;

    StubRequestView(ChannelHandlerContext ctx, HttpRequest request, String backendName, long connectionId) {
        this.ctx = ctx;
        this.request = request;
        this.backendName = backendName;
        this.connectionId = connectionId;
    }

    /**
     * Returns the request head.
     *
     * @return the head as decoded; not reference-counted
     */
    public HttpRequest request() {
        return request;
    }

    /**
     * Returns the request method.
     *
     * @return e.g. {@code GET}
     */
    public HttpMethod method() {
        return request.method();
    }

    /**
     * Returns the request target as sent.
     *
     * @return e.g. {@code /download?bytes=10}
     */
    public String uri() {
        return request.uri();
    }

    /**
     * Returns the path of the request target, without the query.
     *
     * @return e.g. {@code /download}
     */
    public String path() {
        return query().path();
    }

    /**
     * Returns the first value of a query parameter, or null.
     *
     * @param name the parameter name
     * @return the decoded value or null
     */
    public String queryParam(String name) {
        List<String> values = query().parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * Returns the request headers.
     *
     * @return the headers as decoded
     */
    public HttpHeaders headers() {
        return request.headers();
    }

    /**
     * Tells whether the request is a HEAD request, whose response has no body.
     *
     * @return true for HEAD
     */
    public boolean isHead() {
        return HttpMethod.HEAD.equals(request.method());
    }

    /**
     * Returns the name of the stub backend answering.
     *
     * @return the name given to {@link StubBackend#start(String)}
     */
    public String backendName() {
        return backendName;
    }

    /**
     * Returns the sequence number of the connection, as in {@link RecordedRequest#connectionId()}.
     *
     * @return a number from 1
     */
    public long connectionId() {
        return connectionId;
    }

    /**
     * Returns the connection's event loop, for scheduling later work (never sleep on it).
     *
     * @return the event loop
     */
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    /**
     * Returns the connection's buffer allocator.
     *
     * @return the allocator
     */
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    private QueryStringDecoder query() {
        if (query == null) {
            query = new QueryStringDecoder(request.uri());
        }
        return query;
    }

    /** The method and target, for log lines and messages. */
    String describe() {
        return request.method() + " " + request.uri();
    }
}
