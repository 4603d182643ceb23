package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class StaticConfigTest {

    @TempDir
    Path dir;

    private static String withRoute(String route) {
        return """
                listeners:
                  - bind: 127.0.0.1:8080
                    routes:
                      - %s
                pools:
                  web: {}
                """.formatted(route);
    }

    private static RouteConfig route(String route) throws ConfigException {
        return ConfigLoader.parse(withRoute(route), name -> null).listeners().get(0).routes().get(0);
    }

    private static ConfigError error(String route) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> route(route));
        assertThat(e).as(route).isNotNull();
        return e.errors().get(0);
    }

    @Test
    void aStringIsTheRoot_withEveryDefault() throws ConfigException {
        RouteConfig r = route("{ path_prefix: /static/, static: \"" + dir + "\" }");

        assertThat(r.pool()).isNull();
        assertThat(r.staticFiles()).isEqualTo(StaticConfig.of(dir.toString()));
        assertThat(r.staticFiles().index()).containsExactly("index.html");
        assertThat(r.staticFiles().precompressed()).containsExactly("br", "gzip");
        assertThat(r.staticFiles().listing()).isFalse();
        assertThat(r.staticFiles().dotfiles()).isFalse();
        assertThat(r.staticFiles().symlinksOutsideRoot()).isFalse();
        assertThat(r.staticFiles().maxAge()).isNull();
    }

    @Test
    void everyField() throws ConfigException {
        RouteConfig r = route("{ path_prefix: /, pool: web, static: { root: \"" + dir + "\", index: [index.htm, default.html],"
                + " listing: true, dotfiles: true, symlinks_outside_root: true, precompressed: [zstd, gzip], max_age: 1h,"
                + " immutable: true, fingerprint: '-[0-9a-f]{6}\\.' } }");

        StaticConfig s = r.staticFiles();
        assertThat(r.pool()).isEqualTo("web");
        assertThat(s.index()).containsExactly("index.htm", "default.html");
        assertThat(s.listing()).isTrue();
        assertThat(s.dotfiles()).isTrue();
        assertThat(s.symlinksOutsideRoot()).isTrue();
        assertThat(s.precompressed()).containsExactly("zstd", "gzip");
        assertThat(s.maxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(s.immutable()).isTrue();
        assertThat(s.fingerprint().matcher("app-abc123.js").find()).isTrue();
    }

    @Test
    void aVersionedRoot_needsNotExistYet_butNeedsAPool() throws ConfigException {
        RouteConfig r = route("{ pool: web, static: { root: \"./releases/{version}/public\" } }");
        assertThat(r.staticFiles().versioned()).isTrue();

        assertThat(error("{ static: \"./releases/{version}/public\" }").message())
                .contains("the root names {version}, which is the live version of the route's pool, and the route has none");
    }

    @Test
    void mistakes_areNamedWithTheirPaths() throws Exception {
        Path file = Files.writeString(dir.resolve("file.txt"), "x");
        assertThat(error("{ static: /no/such/dir }").message()).contains("is not a directory");
        assertThat(error("{ static: \"" + file + "\" }").message()).contains("is not a directory");
        ConfigError missing = error("{ static: { index: [a.html] } }");
        assertThat(missing.path()).isEqualTo("listeners[0].routes[0].static.root");
        assertThat(error("{ static: { root: \"" + dir + "\", precompressed: [deflate] } }").message())
                .contains("\"deflate\" (expected some of: br, zstd, gzip");
        assertThat(error("{ static: { root: \"" + dir + "\", index: [../x] } }").message()).contains("(expected: a file name, without /)");
        assertThat(error("{ static: { root: \"" + dir + "\", fingerprint: '(' } }").message()).contains("regular expression");
        assertThat(error("{ static: { root: \"" + dir + "\", nonsense: 1 } }").message()).contains("unknown field \"nonsense\"");
        assertThat(error("{ redirect: {}, static: \"" + dir + "\" }").message()).contains("set together with static");
    }

    @Test
    void precompressed_falseIsNone() throws ConfigException {
        assertThat(route("{ static: { root: \"" + dir + "\", precompressed: false } }").staticFiles().precompressed()).isEmpty();
        assertThat(route("{ static: { root: \"" + dir + "\", precompressed: true } }").staticFiles().precompressed())
                .isEqualTo(List.of("br", "gzip"));
    }
}
