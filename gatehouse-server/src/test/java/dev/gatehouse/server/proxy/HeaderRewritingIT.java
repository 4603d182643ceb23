package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehaviors;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Hop-by-hop headers stop at the proxy; forwarding headers say where the request came from. */
final class HeaderRewritingIT {

    private static final String HOP_BY_HOP_REQUEST = "GET /h HTTP/1.1\r\nHost: shop.example.com\r\n"
            + "Connection: keep-alive, X-Secret-Hop\r\nX-Secret-Hop: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
            + "Trailer: X-T\r\nUpgrade: websocket\r\nProxy-Authorization: Basic abc\r\nProxy-Connection: keep-alive\r\n"
            + "X-End-To-End: kept\r\n";

    @Test
    void request_hopByHopHeadersAreRemovedAndForwardingHeadersAdded() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send(HOP_BY_HOP_REQUEST + "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Proto: https\r\n"
                    + "Forwarded: for=6.6.6.6\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            HttpHeaders h = backend.lastRequest().headers();
            assertThat(h.names()).map(String::toLowerCase).doesNotContain(
                    "connection", "x-secret-hop", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization", "proxy-connection");
            assertThat(h.get("X-End-To-End")).isEqualTo("kept");
            assertThat(h.get("Host")).isEqualTo("shop.example.com");
            // The client is not a trusted proxy: its claims are replaced, not extended.
            assertThat(h.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
            assertThat(h.get("X-Forwarded-Proto")).isEqualTo("http");
            assertThat(h.get("X-Forwarded-Host")).isEqualTo("shop.example.com");
            assertThat(h.get("Forwarded")).isNull();
            assertThat(h.get("Via")).isEqualTo("1.1 gatehouse");
            assertThat(h.get("X-Request-Id")).matches("[0-9a-f]{16}");
        }
    }

    @Test
    void connectionHeader_cannotStripFramingOrHost() throws Exception {
        // "Connection: content-length" must not make the body look like a second request.
        String smuggled = "GET /admin HTTP/1.1\r\nHost: internal\r\n\r\n";
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: content-length, host\r\nContent-Length: "
                    + smuggled.length() + "\r\n\r\n" + smuggled);
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo(smuggled);
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: transfer-encoding\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n0\r\n\r\n");
            assertThat(client.readResponse().bodyText()).isEqualTo(smuggled);
            assertThat(backend.requests()).extracting(r2 -> r2.uri()).containsOnly("/echo");
            assertThat(backend.requests()).allSatisfy(r2 -> assertThat(r2.headers().get("Host")).isEqualTo("x"));
        }
    }

    @Test
    void untrustedClient_otherForwardingClaimsAreDropped() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Port: 443\r\nX-Forwarded-Prefix: /admin\r\n"
                    + "X-Real-IP: 10.9.9.9\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            HttpHeaders h = backend.lastRequest().headers();
            assertThat(h.get("X-Forwarded-Port")).isNull();
            assertThat(h.get("X-Forwarded-Prefix")).isNull();
            assertThat(h.get("X-Real-IP")).isNull();
        }
    }

    @Test
    void trustedProxy_forwardingHeadersAreExtended() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).forwarding(true, "127.0.0.0/8").start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /h HTTP/1.1\r\nHost: shop.example.com\r\nX-Forwarded-For: 203.0.113.7\r\n"
                    + "X-Forwarded-Proto: https\r\nForwarded: for=203.0.113.7;proto=https\r\nVia: 1.1 edge\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            HttpHeaders h = backend.lastRequest().headers();
            assertThat(h.get("X-Forwarded-For")).isEqualTo("203.0.113.7, 127.0.0.1");
            assertThat(h.get("X-Forwarded-Proto")).isEqualTo("https");
            assertThat(h.get("Forwarded")).isEqualTo("for=203.0.113.7;proto=https, for=127.0.0.1;host=shop.example.com;proto=http");
            assertThat(h.get("Via")).isEqualTo("1.1 edge, 1.1 gatehouse");
        }
    }

    @Test
    void requestId_fromTheClientIsPassedOnAndReturned() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /h HTTP/1.1\r\nHost: x\r\nX-Request-Id: trace-42\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(backend.lastRequest().headers().get("X-Request-Id")).isEqualTo("trace-42");
            assertThat(r.header("X-Request-Id")).isEqualTo("trace-42");
            // An id that could break a log line is replaced.
            client.send("GET /h HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad id\"\r\n\r\n");
            assertThat(client.readResponse().header("X-Request-Id")).matches("[0-9a-f]{16}");
        }
    }

    @Test
    void response_hopByHopHeadersAreRemovedAndViaAdded() throws Exception {
        byte[] raw = ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: X-Internal\r\nX-Internal: secret\r\n"
                + "Keep-Alive: timeout=9\r\nProxy-Authenticate: Basic\r\nX-App: kept\r\n\r\nok").getBytes(StandardCharsets.ISO_8859_1);
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.raw(raw)); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("ok");
            assertThat(r.header("X-Internal")).isNull();
            assertThat(r.header("Keep-Alive")).isNull();
            assertThat(r.header("Proxy-Authenticate")).isNull();
            assertThat(r.header("X-App")).isEqualTo("kept");
            assertThat(r.header("Via")).isEqualTo("1.1 gatehouse");
            assertThat(r.header("Connection")).isNull();
        }
    }
}
