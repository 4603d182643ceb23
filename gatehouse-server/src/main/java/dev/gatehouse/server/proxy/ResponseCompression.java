package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.CompressConfig;
import dev.gatehouse.core.content.CompressionChoice;
import dev.gatehouse.core.content.EntityTag;
import dev.gatehouse.core.content.HeaderView;
import dev.gatehouse.server.compress.BodyEncoder;
import dev.gatehouse.server.compress.Codings;
import dev.gatehouse.server.files.NettyHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * A route's compression of one response on its way to the client (and to the route's cache, which
 * so stores the compressed variant). Whether and with what is core's decision
 * ({@link CompressionChoice}); here the head is recoded ({@code Content-Encoding}, no length, the
 * {@code ETag} made weak since the bytes are no longer the backend's, {@code Vary:
 * Accept-Encoding}) and the body coded part by part ({@link BodyEncoder}). A response that could
 * have been compressed for another client carries the Vary too, so no cache hands one client's
 * coding to another. Loop-confined; {@link #release()} once.
 */
final class ResponseCompression {

    private final CompressConfig config;
    private final List<String> offered;
    private final String route;
    private final ProxyContext context;
    private BodyEncoder encoder;
    private long in;
    private long out;

    ResponseCompression(CompressConfig config, String route, ProxyContext context) {
        this.config = config;
        this.offered = Codings.available(config.codings());
        this.route = route;
        this.context = context;
    }

    /** The codings this route offers and this node can make, for the cache's variant key. */
    List<String> offered() {
        return offered;
    }

    /**
     * Decides on the final response head and recodes it in place when compressing.
     *
     * @return whether the body will be coded (its framing is then the node's, not the backend's)
     */
    boolean head(HttpRequest request, int status, HttpResponse response) {
        String method = request.method().name();
        HeaderView req = NettyHeaders.view(request.headers());
        HttpHeaders h = response.headers();
        HeaderView resp = NettyHeaders.view(h);
        String coding = CompressionChoice.choose(method, req, status, resp, offered, config.minSize(), config.types());
        boolean couldBe = coding != null
                || CompressionChoice.choose(method, anyCoding(req), status, resp, offered, config.minSize(), config.types()) != null;
        if (couldBe && !varies(h)) {
            h.add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        }
        if (coding == null) {
            return false;
        }
        encoder = BodyEncoder.of(coding);
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.set(HttpHeaderNames.CONTENT_ENCODING, coding);
        EntityTag tag = EntityTag.parse(h.get(HttpHeaderNames.ETAG));
        if (tag != null) {
            h.set(HttpHeaderNames.ETAG, tag.weakened().toString());
        }
        return true;
    }

    /**
     * A part of the body on its way to the client: coded when compressing. Takes ownership of
     * {@code part} and returns what to send in its place (the same part when not compressing).
     */
    HttpContent outgoing(HttpContent part) {
        if (encoder == null) {
            return part;
        }
        in += part.content().readableBytes();
        ByteBuf coded = encoder.encode(part.content().retain());
        if (!(part instanceof LastHttpContent last)) {
            part.release();
            out += coded.readableBytes();
            return new DefaultHttpContent(coded);
        }
        ByteBuf rest = encoder.finish();
        CompositeByteBuf all = coded.alloc().compositeBuffer(2);
        all.addComponent(true, coded).addComponent(true, rest);
        out += all.readableBytes();
        DefaultLastHttpContent end = new DefaultLastHttpContent(all, false);
        end.trailingHeaders().set(last.trailingHeaders());
        part.release();
        context.recorder().compressed(route, encoder.coding(), in, out);
        encoder.release();
        encoder = null;
        return end;
    }

    /** The exchange ended, possibly mid-body: the encoder's buffers go back. */
    void release() {
        if (encoder != null) {
            encoder.release();
            encoder = null;
        }
    }

    private static boolean varies(HttpHeaders h) {
        for (String v : h.getAll(HttpHeaderNames.VARY)) {
            for (String name : v.split(",")) {
                String n = name.trim();
                if (n.equals("*") || n.equalsIgnoreCase("accept-encoding")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The request as if it took every coding: could this response be compressed for someone? */
    private static HeaderView anyCoding(HeaderView request) {
        return name -> name.equalsIgnoreCase("Accept-Encoding") ? List.of("*") : request.all(name);
    }
}
