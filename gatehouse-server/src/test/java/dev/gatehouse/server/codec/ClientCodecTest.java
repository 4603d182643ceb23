package dev.gatehouse.server.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.server.proxy.SmugglingCorpus;
import dev.gatehouse.server.proxy.SmugglingCorpus.Case;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client codec on an embedded channel: heads that trickle in byte by byte are read exactly as
 * heads that arrive whole (the whole smuggling corpus is replayed both ways), limits are found
 * before the line ends, and responses are framed by the method of the request they answer.
 */
final class ClientCodecTest {

    private static final LimitsConfig LIMITS = new LimitsConfig(256, 1024, 10_000);

    static List<Case> corpus() {
        return SmugglingCorpus.load();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyCorpusCase_decodesTheSame_whetherItArrivesWholeOrOneByteAtATime(Case c) {
        String whole = decode(c.request(), c.request().length());
        String trickled = decode(c.request(), 1);
        assertThat(trickled).isEqualTo(whole);
    }

    @Test
    void soundHead_fedOneByteAtATime_givesTheRequestAndItsBody() {
        String raw = "\r\nPOST /a?b HTTP/1.1\r\nHost: x\r\nX-A:  one two \r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;e=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n";
        assertThat(decode(raw, 1)).isEqualTo("request POST /a?b [Host=x, X-A=one two, Transfer-Encoding=chunked]; "
                + "body 5 [X-T=1]; ");
    }

    @Test
    void requestLineOverTheLimit_isFoundBeforeItsEnd() {
        EmbeddedChannel ch = new EmbeddedChannel(ClientCodec.of(LIMITS));
        ch.writeInbound(ascii("GET /" + "a".repeat(300)));
        HttpRequest r = ch.readInbound();
        assertThat(r.decoderResult().cause()).isInstanceOf(TooLongHttpLineException.class);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void headerSectionOverTheLimit_isFoundBeforeItsEnd() {
        EmbeddedChannel ch = new EmbeddedChannel(ClientCodec.of(LIMITS));
        ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n"));
        for (int i = 0; i < 10; i++) {
            ch.writeInbound(ascii("X-" + i + ": " + "v".repeat(120) + "\r\n"));
        }
        HttpRequest r = ch.readInbound();
        assertThat(r.decoderResult().cause()).isInstanceOf(TooLongHttpHeaderException.class);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void afterARefusedHead_everythingElseIsDiscarded() {
        EmbeddedChannel ch = new EmbeddedChannel(ClientCodec.of(LIMITS));
        ch.writeInbound(ascii("GET /a\tHTTP/1.1\r\nHost: x\r\n\r\n"));
        ch.writeInbound(ascii("GET /b HTTP/1.1\r\nHost: x\r\n\r\n"));
        HttpRequest refused = ch.readInbound();
        assertThat(refused.decoderResult().cause()).isInstanceOf(BadHeadException.class).hasMessage("tab in the request line");
        assertThat(ch.finishAndReleaseAll()).as("nothing decoded after it").isFalse();
    }

    @Test
    void responseToHead_hasNoBody_andResponsesPairWithPipelinedRequests() {
        EmbeddedChannel ch = new EmbeddedChannel(ClientCodec.of(LIMITS));
        ch.writeInbound(ascii("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n"));
        for (int i = 0; i < 3; i++) {
            var response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setTransferEncodingChunked(response, true);
            ch.writeOutbound(response, new DefaultHttpContent(ascii("ok")), LastHttpContent.EMPTY_LAST_CONTENT);
        }
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; b.release()) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
        }
        String chunkedOk = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n";
        assertThat(out.toString()).isEqualTo(chunkedOk + "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + chunkedOk);
        ch.finishAndReleaseAll();
    }

    @Test
    void moreThan128PipelinedRequests_theNextIsRefused() {
        EmbeddedChannel ch = new EmbeddedChannel(ClientCodec.of(LIMITS));
        ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(PendingMethods.MAX + 2)));
        int requests = 0;
        HttpRequest last = null;
        for (Object msg; (msg = ch.readInbound()) != null; ) {
            if (msg instanceof HttpRequest r) {
                requests++;
                last = r;
            }
            io.netty.util.ReferenceCountUtil.release(msg);
        }
        assertThat(requests).isEqualTo(PendingMethods.MAX + 1);
        assertThat(last.decoderResult().cause()).hasMessage("more than 128 pipelined requests");
        ch.finishAndReleaseAll();
    }

    /** Feeds {@code raw} in pieces of {@code piece} bytes and describes what the codec made of it. */
    private static String decode(String raw, int piece) {
        EmbeddedChannel ch = new EmbeddedChannel(ClientCodec.of(LIMITS));
        List<Object> got = new ArrayList<>();
        for (int i = 0; i < raw.length(); i += piece) {
            ch.writeInbound(ascii(raw.substring(i, Math.min(raw.length(), i + piece))));
            for (Object msg; (msg = ch.readInbound()) != null; ) {
                got.add(msg);
            }
        }
        ch.finishAndReleaseAll();
        StringBuilder s = new StringBuilder();
        long body = 0;
        for (Object msg : got) {
            // Body parts are cut where the reads were cut; only their sum and where the body ends count.
            if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
                s.append(body > 0 ? "body " + body + "; " : "").append("refused: ").append(o.decoderResult().cause().getMessage()).append("; ");
                body = 0;
            } else {
                if (msg instanceof HttpRequest r) {
                    s.append("request ").append(r.method()).append(' ').append(r.uri()).append(' ');
                    s.append(r.headers().entries().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()).append("; ");
                }
                if (msg instanceof HttpContent content) {
                    body += content.content().readableBytes();
                }
                if (msg instanceof LastHttpContent last) {
                    s.append("body ").append(body).append(' ');
                    s.append(last.trailingHeaders().entries().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()).append("; ");
                    body = 0;
                }
            }
            io.netty.util.ReferenceCountUtil.release(msg);
        }
        return s.toString();
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

}
