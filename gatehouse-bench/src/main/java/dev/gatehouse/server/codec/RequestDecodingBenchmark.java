package dev.gatehouse.server.codec;

import dev.gatehouse.core.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the strict head checks cost: decoding a browser's request head (about 500 bytes, 8 fields)
 * with Netty's decoder alone, as HttpServerCodec did, and with {@link StrictRequestDecoder}, which
 * scans the head first, and the scan alone. Lives in the codec's package to reach the decoder.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestDecodingBenchmark {

    private static final String HEAD = "GET /api/v1/cart/items?page=2&sort=price HTTP/1.1\r\n"
            + "Host: shop.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: session=3f9a1c0e7b2d4a6f8e1c0b9a7d6e5f4a; theme=dark; cart=17\r\n"
            + "Referer: https://shop.example.com/api/v1/cart\r\n"
            + "\r\n";

    private ByteBuf head;
    private EmbeddedChannel netty;
    private EmbeddedChannel strict;
    private PendingMethods pending;
    private final HeadScanner scanner = new HeadScanner(8192, 32768);

    @Setup(Level.Trial)
    public void setUp() {
        head = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(HEAD.getBytes(StandardCharsets.US_ASCII)));
        var config = ClientCodec.decoderConfig(LimitsConfig.DEFAULTS);
        netty = new EmbeddedChannel(new HttpRequestDecoder(config.clone()));
        pending = new PendingMethods();
        strict = new EmbeddedChannel(new StrictRequestDecoder(config.clone(), pending));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        netty.finishAndReleaseAll();
        strict.finishAndReleaseAll();
    }

    /** Netty's decoder with Gatehouse's strict settings: what the node did before. */
    @Benchmark
    public int nettyDecoder() {
        return decode(netty);
    }

    /** The same decoder behind the head scanner. */
    @Benchmark
    public int strictDecoder() {
        int n = decode(strict);
        pending.poll();
        return n;
    }

    /** The head scanner alone: what the strict decoder adds per head. */
    @Benchmark
    public boolean scanOnly() {
        scanner.reset();
        return scanner.scan(head);
    }

    private int decode(EmbeddedChannel ch) {
        ch.writeInbound(head.duplicate());
        int n = 0;
        for (Object msg; (msg = ch.readInbound()) != null; n++) {
            ReferenceCountUtil.release(msg);
        }
        return n;
    }
}
