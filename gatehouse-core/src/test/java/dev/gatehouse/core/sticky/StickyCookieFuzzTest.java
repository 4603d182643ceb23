package dev.gatehouse.core.sticky;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Cookies;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HostPort;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the sticky-cookie path of a request: the {@code Cookie} header, one char per byte as
 * Netty's decoder hands it over, read by {@link Cookies#find}, and the value checked by
 * {@link StickyCookies#find}.
 *
 * <p>Invariants: {@link Cookies#find} agrees with a plain reading of RFC 6265 §5.4 (pairs split at
 * {@code ;}, the first pair of that exact name wins, its value trimmed and unquoted) and never
 * returns text with a {@code ;}; a value pins a request to a member only when it is, byte for byte,
 * a cookie the node issued for that member and it has not expired; nothing throws.
 *
 * <p>The seeds hold cookies issued by this test's fixed key and clock (see {@link #COOKIES}), so
 * that the fuzzer starts from values that verify and mutates them.
 */
final class StickyCookieFuzzTest {

    static final String NAME = "gh_sticky";
    static final long NOW = 1_800_000_000L;
    private static final Duration TTL = Duration.ofHours(1);
    static final StickyCookies COOKIES = StickyCookies.create("fuzz-secret-of-enough-length", NAME, TTL, () -> NOW);
    static final Member A = member("10.0.0.1");
    static final Member B = member("10.0.0.2");
    private static final List<Member> MEMBERS = List.of(A, B);

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    @DictionaryEntries({"gh_sticky=", "; ", "\"", "."})
    void cookieHeader_pinsOnlyAnIssuedUnexpiredCookie(byte[] input) {
        String header = new String(input, StandardCharsets.ISO_8859_1);
        String value = Cookies.find(header, NAME);
        assertThat(value).as("cookie value read from %s", header).isEqualTo(reference(header, NAME));
        if (value == null) {
            return;
        }
        assertThat(value).doesNotContain(";");
        Member pinned = COOKIES.find(value, MEMBERS);
        if (pinned == null) {
            return;
        }
        int first = value.indexOf('.');
        int second = value.indexOf('.', first + 1);
        long expiry = Long.parseLong(value.substring(first + 1, second), 36);
        assertThat(expiry).as("expiry of an accepted cookie").isGreaterThanOrEqualTo(NOW);
        StickyCookies issuedThen = StickyCookies.create("fuzz-secret-of-enough-length", NAME, TTL,
                () -> expiry - TTL.toSeconds());
        assertThat(value).as("an accepted cookie is one the node issued, byte for byte").isEqualTo(issuedThen.issue(pinned));
    }

    /** RFC 6265 §5.4 as a client sends it: {@code name=value} pairs joined by {@code "; "}. */
    private static String reference(String header, String name) {
        for (String pair : header.split(";", -1)) {
            String p = pair.replaceFirst("^ +", "");
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).equals(name)) {
                String value = p.substring(eq + 1).trim();
                return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1) : value;
            }
        }
        return null;
    }

    private static Member member(String ip) {
        return new Member(new Backend("web", new HostPort(ip, 8000), 1, "v1"), new BackendLoad());
    }
}
