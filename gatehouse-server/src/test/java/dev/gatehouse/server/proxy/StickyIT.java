package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.StickyConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sticky sessions by signed cookie: kept while the backend is there, moved without an error when not. */
final class StickyIT {

    private static final StickyConfig COOKIE = new StickyConfig(StickyConfig.Mode.COOKIE, "gh_sticky",
            Duration.ofHours(1), "test-secret-0123456789");

    private static TestNode node(StubBackend... backends) throws Exception {
        TestNode.Builder b = TestNode.builder().policy("web", Strategy.ROUND_ROBIN, null, null, COOKIE);
        for (StubBackend s : backends) {
            b.backend(s.address());
        }
        return b.start();
    }

    /** Sends GET / with an optional cookie; returns the response. */
    private static RawHttpResponse get(RawHttpClient client, String cookie) {
        client.send("GET / HTTP/1.1\r\nHost: x\r\n" + (cookie == null ? "" : "Cookie: theme=dark; gh_sticky=" + cookie + "\r\n") + "\r\n");
        return client.readResponse();
    }

    private static String stickyValue(RawHttpResponse r) {
        String header = r.header("Set-Cookie");
        assertThat(header).startsWith("gh_sticky=");
        return header.substring("gh_sticky=".length(), header.indexOf(';'));
    }

    @Test
    void cookie_keepsTheClientOnItsBackend() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); StubBackend c = StubBackend.start("c");
             TestNode node = node(a, b, c); RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse first = get(client, null);
            String backend = first.header("X-Backend");
            String cookie = stickyValue(first);
            for (int i = 0; i < 12; i++) {
                RawHttpResponse r = get(client, cookie);
                assertThat(r.header("X-Backend")).isEqualTo(backend);
                cookie = stickyValue(r);
            }
        }
    }

    @Test
    void forgedOrMalformedCookie_isIgnoredAndRebound() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = node(a, b); RawHttpClient client = RawHttpClient.connect(node.port())) {
            for (String forged : List.of("garbage", "a.b.c", "AAAAAAAAAAAA.zzzzzz.AAAAAAAAAAAAAAAAAAAAAA", "\"quoted\"", "x".repeat(500))) {
                RawHttpResponse r = get(client, forged);
                assertThat(r.status()).isEqualTo(200);
                assertThat(stickyValue(r)).isNotEqualTo(forged);
            }
        }
    }

    @Test
    void deadStickyBackend_sessionMovesWithoutAFailedRequest() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = node(a, b); RawHttpClient client = RawHttpClient.connect(node.port())) {
            Map<String, String> cookieOf = new HashMap<>();
            // Round robin: the first two clients land on a and b.
            for (int i = 0; i < 2; i++) {
                RawHttpResponse r = get(client, null);
                cookieOf.put(r.header("X-Backend"), stickyValue(r));
            }
            a.close();
            for (int i = 0; i < 5; i++) {
                RawHttpResponse r = get(client, cookieOf.get("a"));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("X-Backend")).isEqualTo("b");
                cookieOf.put("a", stickyValue(r));
            }
            // The rewritten cookie now binds to b.
            assertThat(get(client, cookieOf.get("a")).header("X-Backend")).isEqualTo("b");
        }
    }

    @Test
    void drainedStickyBackend_sessionMovesToAnother() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             TestNode node = node(a, b); RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse first = get(client, null);
            String home = first.header("X-Backend");
            String cookie = stickyValue(first);
            // Draining takes a backend out of the members that may take new requests.
            drain(node.server().snapshots().current(), home.equals("a") ? a.address() : b.address());
            RawHttpResponse r = get(client, cookie);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Backend")).isNotEqualTo(home);
        }
    }

    private static void drain(Snapshot s, String address) {
        PoolSnapshot web = s.pool("web");
        web.members().stream().filter(m -> m.backend().address().toString().equals(address))
                .forEach(m -> web.health().drain(m, true));
    }
}
