package dev.gatehouse.server.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * How a backend's final response is framed, read before its headers are rewritten, and how it is
 * re-framed for the client: whether the backend connection can carry another request, and whether
 * the client's can.
 *
 * @param bodiless whether the response has no body (HEAD, 204, 304)
 * @param chunked  whether the backend sent it chunked
 * @param hasLength whether the backend sent a Content-Length
 * @param backendReusable whether the backend connection may go back to its pool once the response
 *                  is read whole: HTTP/1.1, no {@code Connection: close}, and a body whose end is
 *                  known without the connection closing
 */
record ResponseFraming(boolean bodiless, boolean chunked, boolean hasLength, boolean backendReusable) {

    /** Reads the framing of {@code response}, before any header of it is rewritten. */
    static ResponseFraming of(HttpResponse response, boolean headRequest) {
        HttpHeaders h = response.headers();
        int status = response.status().code();
        boolean bodiless = headRequest || status == 204 || status == 304;
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        boolean hasLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean reusable = response.protocolVersion() == HttpVersion.HTTP_1_1
                && !h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)
                && (bodiless || chunked || hasLength);
        return new ResponseFraming(bodiless, chunked, hasLength, reusable);
    }

    /** The same backend framing for a body the node recodes: its length is no longer known ahead. */
    ResponseFraming recoded() {
        return new ResponseFraming(bodiless, false, false, backendReusable);
    }

    /**
     * Re-frames {@code response} for a client of {@code clientVersion}: a body delimited by the
     * backend's close becomes chunked for HTTP/1.1; HTTP/1.0 has no chunked coding, so such bodies
     * end with the connection; the Connection header says what we decided. The response leaves as
     * HTTP/1.1 (RFC 9110 §6.2: our version, not the backend's).
     *
     * @param keepAlive whether the client connection may stay open as far as the client and the
     *                  node are concerned
     * @return whether it stays open after this response
     */
    boolean frameForClient(HttpResponse response, HttpVersion clientVersion, boolean keepAlive) {
        HttpHeaders h = response.headers();
        if (clientVersion == HttpVersion.HTTP_1_1) {
            if (!bodiless && !chunked && !hasLength) {
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        } else if (chunked) {
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
            keepAlive = false;
        } else if (!bodiless && !hasLength) {
            keepAlive = false;
        }
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion == HttpVersion.HTTP_1_0) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        return keepAlive;
    }
}
