package dev.gatehouse.server.probe;

import dev.gatehouse.core.config.HealthCheckConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An HTTP check: {@code METHOD path HTTP/1.1}, judged by {@link HttpCheckHandler} on the response's
 * status and, if configured, the first {@value HttpCheckHandler#MAX_BODY} bytes of its body.
 *
 * <p>The request is keep-alive when the probe keeps connections ({@link Target#keeper()}): after a
 * check that passed on a keep-alive response that had fully arrived by the end of the read that
 * decided it, the connection is kept for the next check. A failed check, a response that says
 * {@code Connection: close}, or one still arriving closes it. Without a keeper the request says
 * {@code Connection: close}.
 */
final class HttpCheck extends Check {

    /** Identifies checks in backend access logs, so they can be filtered out of traffic figures. */
    static final String USER_AGENT = "gatehouse-health-check";

    HttpCheck(Target target, Consumer<CheckResult> onResult) {
        super(target, onResult);
    }

    @Override
    void initChannel(Channel ch) {
        HttpDecoderConfig decoding = new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(16 * 1024)
                .setValidateHeaders(true);
        // failOnMissingResponse off: the handler reports a close before the response itself, in words.
        ch.pipeline().addLast("http", new HttpClientCodec(decoding, false, false));
        ch.pipeline().addLast("check", new HttpCheckHandler(this, target.config()));
    }

    @Override
    boolean reuse(Channel kept) {
        if (kept.pipeline().get("check") == null) {
            return false;
        }
        kept.pipeline().replace("check", "check", new HttpCheckHandler(this, target.config()));
        return true;
    }

    @Override
    void connected(Channel ch) {
        HealthCheckConfig c = target.config();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(c.method()),
                c.path(), Unpooled.EMPTY_BUFFER);
        request.headers()
                .set(HttpHeaderNames.HOST, target.hostHeader())
                .set(HttpHeaderNames.USER_AGENT, USER_AGENT);
        if (target.keeper() == null) {
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ch.writeAndFlush(request).addListener((ChannelFuture f) -> {
            // A kept connection the backend closed meanwhile fails the write: try a fresh one.
            if (!f.isSuccess() && isCurrent(ch) && !retryFresh()) {
                finish(CheckResult.failed(f.cause(), timeoutMillis()));
            }
        });
    }

    /**
     * The response is judged: passed. With {@code keepAlive} (the response allows it) and a
     * keeper, the connection stays open and the handler must keep or close it by the end of the
     * read in progress.
     *
     * @return whether the connection was left open for the handler
     */
    boolean passed(int status, boolean keepAlive) {
        boolean keepOpen = keepAlive && target.keeper() != null && !done();
        finish(CheckResult.passed("HTTP " + status + " in " + elapsedMillis() + " ms"), keepOpen);
        return keepOpen;
    }

    /** Hands a connection whose response ended cleanly to the next check of the backend. */
    void keep(Channel ch) {
        target.keeper().keep(ch, target.tls());
    }

    /** The status is outside the expected range. */
    void unexpectedStatus(int status) {
        HealthCheckConfig c = target.config();
        String range = c.expectMin() == c.expectMax() ? String.valueOf(c.expectMin()) : c.expectMin() + "-" + c.expectMax();
        finish(CheckResult.failed("HTTP " + status + " (expected " + range + ")"));
    }

    /** The body (or its first bytes) lacks the expected text. */
    void bodyMismatch() {
        finish(CheckResult.failed("body does not contain \"" + target.config().bodyContains() + "\""));
    }

    /** The response could not be read: malformed, cut short, or the connection failed. */
    void failed(String reason) {
        finish(CheckResult.failed(reason));
    }

    /** The connection failed while the response was awaited. */
    void failed(Throwable cause) {
        finish(CheckResult.failed(cause, timeoutMillis()));
    }

    static byte[] needle(HealthCheckConfig c) {
        return c.bodyContains() == null ? null : c.bodyContains().getBytes(StandardCharsets.UTF_8);
    }
}
