package dev.gatehouse.server.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.cache.CachePolicy;
import dev.gatehouse.core.config.CacheConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk tier through a real node: a response too large for a small memory tier is kept on
 * disk, answers from there, and still answers after the node restarts over the same directory.
 */
final class CacheDiskIT {

    /** 20 KiB: more than an eighth of the 64 KiB memory tier, so it lives on disk. */
    private static final String BODY = "0123456789abcdef".repeat(1280);

    @TempDir
    Path dir;

    private static RawHttpResponse get(TestNode node, String path) {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            return client.send("GET " + path + " HTTP/1.1\r\nHost: example.com\r\n\r\n").readResponse();
        }
    }

    @Test
    void aLargeResponse_isKeptOnDisk_andSurvivesARestart() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        CacheConfig config = new CacheConfig(64 * 1024, new CacheConfig.Disk(dir.resolve("cache").toString(), 10L << 20),
                CacheConfig.DEFAULT_COLLAPSE_TIMEOUT, CachePolicy.DEFAULTS);
        try (StubBackend app = StubBackend.start("app", ex -> ex.discardBody(() -> {
            seen.incrementAndGet();
            var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(BODY, StandardCharsets.US_ASCII));
            r.headers().set("Cache-Control", "max-age=3600").set("Content-Length", r.content().readableBytes());
            ex.respond(r);
        }))) {
            try (TestNode node = TestNode.builder().backend(app.address()).route(RouteConfig.cached(null, "/", "web", config)).start()) {
                assertThat(get(node, "/big").bodyText()).isEqualTo(BODY);
                // The disk write is asynchronous: the next requests hit once it landed.
                await().atMost(Duration.ofSeconds(10)).until(() -> get(node, "/big").header("Cache-Status").startsWith("gatehouse; hit"));
                RawHttpResponse hit = get(node, "/big");
                assertThat(hit.bodyText()).isEqualTo(BODY);
                assertThat(node.server().caches().all().iterator().next().store().usage().diskEntries()).isEqualTo(1);
            }
            int before = seen.get();
            try (TestNode again = TestNode.builder().backend(app.address()).route(RouteConfig.cached(null, "/", "web", config)).start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> get(again, "/big").header("Cache-Status").startsWith("gatehouse; hit"));
                assertThat(get(again, "/big").bodyText()).isEqualTo(BODY);
                assertThat(seen.get()).as("after the restart, answered from disk").isEqualTo(before);
            }
        }
    }
}
