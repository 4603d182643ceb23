package dev.gatehouse.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.StaticConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static routes on a real node: files, HEAD, index files, the slash redirect, listings, cache
 * headers, precompressed siblings, the fallback to the route's pool, methods, a file changed on disk
 * and one deleted while it is being sent. Ranges and preconditions: {@link StaticRangesIT};
 * traversal: {@link StaticTraversalIT}.
 */
final class StaticFilesIT {

    @TempDir
    static Path dir;
    private static Path root;
    private static StubBackend app;
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        root = dir.resolve("public");
        Files.createDirectories(root.resolve("css"));
        Files.createDirectories(root.resolve("docs"));
        Files.createDirectories(root.resolve("open"));
        Files.writeString(root.resolve("hello.txt"), "hello, static\n");
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>\n");
        Files.writeString(root.resolve("css/site.css"), "body { color: black }\n");
        Files.writeString(root.resolve("css/site.css.gz"), "pretend-gzip");
        Files.writeString(root.resolve("css/site.css.br"), "pretend-br");
        Files.writeString(root.resolve("app.3f2a9c1b.js"), "console.log(1)\n");
        Files.writeString(root.resolve("open/a.txt"), "a");
        Files.writeString(root.resolve("open/<b>&.txt"), "b");
        Files.writeString(root.resolve("open/.hidden"), "h");
        Files.writeString(root.resolve("docs/readme.md"), "# docs\n");
        app = StubBackend.start("app");
        StaticConfig files = new StaticConfig(root.toString(), List.of("index.html"), false, false, false,
                List.of("br", "gzip"), Duration.ofMinutes(10), true, Pattern.compile(StaticConfig.DEFAULT_FINGERPRINT));
        StaticConfig listed = new StaticConfig(root.resolve("open").toString(), List.of("index.html"), true, false, false,
                List.of(), null, false, Pattern.compile(StaticConfig.DEFAULT_FINGERPRINT));
        node = TestNode.builder()
                .backend(app.address())
                .route(RouteConfig.serving(null, "/static/", files, null))
                .route(RouteConfig.serving(null, "/listed/", listed, null))
                .route(RouteConfig.serving(null, "/", StaticConfig.of(root.toString()), "web"))
                .start();
    }

    @AfterAll
    static void stop() {
        node.close();
        app.close();
    }

    @BeforeEach
    void clear() {
        app.clearRequests();
    }

    private static RawHttpResponse get(String path, String... headers) {
        return send("GET", path, headers);
    }

    private static RawHttpResponse send(String method, String path, String... headers) {
        return RawHttpResponse.send(node.port(), method, path, headers);
    }

    @Test
    void aFile_isServedWithItsTypeLengthAndValidators_andNoBackendSeesIt() {
        RawHttpResponse r = get("/static/hello.txt");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("hello, static\n");
        assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(r.header("Content-Length")).isEqualTo("14");
        assertThat(r.header("ETag")).matches("\"[0-9a-f]+-e\"");
        assertThat(r.header("Last-Modified")).endsWith(" GMT");
        assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(r.header("Cache-Control")).isEqualTo("public, max-age=600");
        assertThat(r.header("Date")).endsWith(" GMT");
        assertThat(r.header("X-Request-Id")).isNotBlank();
        assertThat(app.requests()).isEmpty();
    }

    @Test
    void head_hasTheHeadersOfGet_andNoBody_andTheConnectionGoesOn() {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse head = client.send("HEAD /static/hello.txt HTTP/1.1\r\nHost: x\r\n\r\n").readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo("14");
            assertThat(head.bodyLength()).isZero();

            RawHttpResponse next = client.send("GET /static/hello.txt HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertThat(next.bodyText()).isEqualTo("hello, static\n");
        }
    }

    @Test
    void manyRequestsOnOneConnection_eachGetsItsFile() {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            for (int i = 0; i < 50; i++) {
                String path = i % 2 == 0 ? "/static/hello.txt" : "/static/css/site.css";
                RawHttpResponse r = client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo(i % 2 == 0 ? "hello, static\n" : "body { color: black }\n");
            }
        }
    }

    @Test
    void fingerprintedNames_areImmutableForAYear() {
        RawHttpResponse r = get("/static/app.3f2a9c1b.js");

        assertThat(r.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(r.header("Content-Type")).startsWith("text/javascript");
    }

    @Test
    void aDirectory_servesItsIndex_andWithoutItsSlashIsRedirected() {
        RawHttpResponse index = get("/static/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.bodyText()).isEqualTo("<h1>home</h1>\n");
        assertThat(index.header("Content-Type")).isEqualTo("text/html; charset=utf-8");

        RawHttpResponse slash = get("/static/css?v=1");
        assertThat(slash.status()).isEqualTo(301);
        assertThat(slash.header("Location")).isEqualTo("/static/css/?v=1");
    }

    @Test
    void aDirectoryWithoutIndex_is404_unlessListingsAreOn() {
        assertThat(get("/static/docs/").status()).isEqualTo(404);

        RawHttpResponse listing = get("/listed/");
        assertThat(listing.status()).isEqualTo(200);
        assertThat(listing.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(listing.bodyText())
                .contains("<a href=\"./a.txt\">a.txt</a>")
                .contains("<a href=\"./%3Cb%3E%26.txt\">&lt;b&gt;&amp;.txt</a>")
                .doesNotContain(".hidden")
                .doesNotContain("<b>");
    }

    @Test
    void precompressedSiblings_followAcceptEncoding_withVary() {
        RawHttpResponse br = get("/static/css/site.css", "Accept-Encoding: gzip, deflate, br");
        assertThat(br.bodyText()).isEqualTo("pretend-br");
        assertThat(br.header("Content-Encoding")).isEqualTo("br");
        assertThat(br.header("Vary")).isEqualToIgnoringCase("accept-encoding");
        assertThat(br.header("Content-Type")).isEqualTo("text/css; charset=utf-8");

        RawHttpResponse gz = get("/static/css/site.css", "Accept-Encoding: gzip");
        assertThat(gz.bodyText()).isEqualTo("pretend-gzip");
        assertThat(gz.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(gz.header("ETag")).isNotEqualTo(br.header("ETag"));

        RawHttpResponse none = get("/static/css/site.css");
        assertThat(none.bodyText()).isEqualTo("body { color: black }\n");
        assertThat(none.header("Content-Encoding")).isNull();
        assertThat(none.header("Vary")).isEqualToIgnoringCase("accept-encoding");

        RawHttpResponse refused = get("/static/css/site.css", "Accept-Encoding: br;q=0, gzip;q=0");
        assertThat(refused.bodyText()).isEqualTo("body { color: black }\n");

        RawHttpResponse plain = get("/static/hello.txt", "Accept-Encoding: gzip, br");
        assertThat(plain.header("Vary")).isNull();
        assertThat(plain.header("Content-Encoding")).isNull();
    }

    @Test
    void noFile_goesToTheRoutesPool_andWithoutAPoolIs404() {
        RawHttpResponse fromApp = get("/api/users?id=1");
        assertThat(fromApp.status()).isEqualTo(200);
        assertThat(fromApp.bodyText()).startsWith("app");
        assertThat(app.requests()).hasSize(1);

        RawHttpResponse fromFiles = get("/hello.txt");
        assertThat(fromFiles.bodyText()).isEqualTo("hello, static\n");
        assertThat(app.requests()).hasSize(1);

        assertThat(get("/static/nothing.txt").status()).isEqualTo(404);
    }

    @Test
    void otherMethods_goToThePool_orAre405() {
        RawHttpResponse post = send("POST", "/hello.txt", "Content-Length: 0");
        assertThat(post.status()).isEqualTo(200);
        assertThat(app.requests()).hasSize(1);

        RawHttpResponse delete = send("DELETE", "/static/hello.txt");
        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.header("Allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void aGetWithABody_isRefusedAsOnEveryRoute_andTheConnectionCloses() {
        // forwarding.forward_body_on_get_head is off by default: the head's checks refuse it before routing.
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse r = client.send("GET /static/hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
                    .readResponse();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.header("Connection")).isEqualTo("close");
            await().atMost(Duration.ofSeconds(5)).until(client::isClosedByPeer);
        }
        assertThat(get("/static/hello.txt").status()).isEqualTo(200);
    }

    @Test
    void staticAnswers_areCountedPerRoute_withTheirBytes_andNotAsThePoolsRequests() {
        double ok = staticCount("2xx");
        double missing = staticCount("4xx");
        double bytes = sum("gatehouse_static_bytes_total", "route", "*/static/");
        double poolRequests = poolRequests();

        get("/static/hello.txt");
        get("/static/nothing.txt");
        get("/hello.txt");

        await().atMost(Duration.ofSeconds(5)).until(() -> staticCount("2xx") == ok + 1 && staticCount("4xx") == missing + 1);
        assertThat(sum("gatehouse_static_bytes_total", "route", "*/static/")).isEqualTo(bytes + 14);
        assertThat(metrics().value("gatehouse_static_responses_total", "route", "*/", "code", "2xx")).isPositive();
        assertThat(poolRequests()).as("a file served on a route with a pool is not the pool's request").isEqualTo(poolRequests);
    }

    private static dev.gatehouse.server.metrics.PrometheusText metrics() {
        return dev.gatehouse.server.metrics.PrometheusText.parse(node.server().metrics().scrape());
    }

    private static double staticCount(String code) {
        return sum("gatehouse_static_responses_total", "route", "*/static/", "code", code);
    }

    /** The sum of the samples, 0 before the first answer registers them. */
    private static double sum(String name, String... labels) {
        return metrics().samples(name, labels).stream().mapToDouble(dev.gatehouse.server.metrics.PrometheusText.Sample::value).sum();
    }

    private static double poolRequests() {
        return metrics().samples("gatehouse_requests_total", "pool", "web").stream()
                .mapToDouble(dev.gatehouse.server.metrics.PrometheusText.Sample::value).sum();
    }

    @Test
    void aChangedFile_isServedNewWithinTheCatalogsValidity() throws IOException {
        Path f = root.resolve("changing.txt");
        Files.writeString(f, "one");
        assertThat(get("/static/changing.txt").bodyText()).isEqualTo("one");

        Files.writeString(f, "two, longer");
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/static/changing.txt").bodyText().equals("two, longer"));

        Files.delete(f);
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/static/changing.txt").status() == 404);
    }

    @Test
    void aFileDeletedWhileBeingSent_isSentWhole_andTheNextRequestIs404() throws Exception {
        Path big = root.resolve("big.bin");
        byte[] data = new byte[8 * 1024 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        Files.write(big, data);
        try (Socket s = new Socket("127.0.0.1", node.port())) {
            s.getOutputStream().write("GET /static/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            // Read the head and the first bytes: the answer is under way when the file goes.
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            while (got.size() < 100_000) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                got.write(buf, 0, n);
            }
            Files.delete(big);
            String text = got.toString(StandardCharsets.ISO_8859_1);
            int bodyStart = text.indexOf("\r\n\r\n") + 4;
            assertThat(text).startsWith("HTTP/1.1 200 ").contains("content-length: " + data.length);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(got.toByteArray(), bodyStart, got.size() - bodyStart);
            while (body.size() < data.length) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                body.write(buf, 0, n);
            }
            assertThat(body.toByteArray()).isEqualTo(data);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/static/big.bin").status() == 404);
    }

    @Test
    void aLargeFile_arrivesWhole() throws IOException {
        Path f = root.resolve("large.bin");
        byte[] data = new byte[3 * 1024 * 1024 + 7];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i ^ (i >> 8));
        }
        Files.write(f, data);
        RawHttpResponse r = get("/static/large.bin");
        assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(r.body()).isEqualTo(data);
        assertThat(new String(r.body(), 0, 4, StandardCharsets.ISO_8859_1)).hasSize(4);
    }
}
