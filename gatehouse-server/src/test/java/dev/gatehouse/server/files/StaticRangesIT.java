package dev.gatehouse.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.StaticConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ranges and preconditions of RFC 9110 on a real node, over the wire: single, suffix and multiple
 * ranges, 416, If-Range; If-None-Match, If-Match, If-Modified-Since and If-Unmodified-Since; and
 * malformed or hostile headers, each with a clear answer on a connection that goes on. The full
 * matrices of the decisions are core's tests ({@code dev.gatehouse.core.content}).
 */
final class StaticRangesIT {

    /** 100 bytes: 0123456789 ten times. */
    private static final String DIGITS = "0123456789".repeat(10);
    private static final String MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT";

    @TempDir
    static Path dir;
    private static TestNode node;
    private static String etag;

    @BeforeAll
    static void start() throws Exception {
        Path f = dir.resolve("digits.txt");
        Files.writeString(f, DIGITS);
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("1994-11-06T08:49:37Z")));
        node = TestNode.builder().route(RouteConfig.serving(null, "/", StaticConfig.of(dir.toString()), null)).start();
        etag = get().header("ETag");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static RawHttpResponse get(String... headers) {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            StringBuilder b = new StringBuilder("GET /digits.txt HTTP/1.1\r\nHost: x\r\n");
            for (String h : headers) {
                b.append(h).append("\r\n");
            }
            RawHttpResponse r = client.send(b.append("\r\n").toString()).readResponse();
            // Whatever the answer, the connection carries the next request.
            RawHttpResponse next = client.send("GET /digits.txt HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertThat(next.bodyText()).isEqualTo(DIGITS);
            return r;
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bytes=0-9       | bytes 0-9/100   | 0123456789",
        "bytes=95-       | bytes 95-99/100 | 56789",
        "bytes=-3        | bytes 97-99/100 | 789",
        "bytes=98-500    | bytes 98-99/100 | 89",
        "bytes=-500      | bytes 0-99/100  | " + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
    })
    void aSingleRange_is206WithItsContentRange(String range, String contentRange, String body) {
        RawHttpResponse r = get("Range: " + range);

        assertThat(r.status()).isEqualTo(206);
        assertThat(r.header("Content-Range")).isEqualTo(contentRange);
        assertThat(r.bodyText()).isEqualTo(body);
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(body.length()));
    }

    @Test
    void severalRanges_areAMultipartBody_whoseLengthIsExact() {
        RawHttpResponse r = get("Range: bytes=0-1, 10-11, -2");

        assertThat(r.status()).isEqualTo(206);
        Matcher m = Pattern.compile("multipart/byteranges; boundary=(\\S+)").matcher(r.header("Content-Type"));
        assertThat(m.matches()).isTrue();
        String body = new String(r.body(), StandardCharsets.ISO_8859_1);
        assertThat(Long.parseLong(r.header("Content-Length"))).isEqualTo(r.bodyLength());
        assertThat(body).contains("Content-Range: bytes 0-1/100\r\n\r\n01\r\n")
                .contains("Content-Range: bytes 10-11/100\r\n\r\n01\r\n")
                .contains("Content-Range: bytes 98-99/100\r\n\r\n89\r\n")
                .endsWith("--" + m.group(1) + "--\r\n");
    }

    @Test
    void anUnsatisfiableRange_is416WithTheLength() {
        RawHttpResponse r = get("Range: bytes=100-200");

        assertThat(r.status()).isEqualTo(416);
        assertThat(r.header("Content-Range")).isEqualTo("bytes */100");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bytes=5-1",
        "bytes=abc",
        "bytes=",
        "items=0-1",
        "bytes=0-1;x",
        "bytes=99999999999999999999999-",
        "bytes 0-1",
    })
    void aMalformedRange_isIgnored_theWholeFileIs200(String range) {
        RawHttpResponse r = get("Range: " + range);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo(DIGITS);
    }

    @Test
    void aHugeRangeList_getsTheWholeFile() {
        StringBuilder ranges = new StringBuilder("bytes=0-0");
        for (int i = 1; i < 1000; i++) {
            ranges.append(',').append(i % 100).append('-').append(i % 100);
        }
        RawHttpResponse r = get("Range: " + ranges);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo(DIGITS);
    }

    @Test
    void ifRange_withTheCurrentTag_getsTheRange_withAnotherTheWholeFile() {
        assertThat(get("Range: bytes=0-0", "If-Range: " + etag).status()).isEqualTo(206);
        assertThat(get("Range: bytes=0-0", "If-Range: \"other\"").status()).isEqualTo(200);
        assertThat(get("Range: bytes=0-0", "If-Range: W/" + etag).status()).isEqualTo(200);
    }

    @Test
    void ifNoneMatch_withTheTag_is304_withTheValidatorsAndNoBody() {
        RawHttpResponse r = get("If-None-Match: \"x\", " + etag);

        assertThat(r.status()).isEqualTo(304);
        assertThat(r.header("ETag")).isEqualTo(etag);
        assertThat(r.bodyLength()).isZero();
        assertThat(get("If-None-Match: *").status()).isEqualTo(304);
        assertThat(get("If-None-Match: \"other\"").status()).isEqualTo(200);
    }

    @Test
    void ifMatch_withAnotherTag_is412() {
        assertThat(get("If-Match: \"other\"").status()).isEqualTo(412);
        assertThat(get("If-Match: " + etag).status()).isEqualTo(200);
        assertThat(get("If-Match: *").status()).isEqualTo(200);
    }

    @Test
    void dates_304And412() {
        assertThat(get("If-Modified-Since: " + MODIFIED).status()).isEqualTo(304);
        assertThat(get("If-Modified-Since: Sat, 05 Nov 1994 08:49:37 GMT").status()).isEqualTo(200);
        assertThat(get("If-Unmodified-Since: Sat, 05 Nov 1994 08:49:37 GMT").status()).isEqualTo(412);
        assertThat(get("If-Unmodified-Since: " + MODIFIED).status()).isEqualTo(200);
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
        assertThat(get("If-None-Match: \"other\"", "If-Modified-Since: " + MODIFIED).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "If-Modified-Since: yesterday",
        "If-Modified-Since: Sun, 06 Nov 1994 08:49:37",
        "If-Unmodified-Since: 0",
        "If-None-Match: unquoted",
    })
    void aMalformedConditional_isIgnored(String header) {
        assertThat(get(header).status()).isEqualTo(200);
    }
}
