package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.RedirectConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.metrics.PrometheusText;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redirect routes on a real node: the answer comes from the node (no backend sees the request),
 * with the host, path and query kept, and a connection that goes on carrying requests, also after
 * a redirected request with a body.
 */
final class RedirectIT {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static StubBackend backend;
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        backend = StubBackend.start("app");
        node = TestNode.builder()
                .backend(backend.address())
                .route(RouteConfig.redirecting(null, "/", RedirectConfig.toHttps()))
                .route(new RouteConfig(null, "/app/", "web"))
                .route(RouteConfig.redirecting("old.example", "/", new RedirectConfig("https", "new.example", 0, 301)))
                .route(RouteConfig.redirecting("alt.example", "/", new RedirectConfig("https", null, 8443, 302)))
                .start();
    }

    @AfterAll
    static void stop() {
        node.close();
        backend.close();
    }

    @BeforeEach
    void clear() {
        backend.clearRequests();
    }

    private static RawHttpResponse send(String raw) {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            return client.send(raw).readResponse();
        }
    }

    @Test
    void get_is308ToHttps_keepingTheHostWithoutItsPort_thePathAndTheQuery() {
        RawHttpResponse r = send("GET /a/b?x=1&y=%20z HTTP/1.1\r\nHost: Example.com:8080\r\n\r\n");

        assertThat(r.status()).isEqualTo(308);
        assertThat(r.header("Location")).isEqualTo("https://example.com/a/b?x=1&y=%20z");
        assertThat(r.header("Content-Length")).isEqualTo("0");
        assertThat(r.header("X-Request-Id")).isNotBlank();
        assertThat(r.header("Connection")).isNull();
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void fixedOrigin_with301() {
        RawHttpResponse r = send("GET /p?q HTTP/1.1\r\nHost: old.example\r\n\r\n");

        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("Location")).isEqualTo("https://new.example/p?q");
    }

    @Test
    void aPortOtherThanTheSchemesDefault_isNamed() {
        RawHttpResponse r = send("GET / HTTP/1.1\r\nHost: alt.example:80\r\n\r\n");

        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo("https://alt.example:8443/");
    }

    @Test
    void absoluteFormTarget_itsAuthorityIsTheHost() {
        RawHttpResponse r = send("GET http://Example.com:8080/p/q?x=1 HTTP/1.1\r\nHost: other.example\r\n\r\n");

        assertThat(r.status()).isEqualTo(308);
        assertThat(r.header("Location")).isEqualTo("https://example.com/p/q?x=1");
    }

    @Test
    void head_getsTheRedirectWithoutBody_andTheConnectionGoesOn() {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse r = client.send("HEAD /h HTTP/1.1\r\nHost: example.com\r\n\r\n").readResponse(true);
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.header("Location")).isEqualTo("https://example.com/h");
            assertThat(r.bodyLength()).isZero();

            RawHttpResponse next = client.send("GET /app/after HTTP/1.1\r\nHost: example.com\r\n\r\n").readResponse();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).startsWith("app");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Length: 5\r\n\r\nhello", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"})
    void postWithABody_theBodyIsReadAndDropped_andTheNextRequestOnTheConnectionWorks(String framingAndBody) {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse r = client.send("POST /form?x=1 HTTP/1.1\r\nHost: example.com\r\n" + framingAndBody).readResponse();
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.header("Location")).isEqualTo("https://example.com/form?x=1");
            assertThat(r.header("Connection")).isNull();

            RawHttpResponse next = client.send("GET /app/next HTTP/1.1\r\nHost: example.com\r\n\r\n").readResponse();
            assertThat(next.status()).isEqualTo(200);
            backend.awaitRequests(1, WAIT);
            assertThat(backend.requests()).singleElement().satisfies(req -> assertThat(req.uri()).isEqualTo("/app/next"));
        }
    }

    @Test
    void bodyAndNextRequestInOneWrite_areToldApart() {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST /f HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /app/pipelined HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(308);
            assertThat(client.readResponse().status()).isEqualTo(200);
            assertThat(backend.lastRequest().uri()).isEqualTo("/app/pipelined");
        }
    }

    @Test
    void aLargeBody_isNotWaitedFor_theAnswerClosesTheConnection() {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST /big HTTP/1.1\r\nHost: example.com\r\nContent-Length: " + (RedirectAnswer.MAX_DISCARD + 1) + "\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            await().atMost(WAIT).until(client::isClosedByPeer);
        }
    }

    @Test
    void aChunkedBodyGrowingPastTheBound_isAnsweredThen_andTheConnectionCloses() {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            String chunk = "x".repeat(16 * 1024);
            client.send("POST /big HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 5; i++) {
                client.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            }
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            await().atMost(WAIT).until(client::isClosedByPeer);
        }
    }

    @Test
    void expectContinue_isAnsweredAtOnce_withoutA100() {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("PUT /up HTTP/1.1\r\nHost: example.com\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a..example", "example.com:http", "example.com:1:2", "[::1", "example.com:99999"})
    void aBadHost_gets400_notARedirect(String host) {
        RawHttpResponse r = send("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Location")).isNull();
    }

    @Test
    void http10WithoutHost_gets400() {
        assertThat(send("GET / HTTP/1.0\r\n\r\n").status()).isEqualTo(400);
    }

    @Test
    void redirects_areCountedWithoutAPool() {
        double before = redirects();
        send("GET /counted HTTP/1.1\r\nHost: example.com\r\n\r\n");
        await().atMost(WAIT).until(() -> redirects() == before + 1);
    }

    private static double redirects() {
        PrometheusText p = PrometheusText.parse(node.server().metrics().scrape());
        return p.samples("gatehouse_requests_total", "pool", "none", "code", "3xx").stream()
                .mapToDouble(PrometheusText.Sample::value).sum();
    }
}
