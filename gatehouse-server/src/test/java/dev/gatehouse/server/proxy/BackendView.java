package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a strict backend makes of the bytes a node forwarded: they are decoded again, and must be
 * exactly the one request the node meant to send, with the body the node read from its client,
 * and nothing after it. A second request here would be a smuggled one; a body cut short or run
 * long, a desync.
 */
final class BackendView {

    /** Generous bounds: the forwarded head has more headers than the client's (X-Forwarded-*, Via). */
    private static final HttpDecoderConfig STRICT = new HttpDecoderConfig()
            .setMaxInitialLineLength(64 * 1024)
            .setMaxHeaderSize(64 * 1024)
            .setStrictLineParsing(true)
            .setValidateHeaders(true)
            .setAllowDuplicateContentLengths(false)
            .setUseRfc9112TransferEncoding(true);

    private BackendView() {
    }

    /**
     * Checks that {@code sent} decodes as {@code meant} followed by {@code body}, and nothing more.
     *
     * @throws AssertionError naming what the backend saw instead
     */
    static void assertSeesOne(byte[] sent, HttpRequest meant, byte[] body) {
        EmbeddedChannel backend = new EmbeddedChannel(new HttpRequestDecoder(STRICT.clone()));
        List<HttpObject> seen = new ArrayList<>();
        try {
            backend.writeInbound(Unpooled.wrappedBuffer(sent));
            for (Object o = backend.readInbound(); o != null; o = backend.readInbound()) {
                seen.add((HttpObject) o);
            }
            assertThat(seen).as("what the backend decoded").isNotEmpty();
            assertThat(seen.get(0)).isInstanceOf(HttpRequest.class);
            HttpRequest request = (HttpRequest) seen.get(0);
            assertThat(request.decoderResult().isSuccess()).as("backend decodes the head: %s", request.decoderResult())
                    .isTrue();
            assertThat(request.method()).isEqualTo(meant.method());
            assertThat(request.uri()).isEqualTo(new String(meant.uri().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(fields(request.headers())).as("headers the backend sees").isEqualTo(fields(meant.headers()));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int last = -1;
            for (int i = 1; i < seen.size(); i++) {
                HttpObject o = seen.get(i);
                assertThat(o).as("message %d the backend decoded", i).isInstanceOf(HttpContent.class)
                        .isNotInstanceOf(HttpRequest.class);
                assertThat(o.decoderResult().isSuccess()).as("backend decodes the body: %s", o.decoderResult()).isTrue();
                got.writeBytes(ByteBufUtil.getBytes(((HttpContent) o).content()));
                if (o instanceof LastHttpContent) {
                    last = i;
                    break;
                }
            }
            assertThat(last).as("the backend saw the body end").isPositive();
            assertThat(seen.size()).as("messages after the request's end (a smuggled request)").isEqualTo(last + 1);
            assertThat(got.toByteArray()).as("body the backend read").isEqualTo(body);
        } finally {
            seen.forEach(ReferenceCountUtil::release);
            backend.finishAndReleaseAll();
        }
    }

    /**
     * The fields as {@code name: value}, the value without surrounding whitespace: a backend reads
     * a field value without it (RFC 9110 §5.5). Netty joins an obs-fold line to the value with a
     * space, so {@code "a\r\n \r\n"} arrives as {@code "a "}, leaves as {@code "a "}, and is
     * {@code "a"} to every backend; the node forwards each field on one line, so the fold itself
     * never reaches a backend.
     */
    private static List<String> fields(HttpHeaders h) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : h) {
            out.add(e.getKey().toLowerCase(Locale.ROOT) + ": " + trimOws(e.getValue()));
        }
        return out;
    }

    /** Without leading and trailing spaces and tabs (OWS), and nothing else. */
    private static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }
}
