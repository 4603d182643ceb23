package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.ForwardingConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Header rewriting cost per request and response, on the headers a browser and an app server
 * typically send. Lives in the rewriter's package to reach it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderRewriterBenchmark {

    private final HeaderRewriter rewriter = new HeaderRewriter(ForwardingConfig.DEFAULTS);
    private final InetAddress peer;

    public HeaderRewriterBenchmark() {
        try {
            peer = InetAddress.getByName("203.0.113.9");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A browser's request headers, rewritten for the backend. */
    @Benchmark
    public HttpHeaders request() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Host", "shop.example.com")
                .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0")
                .add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .add("Accept-Language", "en-US,en;q=0.5")
                .add("Accept-Encoding", "gzip, deflate, br")
                .add("Connection", "keep-alive")
                .add("Cookie", "session=abc123; theme=dark");
        rewriter.rewriteRequest(h, HttpVersion.HTTP_1_1, peer, "http", "0123456789abcdef");
        return h;
    }

    /** An app server's response headers, rewritten for the client. */
    @Benchmark
    public HttpHeaders response() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Content-Type", "text/html; charset=utf-8")
                .add("Content-Length", "1024")
                .add("Cache-Control", "private, max-age=0")
                .add("Set-Cookie", "session=abc123; Path=/; HttpOnly")
                .add("Date", "Sun, 22 Nov 2026 09:00:00 GMT");
        rewriter.rewriteResponse(h, HttpVersion.HTTP_1_1, "0123456789abcdef");
        return h;
    }
}
