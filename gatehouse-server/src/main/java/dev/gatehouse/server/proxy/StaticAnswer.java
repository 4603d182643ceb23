package dev.gatehouse.server.proxy;

import dev.gatehouse.core.admission.Outcome;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.StaticConfig;
import dev.gatehouse.core.content.AcceptEncoding;
import dev.gatehouse.core.content.RequestPath;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.server.files.DirectoryListing;
import dev.gatehouse.server.files.FileBody;
import dev.gatehouse.server.files.FileLookup;
import dev.gatehouse.server.files.FilePlan;
import dev.gatehouse.server.files.FilePlanner;
import dev.gatehouse.server.files.NettyHeaders;
import dev.gatehouse.server.tls.ConnectionTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The answer of a static route: finds the file ({@link FileLookup}), plans the answer
 * ({@link FilePlanner}) and sends it ({@link FileBody}), or gives the request back to the route's
 * pool when no file answers and the route has one. GET and HEAD only; other methods go to the pool,
 * or get {@code 405}. A request body (rare on GET) is not read: the answer closes the connection.
 * Loop-confined.
 */
final class StaticAnswer implements LocalAnswer {

    private static final String ALLOW = "GET, HEAD";

    private final Exchange exchange;
    private final ClientSide client;
    private final ProxyContext context;
    private final StaticConfig config;
    /** The route for the metrics: {@code host/prefix}. */
    private final String route;
    private final RouteConfig routeConfig;
    private FileBody body;
    private int status;
    private boolean close;

    StaticAnswer(Exchange exchange, ClientSide client, ProxyContext context, RouteConfig route) {
        this.exchange = exchange;
        this.client = client;
        this.context = context;
        this.config = route.staticFiles();
        this.routeConfig = route;
        this.route = route.label();
    }

    @Override
    public boolean start() {
        return start(exchange.request(), routeConfig.pathPrefix(), exchange.requestPath(), exchange.pool());
    }

    /**
     * Answers the request, or declines.
     *
     * @param routePrefix the route's path prefix, taken off the path
     * @param path        the request path as received (percent-encoded, no query)
     * @param pool        the route's pool, or null
     * @return false when no file answers and the request is the pool's to serve
     */
    private boolean start(HttpRequest request, String routePrefix, String path, PoolSnapshot pool) {
        String method = request.method().name();
        boolean fallback = pool != null;
        if (!method.equals("GET") && !method.equals("HEAD")) {
            if (fallback) {
                return false;
            }
            HttpHeaders h = new DefaultHttpHeaders();
            h.set(HttpHeaderNames.ALLOW, ALLOW);
            answer(HttpResponseStatus.METHOD_NOT_ALLOWED, h, null);
            return true;
        }
        RequestPath.Result resolved = RequestPath.resolve(path, routePrefix, config.dotfiles());
        if (resolved instanceof RequestPath.Refused refused) {
            if (refused.status() == 404 && fallback) {
                return false;
            }
            Exchange.LOG.debug("{} request {}: static path refused: {}", client.logId(), exchange.requestId(), refused.why());
            answer(HttpResponseStatus.valueOf(refused.status()), new DefaultHttpHeaders(), null);
            return true;
        }
        RequestPath.Segments segments = (RequestPath.Segments) resolved;
        FileLookup files = context.files();
        Path root = files.root(config, pool == null ? null : pool.servingVersion());
        if (root == null) {
            return notFound(fallback);
        }
        FileLookup.Result found = files.find(config, root, segments.segments(), segments.directory(),
                () -> AcceptEncoding.parse(request.headers().getAll(HttpHeaderNames.ACCEPT_ENCODING)));
        if (found instanceof FileLookup.Found f) {
            serve(request, method, f);
        } else if (found instanceof FileLookup.AddSlash) {
            HttpHeaders h = new DefaultHttpHeaders();
            String uri = request.uri();
            int q = uri.indexOf('?');
            h.set(HttpHeaderNames.LOCATION, q < 0 ? uri + "/" : uri.substring(0, q) + "/" + uri.substring(q));
            answer(HttpResponseStatus.MOVED_PERMANENTLY, h, null);
        } else if (found instanceof FileLookup.Listing l) {
            // The title shows the path as RequestPath decoded it: no second decoding here.
            String shown = segments.segments().isEmpty() ? routePrefix
                    : routePrefix + String.join("/", segments.segments()) + "/";
            list(method, l.directory(), shown);
        } else {
            return notFound(fallback);
        }
        return true;
    }

    private boolean notFound(boolean fallback) {
        if (fallback) {
            return false;
        }
        answer(HttpResponseStatus.NOT_FOUND, new DefaultHttpHeaders(), null);
        return true;
    }

    private void serve(HttpRequest request, String method, FileLookup.Found found) {
        var rep = found.representation();
        FilePlan plan = FilePlanner.plan(method, NettyHeaders.view(request.headers()), rep, config,
                context.wallClock().epochSeconds());
        status = plan.status().code();
        close = exchange.endings().closesAfterOwnAnswer();
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, plan.status(), plan.headers());
        decorate(head.headers());
        exchange.facts().served("static", route);
        boolean zeroCopy = client.protocol().equals("h1") && client.tls() == ConnectionTls.NONE;
        body = new FileBody(rep.file(), plan.body(), sink(), zeroCopy);
        client.write(head);
        send();
    }

    /** Queues more of the body; ends the exchange once it is all queued. */
    private void send() {
        try {
            if (!body.send()) {
                client.awaitClientRead();
                return;
            }
        } catch (IOException e) {
            // The file changed under us after the head promised its length: the framing is lost.
            Exchange.LOG.warn("{} request {}: static file could not be sent: {}", client.logId(), exchange.requestId(),
                    e.getMessage());
            exchange.facts().responseBytes(body.written());
            exchange.endings().abort("static file could not be read: " + e.getMessage(), Outcome.DROPPED);
            return;
        }
        exchange.facts().responseBytes(body.written());
        exchange.endings().answered(status, close);
    }

    @Override
    public void clientWritabilityChanged() {
        if (body != null && client.isWritable() && !exchange.ended()) {
            client.clientReadResumed(false);
            send();
        }
    }

    private void list(String method, Path directory, String shownPath) {
        byte[] page;
        try {
            page = DirectoryListing.render(directory, shownPath, config.dotfiles());
        } catch (IOException e) {
            answer(HttpResponseStatus.NOT_FOUND, new DefaultHttpHeaders(), null);
            return;
        }
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        answer(HttpResponseStatus.OK, h, method.equals("HEAD") ? null : page, page.length);
    }

    private void answer(HttpResponseStatus s, HttpHeaders h, byte[] content) {
        answer(s, h, content, content == null ? 0 : content.length);
    }

    /** A whole answer in one message: errors, redirects, listings. */
    private void answer(HttpResponseStatus s, HttpHeaders h, byte[] content, long contentLength) {
        status = s.code();
        close = exchange.endings().closesAfterOwnAnswer();
        ByteBufAllocator alloc = client.alloc();
        var buf = content == null ? Unpooled.EMPTY_BUFFER : alloc.buffer(content.length).writeBytes(content);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, buf, h, new DefaultHttpHeaders());
        if (!h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(contentLength));
        }
        decorate(h);
        exchange.facts().served("static", route);
        exchange.facts().responseBytes(buf.readableBytes());
        client.writeAndFlush(response);
        exchange.endings().answered(status, close);
    }

    /** What every answer carries: the request id, and how the connection goes on. */
    private void decorate(HttpHeaders h) {
        ErrorResponses.ownAnswer(h, exchange.requestId(), close, exchange.request().protocolVersion());
    }

    private FileBody.Sink sink() {
        return new FileBody.Sink() {
            @Override
            public void write(Object message) {
                client.write(message);
            }

            @Override
            public void flush() {
                client.flush();
            }

            @Override
            public boolean isWritable() {
                return client.isWritable();
            }

            @Override
            public ByteBufAllocator alloc() {
                return client.alloc();
            }
        };
    }

    @Override
    public void content(HttpContent content) {
        // Not read: the answer closes the connection (closesAfterOwnAnswer) rather than wait for a body.
        content.release();
    }

    @Override
    public void release() {
        if (body != null) {
            body.release();
        }
    }
}
