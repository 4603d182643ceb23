package dev.gatehouse.server.proxy;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * The checks of a request head before it is routed, in the order a client learns of them: a head
 * the decoder refused (a line or header section over its limit among them), more header fields than
 * {@code limits.max_headers}, a version other than HTTP/1.1 or 1.0, CONNECT, a transfer coding
 * other than chunked ({@link TransferCodings}), the target and Host ({@link RequestTarget}), a body
 * on GET or HEAD, an upgrade ({@link UpgradeRequest}). A Content-Length that passes leaves as plain
 * decimal digits. The body's declared length is judged once the route, which may have its own
 * limit, is known ({@link ClientLimits#checkRoute}).
 *
 * @param error         what the client is answered, or {@code null} when the head is acceptable
 * @param problem       why, for the log and the access record; {@code null} when acceptable
 * @param limit         the client limit the head went past, or {@code null}
 * @param keepAlive     whether the client asked to keep the connection (false when the head is not
 *                      even HTTP/1.x)
 * @param expectsBody   whether a body follows the head (known once the target passed)
 * @param contentLength the declared body length, -1 for none (known once the target passed)
 * @param target        the path and host to route by; {@code null} when the head failed before
 * @param upgrade       what the request asks to switch to, or {@code null}
 * @param told          whether the 400 names the problem in its body: a refused upgrade is the
 *                      client's own mistake, in words its developer can act on
 */
record RequestHead(ProxyError error, String problem, ClientLimit limit, boolean keepAlive, boolean expectsBody,
                   long contentLength, RequestTarget target, UpgradeRequest upgrade, boolean told) {

    /** What an exchange holds before its head is checked: nothing known yet. */
    static final RequestHead UNCHECKED = new RequestHead(null, null, null, false, false, -1, null, null, false);

    /**
     * Checks {@code request} (an absolute-form target is rewritten to origin-form in place, and
     * Content-Length normalized in place).
     *
     * @param maxHeaders the most header fields a request may have
     * @param settings   whether GET and HEAD may carry a body
     */
    static RequestHead check(HttpRequest request, int maxHeaders, ProxyContext.Settings settings) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            ClientLimit limit = cause instanceof TooLongHttpLineException ? ClientLimit.REQUEST_LINE
                    : cause instanceof TooLongHttpHeaderException ? ClientLimit.HEADER_SIZE : null;
            String problem = limit == null ? "malformed request: " + cause.getMessage() : limit.setting() + ": " + cause.getMessage();
            return new RequestHead(ErrorResponses.classify(request.decoderResult()), problem, limit, false, false, -1,
                    null, null, false);
        }
        int fields = request.headers().size();
        if (fields > maxHeaders) {
            // The section fit max_header_size, so the decoder's framing is sound; closed all the same, like 431 for size.
            return new RequestHead(ProxyError.HEADERS_TOO_LARGE, "max_headers: " + fields + " header fields (at most "
                    + maxHeaders + ")", ClientLimit.HEADERS, false, false, -1, null, null, false);
        }
        HttpVersion version = request.protocolVersion();
        if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
            return refused(ProxyError.VERSION_NOT_SUPPORTED, "unsupported version " + version, false);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (HttpMethod.CONNECT.equals(request.method())) {
            return refused(ProxyError.NOT_IMPLEMENTED, "CONNECT is not supported", keepAlive);
        }
        RequestHead coding = TransferCodings.refusal(request, keepAlive);
        if (coding != null) {
            return coding;
        }
        RequestTarget target = RequestTarget.check(request);
        if (target.problem() != null) {
            return refused(ProxyError.BAD_REQUEST, target.problem(), keepAlive);
        }
        UpgradeRequest upgrade = UpgradeRequest.of(request);
        if (upgrade != null && upgrade.problem() != null) {
            return new RequestHead(ProxyError.BAD_REQUEST, upgrade.problem(), null, keepAlive, false, -1, null, null, true);
        }
        HttpHeaders h = request.headers();
        long length = HttpUtil.getContentLength(request, -1L);
        boolean chunked = h.contains(HttpHeaderNames.TRANSFER_ENCODING);
        if (isGetOrHead(request.method())) {
            if ((length > 0 || chunked) && !settings.forwardBodyOnGetHead()) {
                // A backend that ignores the body of a GET would read it as the next request.
                return new RequestHead(ProxyError.BAD_REQUEST, request.method().name() + " request with a body ("
                        + (chunked ? "Transfer-Encoding" : "Content-Length: " + length) + ")", null, keepAlive, true,
                        -1, null, null, true);
            }
            if (length == 0) {
                // Common clients send it; it means no body, so it goes.
                h.remove(HttpHeaderNames.CONTENT_LENGTH);
                length = -1;
            }
        }
        if (length >= 0 && !Long.toString(length).equals(h.get(HttpHeaderNames.CONTENT_LENGTH))) {
            // "003": the backend gets the number the node framed the body by, in its plain form.
            h.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(length));
        }
        // Any Transfer-Encoding left ends in chunked: the decoder refused every other.
        boolean expectsBody = length > 0 || chunked;
        return new RequestHead(null, null, null, keepAlive, expectsBody, length, target, upgrade, false);
    }

    /** GET or HEAD in any case: some backends read methods without regard to case. */
    private static boolean isGetOrHead(HttpMethod method) {
        String name = method.name();
        return name.equalsIgnoreCase("GET") || name.equalsIgnoreCase("HEAD");
    }

    private static RequestHead refused(ProxyError error, String problem, boolean keepAlive) {
        return new RequestHead(error, problem, null, keepAlive, false, -1, null, null, false);
    }
}
