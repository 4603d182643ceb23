package dev.gatehouse.server.compress;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.github.luben.zstd.ZstdInputStream;
import dev.gatehouse.core.config.CacheConfig;
import dev.gatehouse.core.config.CompressConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compression of a pool's responses on a real node: each coding decodes to the backend's bytes,
 * the head says what was done (Content-Encoding, Vary, a weak ETag, no length), and what must not
 * be compressed is not (small, already compressed types, ranges, HEAD, no-transform, coded
 * already). With a cache too, each coding's variant is stored compressed and served as stored.
 */
final class CompressionIT {

    /** About 40 KiB of text that compresses well. */
    private static final String PAGE = "<p>Gatehouse compresses this line of a page.</p>\n".repeat(800);
    private static final AtomicInteger SEEN = new AtomicInteger();
    private static StubBackend app;
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        app = StubBackend.start("app", ex -> ex.discardBody(() -> {
            SEEN.incrementAndGet();
            String path = ex.path();
            String type = path.endsWith(".png") ? "image/png" : "text/html; charset=utf-8";
            String body = path.startsWith("/small") ? "tiny" : PAGE;
            var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            r.headers().set("Content-Type", type).set("Content-Length", r.content().readableBytes()).set("ETag", "\"p1\"");
            if (path.startsWith("/cached")) {
                r.headers().set("Cache-Control", "max-age=600");
            }
            if (path.startsWith("/no-transform")) {
                r.headers().set("Cache-Control", "no-transform");
            }
            if (path.startsWith("/coded")) {
                r.headers().set("Content-Encoding", "identity-ish");
            }
            ex.respond(r);
        }));
        RouteConfig compressing = new RouteConfig(null, "/", "web").withCompress(CompressConfig.defaults());
        node = TestNode.builder().backend(app.address())
                .route(compressing)
                .route(new RouteConfig(null, "/cached", "web").withCompress(CompressConfig.defaults())
                        .withCache(CacheConfig.defaults()))
                .start();
    }

    @AfterAll
    static void stop() {
        node.close();
        app.close();
    }

    private static RawHttpResponse get(String path, String... headers) {
        return send("GET " + path + " HTTP/1.1", false, headers);
    }

    private static RawHttpResponse send(String requestLine, boolean head, String... headers) {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            StringBuilder b = new StringBuilder(requestLine + "\r\nHost: example.com\r\n");
            for (String h : headers) {
                b.append(h).append("\r\n");
            }
            return client.send(b.append("\r\n").toString()).readResponse(head);
        }
    }

    static String decode(String coding, byte[] body) throws IOException {
        byte[] plain = switch (coding) {
            case "gzip" -> new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
            case "zstd" -> new ZstdInputStream(new ByteArrayInputStream(body)).readAllBytes();
            case "br" -> {
                Brotli4jLoader.ensureAvailability();
                yield Decoder.decompress(body).getDecompressedData();
            }
            default -> body;
        };
        return new String(plain, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "gzip                       | gzip",
        "br                         | br",
        "zstd                       | zstd",
        "gzip, deflate, br, zstd    | br",
        "gzip;q=1, br;q=0.5         | gzip",
        "zstd, gzip;q=0.9           | zstd",
        "*                          | br",
        "br;q=0, *;q=0.1            | zstd",
    })
    void eachCoding_decodesToTheBackendsBytes_andTheHeadSaysSo(String acceptEncoding, String coding) throws IOException {
        RawHttpResponse r = get("/page", "Accept-Encoding: " + acceptEncoding);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Encoding")).isEqualTo(coding);
        assertThat(r.header("Content-Length")).isNull();
        assertThat(r.header("Vary")).containsIgnoringCase("accept-encoding");
        assertThat(r.header("ETag")).isEqualTo("W/\"p1\"");
        assertThat(r.bodyLength()).isLessThan(PAGE.length() / 4);
        assertThat(decode(coding, r.body())).isEqualTo(PAGE);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "/page         | X: no Accept-Encoding            | X: y",
        "/page         | Accept-Encoding: identity        | X: y",
        "/page         | Accept-Encoding: gzip;q=0, br;q=0, zstd;q=0 | X: y",
        "/page         | Accept-Encoding: deflate         | X: y",
        "/small        | Accept-Encoding: gzip            | X: y",
        "/x.png        | Accept-Encoding: gzip            | X: y",
        "/page         | Accept-Encoding: gzip            | Range: bytes=0-10",
        "/no-transform | Accept-Encoding: gzip            | X: y",
        "/coded        | Accept-Encoding: gzip            | X: y",
    })
    void whatMustNotBeCompressed_isNot(String path, String header, String other) {
        RawHttpResponse r = get(path, header, other);

        assertThat(r.header("Content-Encoding")).isNotIn("gzip", "br", "zstd");
        assertThat(r.header("ETag")).isEqualTo("\"p1\"");
    }

    @Test
    void head_isNotCompressed() {
        RawHttpResponse r = send("HEAD /page HTTP/1.1", true, "Accept-Encoding: gzip");

        assertThat(r.header("Content-Encoding")).isNull();
        assertThat(r.bodyLength()).isZero();
    }

    @Test
    void anHttp10Client_getsTheCompressedBody_delimitedByTheClose() throws IOException {
        RawHttpResponse r = send("GET /page HTTP/1.0", false, "Accept-Encoding: gzip");

        assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(decode("gzip", r.body())).isEqualTo(PAGE);
    }

    @Test
    void withACache_eachCodingsVariantIsStoredCompressed_andServedAsStored() throws IOException {
        int before = SEEN.get();
        RawHttpResponse br1 = get("/cached/p", "Accept-Encoding: gzip, deflate, br");
        RawHttpResponse br2 = get("/cached/p", "Accept-Encoding: br, gzip");
        RawHttpResponse gz1 = get("/cached/p", "Accept-Encoding: gzip");
        RawHttpResponse gz2 = get("/cached/p", "Accept-Encoding: gzip, deflate");
        RawHttpResponse plain = get("/cached/p");

        assertThat(br2.header("Cache-Status")).startsWith("gatehouse; hit");
        assertThat(br2.header("Content-Encoding")).isEqualTo("br");
        assertThat(br2.body()).isEqualTo(br1.body());
        assertThat(decode("br", br2.body())).isEqualTo(PAGE);
        assertThat(gz2.header("Cache-Status")).startsWith("gatehouse; hit");
        assertThat(decode("gzip", gz2.body())).isEqualTo(PAGE);
        assertThat(gz1.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(plain.header("Content-Encoding")).isNull();
        assertThat(plain.bodyText()).isEqualTo(PAGE);
        assertThat(SEEN.get() - before).as("one backend request per coding").isEqualTo(3);
    }
}
