package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class RedirectConfigTest {

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

    @Test
    void parse_redirectWithDefaults_isHttpsOnItsDefaultPortWith308() throws ConfigException {
        RouteConfig r = route("{ path_prefix: /, redirect: {} }");

        assertThat(r.pool()).isNull();
        assertThat(r.redirect()).isEqualTo(new RedirectConfig("https", null, 0, 308));
        assertThat(r.redirect()).isEqualTo(RedirectConfig.toHttps());
    }

    @Test
    void parse_schemePortAndStatus() throws ConfigException {
        RouteConfig r = route("{ path_prefix: /, redirect: { scheme: HTTPS, port: 8443, status: 301 } }");

        assertThat(r.redirect()).isEqualTo(new RedirectConfig("https", null, 8443, 301));
        assertThat(r.redirect().portInLocation()).isEqualTo(8443);
    }

    @Test
    void portInLocation_leavesTheSchemesDefaultPortOut() {
        assertThat(new RedirectConfig("https", null, 443, 308).portInLocation()).isZero();
        assertThat(new RedirectConfig("http", null, 80, 308).portInLocation()).isZero();
        assertThat(new RedirectConfig("http", null, 443, 308).portInLocation()).isEqualTo(443);
    }

    @Test
    void parse_toIsAFixedOrigin() throws ConfigException {
        assertThat(route("{ redirect: { to: \"https://Example.com\" } }").redirect())
                .isEqualTo(new RedirectConfig("https", "example.com", 0, 308));
        assertThat(route("{ redirect: { to: \"http://example.com:8080/\", status: 302 } }").redirect())
                .isEqualTo(new RedirectConfig("http", "example.com", 8080, 302));
        assertThat(route("{ redirect: { to: \"https://[2001:DB8::1]:8443\" } }").redirect())
                .isEqualTo(new RedirectConfig("https", "[2001:db8::1]", 8443, 308));
    }

    @Test
    void parse_aRedirectRouteMayHaveLimits() throws ConfigException {
        RouteConfig r = route("{ redirect: {}, max_request_body: 1k, rate_limit: { rate: 10/s } }");

        assertThat(r.maxRequestBody()).isEqualTo(1024);
        assertThat(r.rateLimit()).isNotNull();
    }

    static Stream<Arguments> errors() {
        String at = "listeners[0].routes[0]";
        return Stream.of(
                Arguments.of("{ pool: web, redirect: {} }", at + ".redirect",
                        "set together with pool (expected: one of them: a route sends to a pool, redirects, or serves static files)"),
                Arguments.of("{ path_prefix: / }", at + ".pool", "missing (expected: the name of a pool, a redirect or static files)"),
                Arguments.of("{ redirect: https }", at + ".redirect", "\"https\" (expected: a map)"),
                Arguments.of("{ redirect: { scheme: ftp } }", at + ".redirect.scheme", "\"ftp\" (expected one of: http, https)"),
                Arguments.of("{ redirect: { port: 0 } }", at + ".redirect.port", "0 (expected: an integer 1-65535)"),
                Arguments.of("{ redirect: { status: 303 } }", at + ".redirect.status", "303 (expected one of: 301, 302, 307, 308)"),
                Arguments.of("{ redirect: { status: 200 } }", at + ".redirect.status", "200 (expected: an integer 300-399)"),
                Arguments.of("{ redirect: { code: 301 } }", at + ".redirect.code",
                        "unknown field \"code\" (expected one of: scheme, port, to, status)"),
                Arguments.of("{ redirect: { to: \"https://example.com\", port: 8443 } }", at + ".redirect.port",
                        "set together with to (expected: one of them; to names the scheme and port)"),
                Arguments.of("{ redirect: { to: \"https://example.com/path\" } }", at + ".redirect.to",
                        "\"https://example.com/path\" (expected: an origin such as https://example.com or "
                                + "https://example.com:8443, without path, query or user)"),
                Arguments.of("{ redirect: { to: \"https://user@example.com\" } }", at + ".redirect.to",
                        "\"https://user@example.com\" (expected: an origin such as https://example.com or "
                                + "https://example.com:8443, without path, query or user)"),
                Arguments.of("{ redirect: { to: \"example.com\" } }", at + ".redirect.to",
                        "\"example.com\" (expected: an origin such as https://example.com or "
                                + "https://example.com:8443, without path, query or user)"),
                Arguments.of("{ redirect: { to: \"https://example.com:99999\" } }", at + ".redirect.to",
                        "\"https://example.com:99999\" (expected: an origin such as https://example.com or "
                                + "https://example.com:8443, without path, query or user)"),
                Arguments.of("{ redirect: { to: \"https://exa mple.com\" } }", at + ".redirect.to",
                        "\"https://exa mple.com\" (expected: an origin such as https://example.com or "
                                + "https://example.com:8443, without path, query or user)"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("errors")
    void parse_reportsTheError(String route, String path, String message) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(withRoute(route), n -> null));

        assertThat(e).isNotNull();
        assertThat(e.errors()).containsExactly(new ConfigError(path, message));
    }

    @Test
    void record_needsExactlyOneOfPoolAndRedirect() {
        assertThatThrownBy(() -> new RouteConfig(null, "/", null, null, null, null))
                .hasMessage("pool: missing (expected: the name of a pool, a redirect or static files)");
        assertThatThrownBy(() -> new RouteConfig(null, "/", "web", null, null, RedirectConfig.toHttps()))
                .hasMessage("redirect: set together with pool web (expected: one of them)");
        assertThat(RouteConfig.redirecting(null, "/", RedirectConfig.toHttps()).pool()).isNull();
    }

    @Test
    void record_checksItsParts() {
        assertThatThrownBy(() -> new RedirectConfig("ftp", null, 0, 308)).hasMessageStartingWith("scheme:");
        assertThatThrownBy(() -> new RedirectConfig("https", "Example.com", 0, 308)).hasMessageStartingWith("to:");
        assertThatThrownBy(() -> new RedirectConfig("https", null, 70000, 308)).hasMessageStartingWith("port:");
        assertThatThrownBy(() -> new RedirectConfig("https", null, 0, 200)).hasMessageStartingWith("status:");
    }

    @Test
    void isHost_acceptsNamesAndAddressesOnly() {
        assertThat(List.of("example.com", "a-b.c_d.example", "10.0.0.1", "[::1]", "[2001:db8::1]", "localhost"))
                .allMatch(RedirectConfig::isHost);
        assertThat(List.of("", "a..b", ".a", "a.", "a b", "a/b", "a@b", "a:80", "[::1", "[1]", "[::1]x", "Example.com",
                "x".repeat(64) + ".com")).noneMatch(RedirectConfig::isHost);
    }
}
