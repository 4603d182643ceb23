package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class CacheKeyTest {

    @Test
    void primary_namesScopeVersionMethodAndUri() {
        assertThat(CacheKey.primary("web", "v7", null, "GET", "https", "Example.COM:443", "/a/b?x=1"))
                .isEqualTo("web|v7|live|GET|https|example.com|/a/b?x=1");
    }

    @Test
    void theLiveVersionIsPartOfTheKey() {
        String before = CacheKey.primary("web", "v1", null, "GET", "https", "example.com", "/");
        String after = CacheKey.primary("web", "v2", null, "GET", "https", "example.com", "/");

        assertThat(before).isNotEqualTo(after);
        assertThat(CacheKey.primary("web", null, null, "GET", "https", "example.com", "/")).isEqualTo("web||live|GET|https|example.com|/");
    }

    @Test
    void aCanarysResponsesAreKeptApart_evenOnceItIsLive() {
        String canary = CacheKey.primary("web", "v1", "v2", "GET", "https", "example.com", "/");
        String promoted = CacheKey.primary("web", "v2", null, "GET", "https", "example.com", "/");

        assertThat(canary).isEqualTo("web|v2|canary|GET|https|example.com|/");
        assertThat(canary).isNotEqualTo(promoted);
    }

    @ParameterizedTest
    @CsvSource({
            "http,example.com:80,example.com",
            "http,example.com:443,example.com:443",
            "https,example.com:443,example.com",
            "https,example.com:80,example.com:80",
            "HTTPS,EXAMPLE.com.:443,example.com",
            "http,example.com:,example.com",
            "http,[2001:DB8::1]:80,[2001:db8::1]",
            "http,[2001:db8::1],[2001:db8::1]",
            "https,[::1]:8443,[::1]:8443",
            "http,127.0.0.1:8080,127.0.0.1:8080",
    })
    void theHostIsNormalised(String scheme, String host, String expected) {
        assertThat(CacheKey.of("s", "v", null, "GET", scheme, host, "/").host()).isEqualTo(expected);
    }

    @Test
    void aMissingHostIsEmpty() {
        assertThat(CacheKey.of("s", "v", null, "GET", "http", null, "/").host()).isEmpty();
    }

    @Test
    void theTargetIsKeptAsReceived() {
        assertThat(CacheKey.of("s", "v", null, "GET", "http", "h", "/A/./b/../%61?b=2&a=1").target()).isEqualTo("/A/./b/../%61?b=2&a=1");
        assertThat(CacheKey.primary("s", "v", null, "GET", "http", "h", "/a")).isNotEqualTo(CacheKey.primary("s", "v", null, "GET", "http", "h", "/a?"));
    }

    @Test
    void theMethodIsKeptAsReceived() {
        assertThat(CacheKey.primary("s", "v", null, "GET", "http", "h", "/")).isNotEqualTo(CacheKey.primary("s", "v", null, "get", "http", "h", "/"));
    }

    @Test
    void parse_readsBackWhatToStringWrote_evenWithSeparatorsInTheParts() {
        CacheKey k = CacheKey.of("a|b%c", "v|1", "c%7C", "GET", "https", "h|x", "/p|q%7C?x=|");

        assertThat(k.toString()).isEqualTo("a%7Cb%25c|c%257C|canary|GET|https|h%7Cx|/p|q%7C?x=|");
        assertThat(CacheKey.parse(k.toString())).isEqualTo(k);
        CacheKey plain = CacheKey.of("web", "v1", null, "GET", "http", "example.com", "/");
        assertThat(CacheKey.parse(plain.toString())).isEqualTo(plain);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "web", "a|b|live|GET|http|h", "a|b|maybe|GET|http|h|/", "a%zz|b|live|GET|http|h|/", "a%2|b|live|GET|http|h|/"})
    void parse_refusesWhatIsNotAKey(String key) {
        assertThat(CacheKey.parse(key)).isNull();
    }

    @Test
    void parse_ofNullIsNull() {
        assertThat(CacheKey.parse(null)).isNull();
    }

    @Test
    void matchesPurgePrefix_acrossVersionsMethodsAndCanaries() {
        CacheKey live = CacheKey.of("web", "v1", null, "GET", "https", "example.com", "/static/app.js?v=3");
        CacheKey canary = CacheKey.of("web", "v1", "v2", "GET", "https", "example.com", "/static/app.css");

        assertThat(live.matchesPurgePrefix("example.com", "/static/")).isTrue();
        assertThat(canary.matchesPurgePrefix("EXAMPLE.com:443", "/static/")).isTrue();
        assertThat(live.matchesPurgePrefix("example.com", "")).isTrue();
        assertThat(live.matchesPurgePrefix("example.com", "/Static/")).isFalse();
        assertThat(live.matchesPurgePrefix("example.org", "/static/")).isFalse();
        assertThat(live.matchesPurgePrefix("example.com:8443", "/static/")).isFalse();
        assertThat(live.matchesPurgePrefix("example.com", "/static/app.js?v=3&more")).isFalse();
    }

    @Test
    void sameUri_ignoresScopeVersionAndMethod() {
        CacheKey get = CacheKey.of("web", "v1", null, "GET", "https", "example.com", "/a");

        assertThat(get.sameUri(CacheKey.of("api", "v2", "v3", "POST", "https", "example.com:443", "/a"))).isTrue();
        assertThat(get.sameUri(CacheKey.of("web", "v1", null, "GET", "http", "example.com", "/a"))).isFalse();
        assertThat(get.sameUri(CacheKey.of("web", "v1", null, "GET", "https", "example.com", "/a?"))).isFalse();
    }

    @Test
    void refusesMissingParts() {
        assertThatThrownBy(() -> CacheKey.of(null, "v", null, "GET", "http", "h", "/")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> CacheKey.of("s", "v", null, "GET", "http", "h", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> CacheKey.of("s", "v", null, "GET", null, "h", "/")).isInstanceOf(NullPointerException.class);
    }
}
