package dev.gatehouse.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.RateLimitConfig;
import dev.gatehouse.core.config.RouteConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class RouterTest {

    private final Router router = Router.of(List.of(
            new RouteConfig(null, "/", "default"),
            new RouteConfig(null, "/api/", "api"),
            new RouteConfig(null, "/api/v2/", "api2"),
            new RouteConfig("*.example.com", "/", "wild"),
            new RouteConfig("*.eu.example.com", "/", "wild-eu"),
            new RouteConfig("shop.example.com", "/", "shop"),
            new RouteConfig("shop.example.com", "/static/", "shop-static")));

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "other.test, /, default",
            "other.test, /api/x, api",
            "other.test, /api/v2/x, api2",
            "other.test, /apix, default",
            ", /api/x, api",
            "a.example.com, /api/x, wild",
            "a.b.example.com, /, wild",
            "x.eu.example.com, /, wild-eu",
            "example.com, /, default",
            "shop.example.com, /cart, shop",
            "shop.example.com, /static/app.js, shop-static",
    })
    void route_prefersTheMostSpecificHostThenTheLongestPrefix(String host, String path, String pool) {
        assertThat(router.route(host, path).pool()).isEqualTo(pool);
    }

    @Test
    void route_withoutAMatchingRoute_isNull() {
        Router onlyShop = Router.of(List.of(new RouteConfig("shop.example.com", "/", "shop")));
        assertThat(onlyShop.route("other.test", "/")).isNull();
        assertThat(onlyShop.route(null, "/")).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "Shop.Example.COM, shop.example.com",
            "shop.example.com:8080, shop.example.com",
            "shop.example.com., shop.example.com",
            "[::1]:8080, ::1",
            "127.0.0.1:80, 127.0.0.1",
    })
    void normalizeHost_lowercasesAndDropsThePort(String header, String host) {
        assertThat(Router.normalizeHost(header)).isEqualTo(host);
    }

    @Test
    void normalizeHost_ofNothing_isNull() {
        assertThat(Router.normalizeHost(null)).isNull();
        assertThat(Router.normalizeHost("")).isNull();
    }

    @Test
    void match_givesTheRoutesRateLimiter_onlyWhereItHasALimit() {
        RateLimitConfig limit = RateLimitConfig.perClientIp(10, Duration.ofSeconds(1));
        Router r = Router.of(List.of(new RouteConfig(null, "/", "web"),
                new RouteConfig(null, "/login", "web", null, limit)));
        assertThat(r.match("x", "/").rateLimiter()).isNull();
        assertThat(r.match("x", "/login").rateLimiter().config()).isEqualTo(limit);
        assertThat(r.match("x", "/login").config().pool()).isEqualTo("web");
    }

    @Test
    void rebuild_keepsTheLimiterOfAnUnchangedRoute_andStartsAfreshWhereTheLimitChanged() {
        RateLimitConfig ten = RateLimitConfig.perClientIp(10, Duration.ofSeconds(1));
        RateLimitConfig five = RateLimitConfig.perClientIp(5, Duration.ofSeconds(1));
        Router before = Router.of(List.of(new RouteConfig(null, "/login", "web", null, ten),
                new RouteConfig(null, "/api/", "web", null, ten)));
        // A reload: the same /login (another pool does not matter), /api/ with a new limit.
        Router after = Router.of(List.of(new RouteConfig(null, "/login", "auth", null, ten),
                new RouteConfig(null, "/api/", "web", null, five)), before);
        assertThat(after.match(null, "/login").rateLimiter()).isSameAs(before.match(null, "/login").rateLimiter());
        assertThat(after.match(null, "/api/x").rateLimiter()).isNotSameAs(before.match(null, "/api/x").rateLimiter());
        assertThat(after.match(null, "/api/x").rateLimiter().config()).isEqualTo(five);
    }
}
