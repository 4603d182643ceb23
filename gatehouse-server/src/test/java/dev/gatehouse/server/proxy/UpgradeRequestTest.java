package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** Which requests ask to switch protocols, which are refused and why, and the headers put back. */
final class UpgradeRequestTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static HttpRequest request(HttpVersion version, HttpMethod method, String... headers) {
        HttpRequest r = new DefaultHttpRequest(version, method, "/ws");
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    @Test
    void webSocketHandshake_isAnUpgrade() {
        UpgradeRequest u = UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "Connection", "keep-alive, Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Key", KEY));
        assertThat(u).isNotNull();
        assertThat(u.webSocket()).isTrue();
        assertThat(u.problem()).isNull();
    }

    @Test
    void otherProtocols_areUpgradesButNotWebSockets() {
        UpgradeRequest u = UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.OPTIONS,
                "Connection", "upgrade", "Upgrade", "foo/2"));
        assertThat(u.webSocket()).isFalse();
        assertThat(u.problem()).isNull();
    }

    @Test
    void withoutConnectionUpgrade_orOnHttp10_isAnOrdinaryRequest() {
        assertThat(UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "Upgrade", "websocket",
                "Sec-WebSocket-Key", KEY))).isNull();
        assertThat(UpgradeRequest.of(request(HttpVersion.HTTP_1_0, HttpMethod.GET, "Connection", "upgrade",
                "Upgrade", "websocket", "Sec-WebSocket-Key", KEY))).as("RFC 9110: ignored on HTTP/1.0").isNull();
        assertThat(UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "Connection", "upgrade"))).isNull();
    }

    @Test
    void badWebSocketHandshakes_areRefusedWithTheReason() {
        assertThat(UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "Connection", "upgrade",
                "Upgrade", "websocket")).problem()).contains("Sec-WebSocket-Key");
        assertThat(UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "Connection", "upgrade",
                "Upgrade", "websocket", "Sec-WebSocket-Key", "c2hvcnQ=")).problem()).contains("16 bytes");
        assertThat(UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "Connection", "upgrade",
                "Upgrade", "websocket", "Sec-WebSocket-Key", "not base64!")).problem()).contains("Sec-WebSocket-Key");
        assertThat(UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "Connection", "upgrade",
                "Upgrade", "websocket", "Sec-WebSocket-Key", KEY, "Sec-WebSocket-Key", KEY)).problem())
                .as("two keys").contains("one Sec-WebSocket-Key");
        assertThat(UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.POST, "Connection", "upgrade",
                "Upgrade", "websocket", "Sec-WebSocket-Key", KEY)).problem()).contains("GET");
    }

    @Test
    void webSocketUpgradeWithABody_isRefused_anotherProtocolsIsIgnored() {
        assertThat(UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "Connection", "upgrade",
                "Upgrade", "websocket", "Sec-WebSocket-Key", KEY, "Content-Length", "5")).problem()).contains("body");
        // Another protocol offered on a request with a body (curl --http2 and the JDK client offer
        // h2c on every POST) is not taken up: the request goes on as an ordinary one.
        assertThat(UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.POST, "Connection", "Upgrade, HTTP2-Settings",
                "Upgrade", "h2c", "Transfer-Encoding", "chunked"))).isNull();
    }

    @Test
    void switchingHeaders_arePutBackAfterHopByHopRemoval() {
        UpgradeRequest u = UpgradeRequest.of(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "Connection", "upgrade",
                "Upgrade", "websocket", "Sec-WebSocket-Key", KEY));
        HttpHeaders h = new DefaultHttpHeaders();
        u.restoreHeaders(h);
        assertThat(h.get("Connection")).isEqualToIgnoringCase("upgrade");
        assertThat(h.get("Upgrade")).isEqualTo("websocket");
        HttpHeaders response = new DefaultHttpHeaders();
        UpgradeRequest.restoreSwitchHeaders(response, "websocket");
        assertThat(response.get("Upgrade")).isEqualTo("websocket");
        assertThat(response.get("Connection")).isEqualToIgnoringCase("upgrade");
    }

    @Test
    void aSwitchWithoutItsHeaders_isRefused() {
        var ok = new io.netty.handler.codec.http.DefaultHttpResponse(HttpVersion.HTTP_1_1,
                io.netty.handler.codec.http.HttpResponseStatus.SWITCHING_PROTOCOLS);
        ok.headers().set("Upgrade", "websocket").set("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(UpgradeRequest.refusal(ok, true)).isNull();
        var noAccept = new io.netty.handler.codec.http.DefaultHttpResponse(HttpVersion.HTTP_1_1,
                io.netty.handler.codec.http.HttpResponseStatus.SWITCHING_PROTOCOLS);
        noAccept.headers().set("Upgrade", "websocket");
        assertThat(UpgradeRequest.refusal(noAccept, true)).contains("Sec-WebSocket-Accept");
        assertThat(UpgradeRequest.refusal(noAccept, false)).as("other protocols have no accept header").isNull();
        var bare = new io.netty.handler.codec.http.DefaultHttpResponse(HttpVersion.HTTP_1_1,
                io.netty.handler.codec.http.HttpResponseStatus.SWITCHING_PROTOCOLS);
        assertThat(UpgradeRequest.refusal(bare, false)).contains("without Upgrade");
    }
}
