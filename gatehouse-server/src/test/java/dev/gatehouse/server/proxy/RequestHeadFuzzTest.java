package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatehouse.core.config.ForwardingConfig;
import dev.gatehouse.core.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the request head as the node sees it after Netty: the client's bytes go through the
 * client codec (strict settings of {@link ClientInitializer}), then each decoded request through
 * what an exchange does before and after routing: {@link RequestHead} (version, CONNECT,
 * {@link RequestTarget}, {@link UpgradeRequest}, body limit), {@link HeaderRewriter}, and the head
 * and body as {@link BackendTry} sends them.
 *
 * <p>Invariants, for any bytes: every request is either refused cleanly (a decoder failure or a
 * {@link RequestHead} decision) or forwarded with a head that {@link ForwardedHead#check} accepts
 * (no control byte, CR, LF or NUL in the target or a value, no look-alike of a framing or
 * hop-by-hop header, one Host, one framing); a strict backend decoding the forwarded bytes sees
 * exactly that one request with the body the node read, and nothing after it (no smuggled
 * request); whether each request is refused or forwarded, and what is forwarded, does not depend
 * on how the bytes were split into reads (up to a refusal at a size limit, see
 * {@link #assertSameUpToALimit}); nothing throws;
 * every buffer is released.
 */
final class RequestHeadFuzzTest {

    /** The smallest limits allowed, so that the 413, 414 and 431 paths are within the fuzzer's reach. */
    private static final LimitsConfig LIMITS = new LimitsConfig(256, 1024, 1024);
    /** The node's defaults but the body limit: bodies on GET and HEAD refused. */
    private static final ProxyContext.Settings SETTINGS = new ProxyContext.Settings(1, 1, 1, 1, 1, 1,
            LIMITS.maxRequestBody(), false, 0, 1 << 20, 0, Long.MAX_VALUE);
    /** Underscore names kept: the weaker setting, where the look-alike rule must hold on its own. */
    private static final HeaderRewriter REWRITER =
            new HeaderRewriter(new ForwardingConfig(List.of(), false, "gatehouse", true));
    private static final InetAddress PEER = peer();
    private static final String BACKEND = "10.0.0.1:8000";
    /** Larger inputs add nothing the limits do not already refuse; they only slow the fuzzer. */
    private static final int MAX_INPUT = 8 * 1024;

    private static InetAddress peer() {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, 7});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** What became of one request. */
    private sealed interface Outcome {
    }

    /**
     * Answered by the node itself; {@code limit} for 414 and 431, a line or header section over its
     * bound. Which status can depend on how much of the head had arrived when it broke two rules at
     * once (a line both too long and malformed is 414 when the limit is reached first, 400 when the
     * bad byte is seen first); that it is refused cannot.
     */
    private record Refused(boolean limit) implements Outcome {
    }

    /** What the node answers a request it refuses with, each a {@link ProxyError}. */
    private static final java.util.Set<Integer> REFUSALS = java.util.Set.of(400, 413, 414, 431, 501, 505);

    /**
     * Sent to the backend: the head as it left, and the body (its chunks, if chunked, follow the
     * client's reads, so only the content is compared).
     */
    private record Forwarded(String head, String body) implements Outcome {
    }

    /** Cut in its body (a malformed chunk): the connection closes. */
    private record Cut() implements Outcome {
    }

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void clientBytes_areRefusedOrForwardedClean(byte[] input) {
        if (input.length > MAX_INPUT) {
            return;
        }
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        List<Outcome> whole = run(input, input.length, alloc);
        List<Outcome> bytewise = run(input, 1, alloc);
        assertSameUpToALimit(whole, bytewise);
        assertThat(alloc.metric().usedHeapMemory() + alloc.metric().usedDirectMemory()).as("bytes not released").isZero();
    }

    /**
     * The outcomes of the same bytes read whole and one at a time are the same, up to a request
     * refused by a size limit on either side. Netty's line parser counts a CR that arrives without
     * its LF against the limit, so a line of exactly the limit passes when its CRLF arrives in one
     * read and is 414 when the CR comes first: a refusal either way, and the connection closes.
     */
    private static void assertSameUpToALimit(List<Outcome> whole, List<Outcome> bytewise) {
        int cut = Math.min(firstLimit(whole), firstLimit(bytewise));
        if (cut == Integer.MAX_VALUE) {
            assertThat(bytewise).as("outcome when the bytes arrive one at a time").isEqualTo(whole);
            return;
        }
        assertThat(whole.size()).as("requests before a size limit, read whole").isGreaterThanOrEqualTo(cut);
        assertThat(bytewise.size()).as("requests before a size limit, read bytewise").isGreaterThanOrEqualTo(cut);
        assertThat(bytewise.subList(0, cut)).as("outcome when the bytes arrive one at a time")
                .isEqualTo(whole.subList(0, cut));
    }

    private static int firstLimit(List<Outcome> outcomes) {
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) instanceof Refused r && r.limit()) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * The client side of the node's pipeline, up to the proxy handler: the codec
     * {@link ClientInitializer} installs.
     */
    static ChannelHandler clientCodec(LimitsConfig limits) {
        return dev.gatehouse.server.codec.ClientCodec.of(limits);
    }

    /** Decodes {@code input} in reads of {@code chunk} bytes and follows each request as the node would. */
    private static List<Outcome> run(byte[] input, int chunk, UnpooledByteBufAllocator alloc) {
        EmbeddedChannel client = new EmbeddedChannel(clientCodec(LIMITS));
        client.config().setAllocator(alloc);
        Connection connection = new Connection(alloc);
        try {
            for (int i = 0; i < input.length && !connection.closed; i += chunk) {
                ByteBuf part = alloc.heapBuffer(Math.min(chunk, input.length - i));
                part.writeBytes(input, i, Math.min(chunk, input.length - i));
                client.writeInbound(part);
                for (Object msg = client.readInbound(); msg != null; msg = client.readInbound()) {
                    connection.read((HttpObject) msg);
                }
            }
        } finally {
            connection.close();
            client.finishAndReleaseAll();
        }
        return connection.outcomes;
    }

    /** One client connection as the node handles it: one request at a time, closed when framing is in doubt. */
    private static final class Connection {

        private final UnpooledByteBufAllocator alloc;
        final List<Outcome> outcomes = new ArrayList<>();
        boolean closed;
        /** The request being forwarded, or null while none is (or its body is being dropped). */
        private Forwarding forwarding;

        Connection(UnpooledByteBufAllocator alloc) {
            this.alloc = alloc;
        }

        void read(HttpObject msg) {
            try {
                if (closed) {
                    return;
                }
                if (msg instanceof HttpRequest request) {
                    head(request);
                }
                if (msg instanceof HttpContent content && forwarding != null && !(msg instanceof HttpRequest)) {
                    body(content);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /** What {@code Exchange.start} and {@code Exchange.granted} do with a new request. */
        private void head(HttpRequest request) {
            String incomingId = request.headers().get(HeaderRewriter.X_REQUEST_ID);
            String requestId = RequestIds.isAcceptable(incomingId) ? incomingId : "fuzz-request-id";
            RequestHead head = RequestHead.check(request, LIMITS.maxHeaders(), SETTINGS);
            if (head.error() == null && head.contentLength() > LIMITS.maxRequestBody()) {
                // What ClientLimits.checkRoute does once the route is known: 413, the body unread.
                head = new RequestHead(ProxyError.BODY_TOO_LARGE, "max_request_body: content-length "
                        + head.contentLength(), ClientLimit.REQUEST_BODY, head.keepAlive(), head.expectsBody(),
                        head.contentLength(), null, null, false);
            }
            if (head.error() != null) {
                assertThat(REFUSALS).as("status of a refusal").contains(head.error().status().code());
                int status = head.error().status().code();
                outcomes.add(new Refused(status == 414 || status == 431));
                assertThat(head.problem()).as("a refusal says why").isNotBlank();
                // As Endings.fail decides: a body left unread, or a lost framing, ends the connection.
                closed = head.error().framingLost() || !head.keepAlive() || head.expectsBody()
                        || !request.decoderResult().isSuccess();
                return;
            }
            assertThat(request.decoderResult().isSuccess()).isTrue();
            HttpHeaders h = request.headers();
            REWRITER.rewriteRequest(h, request.protocolVersion(), PEER, "http", requestId);
            if (!h.contains(HttpHeaderNames.HOST)) {
                h.set(HttpHeaderNames.HOST, BACKEND);
            }
            if (head.upgrade() != null) {
                head.upgrade().restoreHeaders(h);
            }
            HttpRequest out = RequestReplay.backendRequest(request, head.expectsBody());
            forwarding = new Forwarding(alloc, out, head);
        }

        private void body(HttpContent content) {
            if (content.decoderResult().isFailure()) {
                outcomes.add(new Cut());
                closed = true;
                forwarding.discard();
                forwarding = null;
                return;
            }
            forwarding.content(content);
            if (content instanceof LastHttpContent) {
                outcomes.add(forwarding.finish());
                // After an upgrade the connection is a tunnel; after Connection: close, closed.
                closed = forwarding.head.upgrade() != null || !forwarding.head.keepAlive();
                forwarding = null;
            }
        }

        void close() {
            if (forwarding != null) {
                forwarding.discard();
                forwarding = null;
            }
        }
    }

    /** One request on its way to a backend: the encoder's output, checked when the request ends. */
    private static final class Forwarding {

        private final EmbeddedChannel encoder = new EmbeddedChannel(new HttpRequestEncoder());
        private final HttpRequest out;
        final RequestHead head;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Forwarding(UnpooledByteBufAllocator alloc, HttpRequest out, RequestHead head) {
            this.out = out;
            this.head = head;
            encoder.config().setAllocator(alloc);
            encoder.writeOutbound(out);
        }

        void content(HttpContent content) {
            body.writeBytes(ByteBufUtil.getBytes(content.content()));
            encoder.writeOutbound(content.retainedDuplicate());
        }

        /** What the backend gets, after checking it; the encoder is released. */
        Forwarded finish() {
            byte[] sent = drain();
            int end = indexOf(sent, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(end).as("forwarded head ends").isGreaterThan(0);
            byte[] headBytes = java.util.Arrays.copyOf(sent, end + 4);
            ForwardedHead forwarded = ForwardedHead.check(headBytes, head.upgrade() != null);
            ForwardedHead.Framing framing = forwarded.framing();
            boolean chunked = HttpUtil.isTransferEncodingChunked(out);
            if (head.expectsBody()) {
                assertThat(framing).as("framing of a request with a body").isEqualTo(
                        chunked ? ForwardedHead.Framing.CHUNKED : ForwardedHead.Framing.LENGTH);
            } else {
                assertThat(framing).as("framing of a request without a body").isNotEqualTo(ForwardedHead.Framing.CHUNKED);
                assertThat(body.size()).as("body of a request that declared none").isZero();
            }
            BackendView.assertSeesOne(sent, out, body.toByteArray());
            return new Forwarded(new String(headBytes, StandardCharsets.ISO_8859_1),
                    new String(body.toByteArray(), StandardCharsets.ISO_8859_1));
        }

        void discard() {
            drain();
        }

        private byte[] drain() {
            encoder.finish();
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            for (Object o = encoder.readOutbound(); o != null; o = encoder.readOutbound()) {
                ByteBuf b = (ByteBuf) o;
                sent.writeBytes(ByteBufUtil.getBytes(b));
                b.release();
            }
            encoder.finishAndReleaseAll();
            return sent.toByteArray();
        }

        private static int indexOf(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
