package dev.gatehouse.server.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The one transfer coding a request body may come in: {@code chunked}, alone. Netty's decoder (in
 * its RFC 9112 mode) accepts any list of codings that ends in chunked, split over as many
 * {@code Transfer-Encoding} fields as the client likes, and reads the body as chunked; forwarded,
 * {@code Transfer-Encoding: chu\u00eeked} followed by {@code Transfer-Encoding: chunked} would let a
 * backend that reads the first field, or stops at a coding it does not know, frame the body
 * otherwise (the TE.TE desync). So, as nginx does:
 *
 * <ul>
 *   <li>a coding list other than exactly {@code chunked} (another coding, chunked twice, an
 *       empty element, the list split over several fields) is 501 (RFC 9112 §6.1: a coding the
 *       server does not understand), and the connection closes, its framing in doubt;
 *   <li>{@code Transfer-Encoding} in an HTTP/1.0 request is 400: RFC 9112 §6.1 has such framing
 *       treated as faulty.
 * </ul>
 */
final class TransferCodings {

    private TransferCodings() {
    }

    /**
     * Why the request's {@code Transfer-Encoding} cannot be forwarded, or {@code null} when it has
     * none or exactly {@code chunked}.
     */
    static RequestHead refusal(HttpRequest request, boolean keepAlive) {
        List<String> fields = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (fields.isEmpty()) {
            return null;
        }
        if (request.protocolVersion() == HttpVersion.HTTP_1_0) {
            return refused(ProxyError.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request", keepAlive);
        }
        if (fields.size() > 1) {
            return refused(ProxyError.NOT_IMPLEMENTED, "Transfer-Encoding in " + fields.size()
                    + " fields (expected: one, chunked)", keepAlive);
        }
        if (!fields.get(0).strip().equalsIgnoreCase("chunked")) {
            return refused(ProxyError.NOT_IMPLEMENTED, "transfer coding other than chunked (expected: chunked)", keepAlive);
        }
        return null;
    }

    /** A refusal that closes the connection: the body that follows cannot be framed with confidence. */
    private static RequestHead refused(ProxyError error, String problem, boolean keepAlive) {
        return new RequestHead(error, problem, null, keepAlive, true, -1, null, null, false);
    }
}
