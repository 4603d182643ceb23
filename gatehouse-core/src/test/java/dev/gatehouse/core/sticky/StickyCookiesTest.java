package dev.gatehouse.core.sticky;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class StickyCookiesTest {

    private final AtomicLong now = new AtomicLong(1_800_000_000L);
    private final StickyCookies cookies = StickyCookies.create("a-secret-of-enough-length", "gh_sticky", Duration.ofHours(1), now::get);
    private final Member a = member("10.0.0.1");
    private final Member b = member("10.0.0.2");
    private final List<Member> both = List.of(a, b);

    private static Member member(String ip) {
        return new Member(new Backend("web", new HostPort(ip, 8000), 1, "v1"), new BackendLoad());
    }

    @Test
    void issuedCookie_findsItsMember() {
        assertThat(cookies.find(cookies.issue(a), both)).isSameAs(a);
        assertThat(cookies.find(cookies.issue(b), both)).isSameAs(b);
    }

    @Test
    void cookie_doesNotRevealTheBackendAddress() {
        assertThat(cookies.issue(a)).doesNotContain("10.0.0.1").doesNotContain("8000");
        assertThat(cookies.setCookieHeader(a)).startsWith("gh_sticky=").contains("Max-Age=3600").contains("HttpOnly");
    }

    @Test
    void expiredCookie_isIgnored() {
        String value = cookies.issue(a);
        now.addAndGet(3601);
        assertThat(cookies.find(value, both)).isNull();
    }

    @Test
    void cookieOfAMemberThatIsGone_isIgnored() {
        assertThat(cookies.find(cookies.issue(a), List.of(b))).isNull();
    }

    @Test
    void cookieSignedWithAnotherSecret_isIgnored() {
        StickyCookies other = StickyCookies.create("another-secret-of-length", "gh_sticky", Duration.ofHours(1), now::get);
        assertThat(cookies.find(other.issue(a), both)).isNull();
    }

    @Test
    void tamperedParts_areIgnored() {
        String value = cookies.issue(a);
        String[] parts = value.split("\\.");
        String otherToken = cookies.issue(b).split("\\.")[0];
        assertThat(cookies.find(otherToken + "." + parts[1] + "." + parts[2], both)).isNull();
        assertThat(cookies.find(parts[0] + ".zzzzzzz." + parts[2], both)).isNull();
        assertThat(cookies.find(parts[0] + "." + parts[1] + ".AAAAAAAAAAAAAAAAAAAAAA", both)).isNull();
    }

    @Test
    void macSpelledOtherwise_isIgnored() {
        // Base64 decoders accept padding and ignore the last character's unused bits; a cookie
        // verifies only as it was issued (found by StickyCookieFuzzTest).
        String value = cookies.issue(a);
        // 16 bytes end in a character whose low four bits are unused: the issued one (A, Q, g or w)
        // and the next decode alike.
        char sameBits = (char) (value.charAt(value.length() - 1) + 1);
        assertThat(cookies.find(value + "==", both)).isNull();
        assertThat(cookies.find(value.substring(0, value.length() - 1) + sameBits, both)).isNull();
        assertThat(cookies.find(value, both)).isSameAs(a);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a.b.c", "no-dots", "x..y", "%%%.%%%.%%%", "a.b.", ".b.c",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b.c"})
    void malformedValues_areIgnoredWithoutError(String value) {
        assertThat(cookies.find(value, both)).isNull();
    }

    @Test
    void nullValue_isNoCookie() {
        assertThat(cookies.find(null, both)).isNull();
    }
}
