package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.DeterministicBytes;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehaviors;
import dev.gatehouse.testing.Transfers;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests and responses pass through intact, with keep-alive on both sides. */
final class ForwardingIT {

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"})
    void everyMethod_reachesTheBackendAndComesBack(String method) throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            boolean withBody = !method.equals("GET") && !method.equals("OPTIONS") && !method.equals("TRACE");
            String body = withBody ? "payload-" + method : "";
            client.send(method + " /echo HTTP/1.1\r\nHost: example.test\r\n"
                    + (withBody ? "Content-Length: " + body.length() + "\r\n" : "") + "\r\n" + body);
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Backend")).isEqualTo("a");
            assertThat(r.bodyText()).isEqualTo(body);
            backend.awaitRequests(1, Duration.ofSeconds(5));
            RecordedRequest seen = backend.lastRequest();
            assertThat(seen.method()).isEqualTo(method);
            assertThat(seen.uri()).isEqualTo("/echo");
            assertThat(seen.bodyBytes()).isEqualTo(body.length());
        }
    }

    @Test
    void head_getsHeadersWithoutBody_andTheConnectionStaysUsable() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("HEAD /download?bytes=5000 HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse head = client.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo("5000");
            assertThat(head.body()).isEmpty();
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().bodyText()).isEqualTo("a\n");
        }
    }

    @Test
    void plaintextListener_neverPassesOnAClientCertificateSubjectAClientClaims() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Client-Cert-Subject: CN=admin\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            assertThat(backend.requests()).singleElement()
                    .satisfies(r -> assertThat(r.headers().contains("X-Client-Cert-Subject")).isFalse());
        }
    }

    @Test
    void keepAlive_reusesOneBackendConnectionForManyRequests() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            for (int i = 0; i < 20; i++) {
                client.send("GET /r" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(client.readResponse().status()).isEqualTo(200);
            }
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
            assertThat(backend.requests()).extracting(RecordedRequest::connectionId).containsOnly(backend.requests().get(0).connectionId());
        }
    }

    @Test
    void keepAlive_backendConnectionsAreSharedAcrossClientConnectionsOfALoop() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address())) {
            for (int i = 0; i < 30; i++) {
                assertThat(RawHttpResponse.get(node.port(), "/c" + i).status()).isEqualTo(200);
            }
            // One pool per event loop: never more backend connections than loops for sequential requests.
            assertThat(backend.connectionsAccepted()).isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors());
        }
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /delay/150 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /status/201 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /status/202 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            assertThat(client.readResponse().status()).isEqualTo(201);
            RawHttpResponse echo = client.readResponse();
            assertThat(echo.bodyText()).isEqualTo("hello");
            assertThat(client.readResponse().status()).isEqualTo(202);
        }
    }

    @Test
    void http10Client_getsAnAnswerAndTheConnectionCloses() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /download?bytes=3000&chunked=true HTTP/1.0\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Transfer-Encoding")).isNull();
            assertThat(r.body()).hasSize(3000);
            await().atMost(Duration.ofSeconds(10)).until(client::isClosedByPeer);
            // HTTP/1.1 to the backend, with a Host it can use.
            assertThat(backend.lastRequest().httpVersion()).isEqualTo("HTTP/1.1");
            assertThat(backend.lastRequest().headers().get("Host")).isEqualTo(backend.address());
        }
    }

    @Test
    void http10KeepAlive_isHonouredWhenTheLengthIsKnown() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /download?bytes=10 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.header("Connection")).isEqualToIgnoringCase("keep-alive");
            client.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(client.readResponse().bodyText()).isEqualTo("a\n");
        }
    }

    @Test
    void expectContinue_isRelayedAndTheBodyFollows() throws Exception {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.expectContinue(0)); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            RawHttpResponse interim = client.readResponse();
            assertThat(interim.status()).isEqualTo(100);
            client.send("data");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("data");
        }
    }

    @Test
    void chunkedUpload_streamsThroughAndKeepsItsFraming() throws Exception {
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.of(backend.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).contains("\"bytes\":11");
            assertThat(backend.lastRequest().headers().get("Transfer-Encoding")).isEqualTo("chunked");
        }
    }

    @Test
    void largeBodies_streamBothWaysByteForByte() throws Exception {
        long size = 64L * 1024 * 1024;
        try (StubBackend backend = StubBackend.start("a"); TestNode node = TestNode.builder().backend(backend.address()).accessLog(false).start()) {
            assertThat(Transfers.upload(node.url("/upload"), size, false))
                    .contains("\"bytes\":" + size).contains(DeterministicBytes.sha256(size));
            assertThat(Transfers.download(node.url("/download?bytes=" + size + "&chunked=true")))
                    .isEqualTo(new Transfers.Received(size, DeterministicBytes.sha256(size)));
        }
    }

    @Test
    void roundRobin_spreadsRequestsOverEveryBackend() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); StubBackend c = StubBackend.start("c");
             TestNode node = TestNode.of(a.address(), b.address(), c.address())) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                seen.add(RawHttpResponse.get(node.port(), "/").header("X-Backend"));
            }
            assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
            a.awaitRequests(2, Duration.ofSeconds(5));
            assertThat(List.of(a.requests().size(), b.requests().size(), c.requests().size())).containsOnly(2);
        }
    }

    @Test
    void routes_chooseThePoolByHostThenLongestPrefix() throws Exception {
        try (StubBackend api = StubBackend.start("api"); StubBackend web = StubBackend.start("web");
             StubBackend admin = StubBackend.start("admin");
             TestNode node = TestNode.builder()
                     .route(null, "/", "web").backend("web", web.address())
                     .route(null, "/api/", "api").backend("api", api.address())
                     .route("admin.example.com", "/", "admin").backend("admin", admin.address())
                     .start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /api/users HTTP/1.1\r\nHost: shop.example.com\r\n\r\n");
            assertThat(client.readResponse().header("X-Backend")).isEqualTo("api");
            client.send("GET /apix HTTP/1.1\r\nHost: shop.example.com\r\n\r\n");
            assertThat(client.readResponse().header("X-Backend")).isEqualTo("web");
            client.send("GET /api/users HTTP/1.1\r\nHost: ADMIN.example.com:8080\r\n\r\n");
            assertThat(client.readResponse().header("X-Backend")).isEqualTo("admin");
            client.send("GET http://admin.example.com/x HTTP/1.1\r\nHost: other\r\n\r\n");
            assertThat(client.readResponse().header("X-Backend")).isEqualTo("admin");
            assertThat(admin.lastRequest().uri()).isEqualTo("/x");
        }
    }
}
