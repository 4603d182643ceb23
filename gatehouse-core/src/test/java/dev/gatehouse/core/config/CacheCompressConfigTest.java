package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A route's {@code cache} and {@code compress} sections: defaults, every field, mistakes named by path. */
final class CacheCompressConfigTest {

    private static RouteConfig route(String route) throws ConfigException {
        return ConfigLoader.parse("""
                listeners:
                  - bind: 127.0.0.1:8080
                    routes:
                      - %s
                pools:
                  web: {}
                """.formatted(route), name -> null).listeners().get(0).routes().get(0);
    }

    private static String error(String route) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> route(route));
        assertThat(e).as(route).isNotNull();
        return e.errors().get(0).path() + ": " + e.errors().get(0).message();
    }

    @Test
    void true_isEveryDefault() throws ConfigException {
        RouteConfig r = route("{ pool: web, cache: true, compress: true }");
        assertThat(r.cache()).isEqualTo(CacheConfig.defaults());
        assertThat(r.compress()).isEqualTo(CompressConfig.defaults());
        assertThat(route("{ pool: web, cache: false, compress: false }").cache()).isNull();
    }

    @Test
    void everyField() throws ConfigException {
        RouteConfig r = route("{ pool: web, cache: { memory: 10MiB, disk: { path: /tmp/c, size: 1GiB }, max_object: 1MiB,"
                + " collapse_timeout: 2s, authorized: true, set_cookie: true, private: true, heuristic_max: 1h,"
                + " stale_if_error: 5m, stale_while_revalidate: 30s },"
                + " compress: { codings: [gzip], min_size: 256, types: [text/html, Application/JSON] } }");
        CacheConfig c = r.cache();
        assertThat(c.memoryBytes()).isEqualTo(10L << 20);
        assertThat(c.disk()).isEqualTo(new CacheConfig.Disk("/tmp/c", 1L << 30));
        assertThat(c.collapseTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.policy().maxObjectBytes()).isEqualTo(1L << 20);
        assertThat(c.policy().cacheAuthorized()).isTrue();
        assertThat(c.policy().cacheSetCookie()).isTrue();
        assertThat(c.policy().cachePrivate()).isTrue();
        assertThat(c.policy().heuristicMaxSeconds()).isEqualTo(3600);
        assertThat(c.policy().defaultStaleIfErrorSeconds()).isEqualTo(300);
        assertThat(c.policy().defaultStaleWhileRevalidateSeconds()).isEqualTo(30);
        assertThat(r.compress()).isEqualTo(new CompressConfig(List.of("gzip"), 256, List.of("text/html", "application/json")));
    }

    @Test
    void mistakes() {
        assertThat(error("{ cache: true }")).contains("pool: missing");
        assertThat(error("{ pool: web, cache: { memory: lots } }")).startsWith("listeners[0].routes[0].cache.memory");
        assertThat(error("{ pool: web, cache: { disk: { path: /tmp/x } } }")).isEqualTo(
                "listeners[0].routes[0].cache.disk.size: missing (expected: the most bytes the files may take, such as 10GiB)");
        assertThat(error("{ pool: web, cache: { nonsense: 1 } }")).contains("unknown field \"nonsense\"");
        assertThat(error("{ pool: web, compress: { codings: [deflate] } }")).contains("\"deflate\" (expected some of: [br, zstd, gzip])");
        assertThat(error("{ pool: web, compress: { codings: [] } }")).contains("codings: [] (expected some of");
        assertThat(error("{ pool: web, compress: { types: [html] } }")).contains("expected: a media type such as text/html");
        assertThat(error("{ static: /tmp, compress: true }")).contains("compress: the route has no pool");
    }
}
