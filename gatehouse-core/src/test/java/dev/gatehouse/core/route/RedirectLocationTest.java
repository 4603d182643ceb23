package dev.gatehouse.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.RedirectConfig;
import dev.gatehouse.core.route.RedirectLocation.Invalid;
import dev.gatehouse.core.route.RedirectLocation.Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class RedirectLocationTest {

    private static final RedirectConfig HTTPS = RedirectConfig.toHttps();

    private static String location(RedirectConfig c, String host, String target) {
        RedirectLocation.Result r = RedirectLocation.build(c, host, target);
        assertThat(r).isInstanceOf(Location.class);
        return ((Location) r).uri();
    }

    private static String problem(RedirectConfig c, String host, String target) {
        RedirectLocation.Result r = RedirectLocation.build(c, host, target);
        assertThat(r).isInstanceOf(Invalid.class);
        return ((Invalid) r).problem();
    }

    @Test
    void build_keepsHostPathAndQuery_dropsThePort() {
        assertThat(location(HTTPS, "Example.COM:8080", "/a/b?x=1&y=%20z")).isEqualTo("https://example.com/a/b?x=1&y=%20z");
    }

    @Test
    void build_namesAPortOnlyWhenItIsNotTheSchemesDefault() {
        assertThat(location(new RedirectConfig("https", null, 8443, 308), "example.com", "/")).isEqualTo("https://example.com:8443/");
        assertThat(location(new RedirectConfig("https", null, 443, 308), "example.com", "/")).isEqualTo("https://example.com/");
        assertThat(location(new RedirectConfig("http", null, 0, 301), "example.com", "/x")).isEqualTo("http://example.com/x");
    }

    @Test
    void build_withAFixedOrigin_ignoresTheRequestsHost() {
        RedirectConfig to = new RedirectConfig("https", "www.example.com", 0, 301);

        assertThat(location(to, "example.com", "/p?q")).isEqualTo("https://www.example.com/p?q");
        assertThat(location(to, null, "/p")).isEqualTo("https://www.example.com/p");
    }

    @Test
    void build_keepsIpLiterals() {
        assertThat(location(HTTPS, "[2001:DB8::1]:80", "/")).isEqualTo("https://[2001:db8::1]/");
        assertThat(location(HTTPS, "192.0.2.7", "/")).isEqualTo("https://192.0.2.7/");
    }

    @Test
    void build_dropsATrailingDotOfTheHost() {
        assertThat(location(HTTPS, "example.com.:80", "/")).isEqualTo("https://example.com/");
    }

    @Test
    void build_percentEncodesWhatAUriCannotHold() {
        // Non-ASCII arrives decoded from UTF-8; a literal '#' is data, not a fragment; '\' and quotes are not URI characters.
        assertThat(location(HTTPS, "example.com", "/caf\u00e9/\uD83D\uDE00?a=\"b\"#c\\d[e]"))
                .isEqualTo("https://example.com/caf%C3%A9/%F0%9F%98%80?a=%22b%22%23c%5Cd%5Be%5D");
    }

    @Test
    void build_keepsAPathThatLooksLikeAnotherHost_belowTheHost() {
        assertThat(location(HTTPS, "example.com", "//evil.example/x")).isEqualTo("https://example.com//evil.example/x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "exa mple.com", "a..b", "evil.com@example.com", "example.com:", "example.com:http",
            "example.com:123456", "example.com:99999", "[::1", "[::1]x", "[::1]:", "[zz::1]", "a/b", "a\r\nb", "a,b", "*"})
    void build_refusesABadHost(String host) {
        assertThat(problem(HTTPS, host, "/")).startsWith("invalid Host for a redirect");
    }

    @Test
    void build_refusesARequestWithoutHost_unlessTheOriginIsFixed() {
        assertThat(problem(HTTPS, null, "/")).isEqualTo("a redirect to the request's own host needs a Host header");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "*|a redirect needs an origin-form target (a path starting with /)",
            "http://example.com/|a redirect needs an origin-form target (a path starting with /)",
            "/a%2|invalid percent-encoding in the request target",
            "/a%zz|invalid percent-encoding in the request target",
    })
    void build_refusesABadTarget(String target, String problem) {
        assertThat(problem(HTTPS, "example.com", target)).isEqualTo(problem);
    }

    @Test
    void build_refusesControlCharactersAndLoneSurrogates() {
        assertThat(problem(HTTPS, "example.com", "/a\nb")).isEqualTo("control character in the request target");
        assertThat(problem(HTTPS, "example.com", "/a\uD800b")).isEqualTo("invalid character in the request target");
    }
}
