package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** Which browser requests the admin API refuses: another site's page, and a rebound host name. */
final class AdminOriginTest {

    private static HttpHeaders headers(String host, String origin) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (host != null) {
            h.set("Host", host);
        }
        if (origin != null) {
            h.set("Origin", origin);
        }
        return h;
    }

    @Test
    void clientsThatAreNotBrowsers_andTheDashboardItself_goOn() {
        assertThat(AdminOrigin.refusal(headers("127.0.0.1:9090", null), false)).isNull();
        assertThat(AdminOrigin.refusal(headers("localhost:9090", null), false)).isNull();
        assertThat(AdminOrigin.refusal(headers("[::1]:9090", null), false)).isNull();
        assertThat(AdminOrigin.refusal(headers("127.0.0.1:9090", "http://127.0.0.1:9090"), false)).isNull();
        assertThat(AdminOrigin.refusal(headers("LOCALHOST:9090", "http://localhost:9090"), false)).isNull();
        assertThat(AdminOrigin.refusal(headers("admin.example:443", "https://admin.example"), true)).isNull();
        assertThat(AdminOrigin.refusal(headers("admin.example", "https://admin.example"), true)).isNull();
        // With a token, any name: a page elsewhere has no token to send.
        assertThat(AdminOrigin.refusal(headers("gatehouse-1.internal:9090", null), true)).isNull();
        // HTTP/1.0 without Host: nothing to judge the name by.
        assertThat(AdminOrigin.refusal(headers(null, null), false)).isNull();
    }

    @Test
    void anotherSitesPage_isRefused_withOrWithoutAToken() {
        for (boolean token : new boolean[] {false, true}) {
            assertThat(AdminOrigin.refusal(headers("127.0.0.1:9090", "https://evil.example"), token))
                    .startsWith("cross-origin request refused: Origin \"https://evil.example\"");
            assertThat(AdminOrigin.refusal(headers("127.0.0.1:9090", "http://127.0.0.1:8080"), token)).isNotNull();
            assertThat(AdminOrigin.refusal(headers("127.0.0.1:9090", "null"), token)).isNotNull();
            assertThat(AdminOrigin.refusal(headers("127.0.0.1:9090", "::not a url"), token)).isNotNull();
            assertThat(AdminOrigin.refusal(headers(null, "http://127.0.0.1:9090"), token)).isNotNull();
        }
    }

    @Test
    void withoutAToken_aHostNameThatIsNoAddress_isRefused() {
        assertThat(AdminOrigin.refusal(headers("rebound.example:9090", null), false))
                .startsWith("Host \"rebound.example:9090\" refused: without a token");
        assertThat(AdminOrigin.refusal(headers("rebound.example:9090", "http://rebound.example:9090"), false)).isNotNull();
        assertThat(AdminOrigin.addressedByIp("127.0.0.1")).isTrue();
        assertThat(AdminOrigin.addressedByIp("127.0.0.1:x")).isFalse();
        assertThat(AdminOrigin.addressedByIp("[::1")).isFalse();
        assertThat(AdminOrigin.addressedByIp("[::1]x")).isFalse();
        assertThat(AdminOrigin.addressedByIp("127.0.0.1.evil.example")).isFalse();
        assertThat(AdminOrigin.addressedByIp("localhost.evil.example:9090")).isFalse();
        assertThat(AdminOrigin.addressedByIp("127.0.0.1:9090:1")).isFalse();
    }
}
