package dev.gatehouse.server.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Base64;

/**
 * An HTTP/1.1 request to switch protocols (RFC 9110 §7.8): {@code Upgrade} with {@code upgrade} among
 * the {@code Connection} options. Such a request is forwarded with both headers (they are hop-by-hop,
 * so the rewriter drops them and this puts them back); a {@code 101} answer turns the exchange into
 * a tunnel, any other answer is an ordinary response.
 *
 * <p>What is refused, with 400: a WebSocket upgrade with a body (where the tunnel's first byte would
 * be is ambiguous), and a WebSocket upgrade (RFC 6455 §4.1) that is not a GET or lacks a valid
 * {@code Sec-WebSocket-Key} (16 bytes in base64); the 400's body names the problem, so that the
 * client's developer can fix the request. {@code Upgrade} on HTTP/1.0 is ignored, as RFC 9110
 * requires, and so is any other upgrade offered with a body (an h2c offer on a POST, which the
 * JDK's HttpClient and {@code curl --http2} send): the request goes on as an ordinary one.
 *
 * @param protocols the {@code Upgrade} header as the client sent it, e.g. {@code websocket}
 * @param webSocket whether the protocol asked for is WebSocket (its frames are then followed, so
 *                  that a tunnel can be closed cleanly)
 * @param problem   why the request is refused, or {@code null}
 */
record UpgradeRequest(String protocols, boolean webSocket, String problem) {

    private static final int WEBSOCKET_KEY_BYTES = 16;

    /** The upgrade {@code request} asks for, or {@code null} when it is not one. */
    static UpgradeRequest of(HttpRequest request) {
        HttpHeaders h = request.headers();
        String protocols = h.get(HttpHeaderNames.UPGRADE);
        if (protocols == null || request.protocolVersion() != HttpVersion.HTTP_1_1
                || !h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return null;
        }
        boolean webSocket = protocols.trim().regionMatches(true, 0, "websocket", 0, 9);
        if (HttpUtil.getContentLength(request, 0L) > 0 || HttpUtil.isTransferEncodingChunked(request)) {
            if (!webSocket) {
                // An optional offer with a body (h2c from the JDK's HttpClient or curl --http2 on a
                // POST): ignored, as RFC 9110 §7.8 allows; the request goes on as an ordinary one,
                // as it always did, instead of failing a request that never needed the upgrade.
                return null;
            }
            return new UpgradeRequest(protocols, true, "an upgrade request cannot have a body");
        }
        if (webSocket) {
            if (!HttpMethod.GET.equals(request.method())) {
                return new UpgradeRequest(protocols, true, "a WebSocket upgrade must be a GET");
            }
            if (!validKey(h.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
                return new UpgradeRequest(protocols, true, "a WebSocket upgrade needs one Sec-WebSocket-Key of 16 bytes in base64");
            }
        }
        return new UpgradeRequest(protocols, webSocket, null);
    }

    private static boolean validKey(java.util.List<String> keys) {
        if (keys.size() != 1) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(keys.get(0).trim()).length == WEBSOCKET_KEY_BYTES;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    /**
     * Why a backend's {@code 101} cannot be carried, or {@code null}: it must name the protocol it
     * switches to, and for WebSocket carry {@code Sec-WebSocket-Accept} (RFC 6455 §4.1: a client
     * fails the connection otherwise; and without it Netty's decoder would take the first tunnel
     * bytes for a body, as for the old Hixie-76 handshake).
     */
    static String refusal(HttpResponse response, boolean webSocket) {
        HttpHeaders h = response.headers();
        if (!h.contains(HttpHeaderNames.UPGRADE)) {
            return "backend answered 101 without Upgrade";
        }
        if (webSocket && !h.contains(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT)) {
            return "backend answered 101 to a WebSocket upgrade without Sec-WebSocket-Accept";
        }
        return null;
    }

    /** Puts back the headers that ask the backend to switch (after hop-by-hop headers were removed). */
    void restoreHeaders(HttpHeaders h) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        h.set(HttpHeaderNames.UPGRADE, protocols);
    }

    /** Puts back a {@code 101}'s switching headers for the client (after hop-by-hop headers were removed). */
    static void restoreSwitchHeaders(HttpHeaders h, String protocol) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        if (protocol != null) {
            h.set(HttpHeaderNames.UPGRADE, protocol);
        }
    }
}
