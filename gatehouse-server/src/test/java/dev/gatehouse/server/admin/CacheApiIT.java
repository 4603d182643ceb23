package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.CacheConfig;
import dev.gatehouse.core.config.HostPort;
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
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/cache} and {@code POST /api/v1/cache/purge} on a real node, with a cache in front of a backend. */
final class CacheApiIT {

    private static StubBackend cacheable() {
        return StubBackend.start("app", ex -> ex.discardBody(() -> {
            var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("page " + ex.path(), StandardCharsets.UTF_8));
            r.headers().set("Cache-Control", "max-age=600").set("Content-Length", r.content().readableBytes());
            ex.respond(r);
        }));
    }

    private static String cacheStatus(TestNode node, String path) {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse r = client.send("GET " + path + " HTTP/1.1\r\nHost: example.com\r\n\r\n").readResponse();
            return r.header("Cache-Status");
        }
    }

    @Test
    void purgeByUrlAndByPrefix_removeWhatIsStored_andTheStatusShowsTheCache() throws Exception {
        try (StubBackend app = cacheable();
             TestNode node = TestNode.builder().backend(app.address())
                     .route(RouteConfig.cached(null, "/", "web", CacheConfig.defaults()))
                     .admin(new AdminConfig(new HostPort("127.0.0.1", 0), null, null, null)).start()) {
            AdminClient admin = new AdminClient(node.adminPort(), null);
            for (String p : new String[] {"/a", "/static/x.css", "/static/y.css"}) {
                cacheStatus(node, p);
                assertThat(cacheStatus(node, p)).startsWith("gatehouse; hit");
            }

            AdminClient.Response status = admin.get("/api/v1/cache");
            assertThat(status.status()).isEqualTo(200);
            assertThat(status.body().replace(" ", "")).contains("\"route\":\"*/\"").contains("\"memory_entries\":3")
                    .contains("\"hits\":3");

            AdminClient.Response one = admin.post("/api/v1/cache/purge", "{\"url\": \"http://example.com/a\"}");
            assertThat(one.status()).isEqualTo(200);
            assertThat(one.body().replace(" ", "")).contains("\"purged\":1");
            assertThat(cacheStatus(node, "/a")).contains("fwd=uri-miss");
            assertThat(cacheStatus(node, "/static/x.css")).startsWith("gatehouse; hit");

            AdminClient.Response prefix = admin.post("/api/v1/cache/purge", "{\"prefix\": \"http://example.com/static/\"}");
            assertThat(prefix.body().replace(" ", "")).contains("\"purged\":2");
            assertThat(cacheStatus(node, "/static/x.css")).contains("fwd=uri-miss");
            assertThat(cacheStatus(node, "/static/y.css")).contains("fwd=uri-miss");
        }
    }

    @Test
    void aBadPurge_is400_andChangesNothing() throws Exception {
        try (StubBackend app = cacheable();
             TestNode node = TestNode.builder().backend(app.address())
                     .route(RouteConfig.cached(null, "/", "web", CacheConfig.defaults()))
                     .admin(new AdminConfig(new HostPort("127.0.0.1", 0), null, null, null)).start()) {
            AdminClient admin = new AdminClient(node.adminPort(), null);
            cacheStatus(node, "/kept");
            for (String body : new String[] {"{}", "{\"url\": \"http://a/\", \"prefix\": \"http://a/\"}",
                    "{\"url\": \"ftp://example.com/a\"}", "{\"url\": \"/relative\"}", "{\"url\": 5}", "not json"}) {
                AdminClient.Response r = admin.post("/api/v1/cache/purge", body);
                assertThat(r.status()).as(body).isEqualTo(400);
            }
            assertThat(cacheStatus(node, "/kept")).startsWith("gatehouse; hit");
        }
    }
}
