package dev.gatehouse.server.proxy;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The checks of a request head before it is routed, in the order a client learns of them: a head
 * the decoder refused, a version other than HTTP/1.1 or 1.0, CONNECT, a transfer coding other than
 * chunked ({@link TransferCodings}), the target and Host ({@link RequestTarget}), an upgrade
 * ({@link UpgradeRequest}), and a declared body over the limit.
 *
 * @param error       what the client is answered, or {@code null} when the head is acceptable
 * @param problem     why, for the log and the access record; {@code null} when acceptable
 * @param keepAlive   whether the client asked to keep the connection (false when the head is not
 *                    even HTTP/1.x)
 * @param expectsBody whether a body follows the head (known once the target passed)
 * @param target      the path and host to route by; {@code null} when the head failed before
 * @param upgrade     what the request asks to switch to, or {@code null}
 * @param told        whether the 400 names the problem in its body: a refused upgrade is the
 *                    client's own mistake, in words its developer can act on
 */
record RequestHead(ProxyError error, String problem, boolean keepAlive, boolean expectsBody, RequestTarget target,
                   UpgradeRequest upgrade, boolean told) {

    /** What an exchange holds before its head is checked: nothing known yet. */
    static final RequestHead UNCHECKED = new RequestHead(null, null, false, false, null, null, false);

    /**
     * Checks {@code request} (an absolute-form target is rewritten to origin-form in place).
     *
     * @param maxBody the longest request body, 0 for no limit
     */
    static RequestHead check(HttpRequest request, long maxBody) {
        if (request.decoderResult().isFailure()) {
            return refused(ErrorResponses.classify(request.decoderResult()),
                    "malformed request: " + request.decoderResult().cause().getMessage(), false, false);
        }
        HttpVersion version = request.protocolVersion();
        if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
            return refused(ProxyError.VERSION_NOT_SUPPORTED, "unsupported version " + version, false, false);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (HttpMethod.CONNECT.equals(request.method())) {
            return refused(ProxyError.NOT_IMPLEMENTED, "CONNECT is not supported", keepAlive, false);
        }
        RequestHead coding = TransferCodings.refusal(request, keepAlive);
        if (coding != null) {
            return coding;
        }
        RequestTarget target = RequestTarget.check(request);
        if (target.problem() != null) {
            return refused(ProxyError.BAD_REQUEST, target.problem(), keepAlive, false);
        }
        UpgradeRequest upgrade = UpgradeRequest.of(request);
        if (upgrade != null && upgrade.problem() != null) {
            return new RequestHead(ProxyError.BAD_REQUEST, upgrade.problem(), keepAlive, false, null, null, true);
        }
        long length = HttpUtil.getContentLength(request, -1L);
        boolean expectsBody = length > 0 || HttpUtil.isTransferEncodingChunked(request);
        if (maxBody > 0 && length > maxBody) {
            return refused(ProxyError.BODY_TOO_LARGE, "content-length " + length + " over " + maxBody, keepAlive, expectsBody);
        }
        return new RequestHead(null, null, keepAlive, expectsBody, target, upgrade, false);
    }

    private static RequestHead refused(ProxyError error, String problem, boolean keepAlive, boolean expectsBody) {
        return new RequestHead(error, problem, keepAlive, expectsBody, null, null, false);
    }
}
