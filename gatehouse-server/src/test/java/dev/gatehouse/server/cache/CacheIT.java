package dev.gatehouse.server.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.CacheConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehavior;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A route's cache in front of a real backend: freshness, what is not stored, Vary, revalidation
 * with a 304, collapsing of concurrent misses, stale-if-error, only-if-cached, the client's own
 * preconditions on a hit, and invalidation by an unsafe method. The backend's answers are chosen by
 * path: {@code /cc/<Cache-Control>/...}, {@code /etag/...}, {@code /slow/...}, and so on.
 */
final class CacheIT {

    private static final AtomicInteger SEEN = new AtomicInteger();
    private static final AtomicInteger FAILS = new AtomicInteger();
    private static StubBackend app;
    private static TestNode node;

    /** Answers by path; counts every request. */
    private static final StubBehavior BEHAVIOR = ex -> {
        SEEN.incrementAndGet();
        String path = ex.path();
        ex.discardBody(() -> {
            if (path.startsWith("/slow/")) {
                ex.eventLoop().schedule(() -> ex.respond(response(200, "slow " + path, "Cache-Control", "max-age=60")),
                        300, TimeUnit.MILLISECONDS);
                return;
            }
            if (path.startsWith("/etag/")) {
                if ("\"v1\"".equals(ex.headers().get("If-None-Match"))) {
                    ex.respond(response(304, "", "ETag", "\"v1\"", "Cache-Control", "max-age=0"));
                } else {
                    ex.respond(response(200, "tagged " + path, "ETag", "\"v1\"", "Cache-Control", "max-age=0"));
                }
                return;
            }
            if (path.startsWith("/brief/")) {
                ex.respond(response(200, "brief", "Cache-Control", "max-age=0, stale-if-error=60"));
                return;
            }
            if (path.startsWith("/cookie/")) {
                ex.respond(response(200, "cookie", "Cache-Control", "max-age=60", "Set-Cookie", "s=1"));
                return;
            }
            if (path.startsWith("/vary/")) {
                String lang = ex.headers().get("Accept-Language");
                ex.respond(response(200, "lang " + lang, "Cache-Control", "max-age=60", "Vary", "Accept-Language"));
                return;
            }
            if (path.startsWith("/private/")) {
                ex.respond(response(200, "mine", "Cache-Control", "private, max-age=60"));
                return;
            }
            if (path.startsWith("/fail-after-first/")) {
                int n = FAILS.incrementAndGet();
                ex.respond(n == 1 ? response(200, "good", "Cache-Control", "max-age=0, stale-if-error=60", "ETag", "\"g\"")
                        : response(503, "down"));
                return;
            }
            ex.respond(response(200, "fresh " + path + " #" + SEEN.get(), "Cache-Control", "max-age=60", "ETag", "\"e\""));
        });
    };

    private static FullHttpResponse response(int status, String body, String... headers) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        r.headers().set("Content-Length", r.content().readableBytes());
        return r;
    }

    @BeforeAll
    static void start() throws Exception {
        app = StubBackend.start("app", BEHAVIOR);
        node = TestNode.builder().backend(app.address())
                .route(RouteConfig.cached(null, "/", "web", CacheConfig.defaults())).start();
    }

    @AfterAll
    static void stop() {
        node.close();
        app.close();
    }

    private static RawHttpResponse get(String path, String... headers) {
        return send("GET", path, headers);
    }

    private static RawHttpResponse send(String method, String path, String... headers) {
        return RawHttpResponse.send(node.port(), method, path, headers);
    }

    @Test
    void aFreshResponse_isServedFromTheCache_withAgeAndCacheStatus() {
        int before = SEEN.get();
        RawHttpResponse first = get("/page/a");
        RawHttpResponse second = get("/page/a");

        assertThat(first.header("Cache-Status")).startsWith("gatehouse; fwd=uri-miss").contains("stored");
        assertThat(second.bodyText()).isEqualTo(first.bodyText());
        assertThat(second.header("Cache-Status")).startsWith("gatehouse; hit");
        assertThat(second.header("Age")).isNotNull();
        assertThat(second.header("ETag")).isEqualTo("\"e\"");
        assertThat(SEEN.get() - before).isEqualTo(1);
    }

    @Test
    void head_isAnsweredFromAStoredGet_withItsLengthAndNoBody() {
        RawHttpResponse got = get("/page/head");
        int before = SEEN.get();
        RawHttpResponse head;
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            head = client.send("HEAD /page/head HTTP/1.1\r\nHost: example.com\r\n\r\n").readResponse(true);
            assertThat(client.send("GET /page/head HTTP/1.1\r\nHost: example.com\r\n\r\n").readResponse().bodyText())
                    .isEqualTo(got.bodyText());
        }
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Cache-Status")).startsWith("gatehouse; hit");
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(got.body().length));
        assertThat(head.bodyLength()).isZero();
        assertThat(SEEN.get()).isEqualTo(before);

        RawHttpResponse notStored = send("HEAD", "/page/head-first");
        assertThat(notStored.header("Cache-Status")).contains("fwd=method");
    }

    @Test
    void theClientsOwnPreconditions_areAnsweredFromTheStore() {
        get("/page/conditional");
        RawHttpResponse r = get("/page/conditional", "If-None-Match: \"e\"");

        assertThat(r.status()).isEqualTo(304);
        assertThat(r.header("Cache-Status")).startsWith("gatehouse; hit");
    }

    @Test
    void setCookieAndPrivateResponses_andAuthorizedRequests_areNotStored() {
        int before = SEEN.get();
        get("/cookie/1");
        RawHttpResponse again = get("/cookie/1");
        assertThat(again.header("Set-Cookie")).isEqualTo("s=1");
        get("/private/1");
        get("/private/1");
        get("/page/auth", "Authorization: Bearer x");
        get("/page/auth", "Authorization: Bearer x");

        assertThat(SEEN.get() - before).isEqualTo(6);
    }

    @Test
    void vary_keepsAVariantPerValue() {
        assertThat(get("/vary/1", "Accept-Language: en").bodyText()).isEqualTo("lang en");
        assertThat(get("/vary/1", "Accept-Language: fr").bodyText()).isEqualTo("lang fr");
        int before = SEEN.get();
        assertThat(get("/vary/1", "Accept-Language: en").bodyText()).isEqualTo("lang en");
        assertThat(get("/vary/1", "Accept-Language: fr").bodyText()).isEqualTo("lang fr");
        assertThat(SEEN.get()).isEqualTo(before);
    }

    @Test
    void aStaleResponse_isRevalidated_andA304IsAnsweredFromTheStore() {
        RawHttpResponse first = get("/etag/x");
        RawHttpResponse second = get("/etag/x");

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.bodyText()).isEqualTo(first.bodyText()).isEqualTo("tagged /etag/x");
        assertThat(second.header("Cache-Status")).contains("fwd=stale");
        assertThat(app.requests()).filteredOn(r -> r.path().equals("/etag/x"))
                .extracting(r -> r.header("If-None-Match")).containsExactly(null, "\"v1\"");
    }

    @Test
    void concurrentMisses_reachTheBackendOnce() throws Exception {
        int before = SEEN.get();
        int clients = 100;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RawHttpResponse>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return get("/slow/one");
                }));
            }
            go.countDown();
            for (Future<RawHttpResponse> f : answers) {
                RawHttpResponse r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("slow /slow/one");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(SEEN.get() - before).isEqualTo(1);
    }

    @Test
    void aFailingBackend_isCoveredByAStaleCopy_whenTheResponseAllowsIt() {
        RawHttpResponse good = get("/fail-after-first/x");
        RawHttpResponse covered = get("/fail-after-first/x");

        assertThat(good.bodyText()).isEqualTo("good");
        assertThat(covered.status()).isEqualTo(200);
        assertThat(covered.bodyText()).isEqualTo("good");
        assertThat(covered.header("Cache-Status")).contains("fwd=stale");
    }

    @Test
    void aDeadBackend_isCoveredByAStaleCopy_andWithoutOneIs502() throws Exception {
        StubBackend doomed = StubBackend.start("doomed", BEHAVIOR);
        try (TestNode n = TestNode.builder().backend(doomed.address())
                .route(RouteConfig.cached(null, "/", "web", CacheConfig.defaults())).start()) {
            RawHttpResponse first = sendTo(n, "/brief/x");
            assertThat(first.bodyText()).isEqualTo("brief");
            doomed.close();

            RawHttpResponse covered = sendTo(n, "/brief/x");
            assertThat(covered.status()).isEqualTo(200);
            assertThat(covered.bodyText()).isEqualTo("brief");
            assertThat(covered.header("Cache-Status")).contains("fwd=stale");
            assertThat(sendTo(n, "/brief/never-stored").status()).isIn(502, 503);
        } finally {
            doomed.close();
        }
    }

    private static RawHttpResponse sendTo(TestNode n, String path) {
        try (RawHttpClient client = RawHttpClient.connect(n.port())) {
            return client.send("GET " + path + " HTTP/1.1\r\nHost: example.com\r\n\r\n").readResponse();
        }
    }

    @Test
    void onlyIfCached_withNothingStored_is504() {
        assertThat(get("/page/never", "Cache-Control: only-if-cached").status()).isEqualTo(504);
    }

    @Test
    void anUnsafeRequestThatSucceeds_invalidatesTheStoredUrl() {
        int before = SEEN.get();
        get("/page/edit");
        send("POST", "/page/edit", "Content-Length: 0");
        get("/page/edit");

        assertThat(SEEN.get() - before).isEqualTo(3);
    }

    @Test
    void theCachesUsage_andCounts_areKept() {
        get("/page/counted");
        get("/page/counted");
        RouteCache c = node.server().caches().all().iterator().next();
        await().atMost(Duration.ofSeconds(5)).until(() -> c.counts().hits.sum() > 0);
        assertThat(c.store().usage().memoryEntries()).isPositive();
        assertThat(c.store().usage().memoryBytes()).isPositive();
    }
}
