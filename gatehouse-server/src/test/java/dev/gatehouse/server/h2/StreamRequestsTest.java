package dev.gatehouse.server.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A stream's HEADERS as the HTTP/1.1 request head an exchange reads. */
final class StreamRequestsTest {

    private static Http2Headers get(String path) {
        return new DefaultHttp2Headers(false).method("GET").path(path).scheme("https").authority("example.com");
    }

    @Test
    void pseudoHeaders_becomeTheRequestLineAndHost() {
        HttpRequest r = StreamRequests.toRequest(get("/a?b=1").add("accept", "*/*"), true);
        assertThat(r.decoderResult().isSuccess()).isTrue();
        assertThat(r.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(r.method().name()).isEqualTo("GET");
        assertThat(r.uri()).isEqualTo("/a?b=1");
        assertThat(r.headers().get("host")).isEqualTo("example.com");
        assertThat(r.headers().get("accept")).isEqualTo("*/*");
        assertThat(r.headers().names()).noneMatch(n -> n.startsWith(":"));
        assertThat(r.headers().contains("transfer-encoding")).isFalse();
    }

    @Test
    void cookies_areJoined_extensionNamesAndTeTrailers_dropped() {
        HttpRequest r = StreamRequests.toRequest(get("/").add("cookie", "a=1").add("cookie", "b=2")
                .add("x-http2-stream-id", "7").add("te", "trailers"), true);
        assertThat(r.headers().getAll("cookie")).containsExactly("a=1; b=2");
        assertThat(r.headers().contains("x-http2-stream-id")).isFalse();
        assertThat(r.headers().contains("te")).isFalse();
    }

    @Test
    void aBodyWithoutLength_isSentChunked_oneWithALength_asIs() {
        HttpRequest chunked = StreamRequests.toRequest(get("/").method("POST"), false);
        assertThat(chunked.headers().get("transfer-encoding")).isEqualTo("chunked");
        HttpRequest sized = StreamRequests.toRequest(get("/").method("POST").add("content-length", "5"), false);
        assertThat(sized.headers().get("content-length")).isEqualTo("5");
        assertThat(sized.headers().contains("transfer-encoding")).isFalse();
    }

    @Test
    void hostMatchingTheAuthority_isAccepted() {
        assertThat(StreamRequests.toRequest(get("/").add("host", "EXAMPLE.com"), true).decoderResult().isSuccess()).isTrue();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "connection|close|connection-specific header field \"connection\"",
        "keep-alive|5|connection-specific header field \"keep-alive\"",
        "proxy-connection|x|connection-specific header field \"proxy-connection\"",
        "transfer-encoding|chunked|connection-specific header field \"transfer-encoding\"",
        "upgrade|websocket|connection-specific header field \"upgrade\"",
        "te|gzip|connection-specific header field \"te\"",
        "x-a|' padded'|header field \"x-a\" has leading or trailing whitespace",
        "x-a|'tab\t'|header field \"x-a\" has leading or trailing whitespace",
        "x-a|'a\rb'|header field \"x-a\" has a NUL, CR or LF",
        "x-a|'a\nInjected: 1'|header field \"x-a\" has a NUL, CR or LF",
        "host|other.example|Host differs from :authority",
    })
    void malformedFields_makeAFailedHead(String name, String value, String problem) {
        HttpRequest r = StreamRequests.toRequest(get("/").add(name, value.replace("\\r", "\r").replace("\\n", "\n")
                .replace("\\t", "\t")), true);
        assertThat(r.decoderResult().isFailure()).isTrue();
        assertThat(r.decoderResult().cause()).hasMessage("HTTP/2 request: " + problem);
    }

    @Test
    void missingOrBadPseudoHeaders_makeAFailedHead() {
        assertThat(problem(new DefaultHttp2Headers(false).path("/").scheme("http"))).isEqualTo("no :method pseudo-header");
        assertThat(problem(new DefaultHttp2Headers(false).method("GET").scheme("http"))).isEqualTo("no :path pseudo-header");
        assertThat(problem(new DefaultHttp2Headers(false).method("GET").path("/"))).isEqualTo("no :scheme pseudo-header");
        assertThat(problem(get("http://example.com/"))).isEqualTo(":path is not a path (origin form or *)");
        assertThat(problem(get("/").add(":protocol", "websocket"))).isEqualTo("extended CONNECT (:protocol) is not supported");
    }

    @Test
    void connect_becomesAConnectRequest_whichTheExchangeRefuses() {
        HttpRequest r = StreamRequests.toRequest(new DefaultHttp2Headers(false).method("CONNECT").authority("h:443"), true);
        assertThat(r.decoderResult().isSuccess()).isTrue();
        assertThat(r.method().name()).isEqualTo("CONNECT");
        assertThat(r.uri()).isEqualTo("h:443");
    }

    private static String problem(Http2Headers h) {
        HttpRequest r = StreamRequests.toRequest(h, true);
        assertThat(r.decoderResult().isFailure()).isTrue();
        return r.decoderResult().cause().getMessage().substring("HTTP/2 request: ".length());
    }
}
