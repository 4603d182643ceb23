package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.content.HeaderView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class StorabilityTest {

    private static final CachePolicy P = CachePolicy.DEFAULTS;
    private static final HeaderView NO_FIELDS = StoredHeaders.EMPTY;

    private static Storability.Decision check(int status, String... responseFields) {
        return Storability.check("GET", NO_FIELDS, status, StoredHeaders.of(responseFields), P);
    }

    private static Storability.Decision check(HeaderView request, CachePolicy policy, String... responseFields) {
        return Storability.check("GET", request, 200, StoredHeaders.of(responseFields), policy);
    }

    private static CachePolicy policy(boolean authorized, boolean setCookie, boolean isPrivate, long maxBytes) {
        return new CachePolicy(authorized, setCookie, isPrivate, 86_400, 0.1, 0, 0, maxBytes);
    }

    @Test
    void aGetWithMaxAge_isStored() {
        assertThat(check(200, "Cache-Control", "max-age=60")).isEqualTo(new Storability.Decision(true, "stored", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HEAD", "POST", "PUT", "get", "Get", "OPTIONS", ""})
    void onlyGet_isStored(String method) {
        assertThat(Storability.check(method, NO_FIELDS, 200, StoredHeaders.of("Cache-Control", "max-age=60"), P))
                .isEqualTo(new Storability.Decision(false, "method", false));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 100, 103, 199, 600, 999})
    void onlyFinalStatuses(int status) {
        assertThat(check(status, "Cache-Control", "max-age=60").reason()).isEqualTo("status");
    }

    @Test
    void partialContentAndNotModified_areNotStored() {
        assertThat(check(206, "Cache-Control", "max-age=60").reason()).isEqualTo("partial");
        assertThat(check(304, "Cache-Control", "max-age=60").reason()).isEqualTo("not-modified");
    }

    @Test
    void noStore_inResponseOrRequest() {
        assertThat(check(200, "Cache-Control", "max-age=60, no-store").reason()).isEqualTo("no-store");
        assertThat(check(200, "Cache-Control", "max-age=60", "Cache-Control", "no-store=\"x").reason()).isEqualTo("no-store");
        assertThat(check(StoredHeaders.of("Cache-Control", "no-store"), P, "Cache-Control", "max-age=60").reason())
                .isEqualTo("request-no-store");
    }

    @Test
    void mustUnderstand_storesUnderstoodStatusesDespiteNoStore_andRefusesOthers() {
        assertThat(check(200, "Cache-Control", "must-understand, no-store, max-age=60").store()).isTrue();
        assertThat(check(299, "Cache-Control", "must-understand, max-age=60").reason()).isEqualTo("must-understand");
        assertThat(check(299, "Cache-Control", "must-understand, no-store, max-age=60").reason()).isEqualTo("must-understand");
        // Without must-understand, an unknown final status with explicit freshness is stored.
        assertThat(check(299, "Cache-Control", "max-age=60").store()).isTrue();
        // A request's no-store is not overridden.
        assertThat(check(StoredHeaders.of("Cache-Control", "no-store"), P, "Cache-Control", "must-understand, no-store").reason())
                .isEqualTo("request-no-store");
    }

    @Test
    void private_isNotStored_unlessThePolicySays() {
        assertThat(check(200, "Cache-Control", "private, max-age=60").reason()).isEqualTo("private");
        assertThat(check(200, "Cache-Control", "private=\"Set-Cookie\", max-age=60").reason()).isEqualTo("private");
        assertThat(check(NO_FIELDS, policy(false, false, true, 1000), "Cache-Control", "private, max-age=60").store()).isTrue();
    }

    @Test
    void authorizedRequests_needPublicSMaxAgeOrMustRevalidate_orThePolicy() {
        HeaderView auth = StoredHeaders.of("Authorization", "Bearer x");

        assertThat(check(auth, P, "Cache-Control", "max-age=60").reason()).isEqualTo("authorization");
        assertThat(check(auth, P, "Cache-Control", "proxy-revalidate, max-age=60").reason()).isEqualTo("authorization");
        assertThat(check(auth, P, "Cache-Control", "public, max-age=60").store()).isTrue();
        assertThat(check(auth, P, "Cache-Control", "s-maxage=60").store()).isTrue();
        assertThat(check(auth, P, "Cache-Control", "must-revalidate, max-age=60").store()).isTrue();
        assertThat(check(auth, policy(true, false, false, 1000), "Cache-Control", "max-age=60").store()).isTrue();
    }

    @Test
    void setCookie_isNotStored_unlessThePolicySays_andThenIsStripped() {
        assertThat(check(200, "Cache-Control", "max-age=60", "Set-Cookie", "a=b").reason()).isEqualTo("set-cookie");
        assertThat(check(200, "Cache-Control", "max-age=60", "set-cookie2", "a=b").reason()).isEqualTo("set-cookie");
        assertThat(check(NO_FIELDS, policy(false, true, false, 1000), "Cache-Control", "max-age=60", "Set-Cookie", "a=b"))
                .isEqualTo(new Storability.Decision(true, "stored", true));
    }

    @Test
    void varyThatCannotMatch_isNotStored() {
        assertThat(check(200, "Cache-Control", "max-age=60", "Vary", "*").reason()).isEqualTo("vary");
        assertThat(check(200, "Cache-Control", "max-age=60", "Vary", "Accept", "Vary", "*").reason()).isEqualTo("vary");
        assertThat(check(200, "Cache-Control", "max-age=60", "Vary", "Accept Language").reason()).isEqualTo("vary");
        assertThat(check(200, "Cache-Control", "max-age=60", "Vary", "Accept-Encoding").store()).isTrue();
    }

    @Test
    void contentLength_mustBeValidAndWithinTheLimit() {
        CachePolicy small = policy(false, false, false, 100);

        assertThat(check(NO_FIELDS, small, "Cache-Control", "max-age=60", "Content-Length", "100").store()).isTrue();
        assertThat(check(NO_FIELDS, small, "Cache-Control", "max-age=60", "Content-Length", "100, 100").store()).isTrue();
        assertThat(check(NO_FIELDS, small, "Cache-Control", "max-age=60", "Content-Length", "101").reason()).isEqualTo("too-large");
        assertThat(check(NO_FIELDS, small, "Cache-Control", "max-age=60", "Content-Length", "9".repeat(40)).reason())
                .isEqualTo("too-large");
        for (String bad : List.of("abc", "-1", "", "1 0", "10, 11", "+5", "0x10")) {
            assertThat(check(NO_FIELDS, small, "Cache-Control", "max-age=60", "Content-Length", bad).reason()).as(bad)
                    .isEqualTo("content-length");
        }
        assertThat(check(NO_FIELDS, small, "Cache-Control", "max-age=60", "Content-Length", "5", "Content-Length", "6").reason())
                .isEqualTo("content-length");
    }

    @Test
    void needsExplicitFreshnessPublicOrAHeuristicStatus() {
        assertThat(check(200).store()).isTrue();
        assertThat(check(404).store()).isTrue();
        assertThat(check(302).reason()).isEqualTo("no-freshness");
        assertThat(check(500).reason()).isEqualTo("no-freshness");
        assertThat(check(302, "Cache-Control", "max-age=60").store()).isTrue();
        assertThat(check(302, "Cache-Control", "s-maxage=60").store()).isTrue();
        assertThat(check(302, "Cache-Control", "public").store()).isTrue();
        assertThat(check(302, "Expires", "0").store()).isTrue();
        assertThat(check(503, "Cache-Control", "max-age=5").store()).isTrue();
    }

    @Test
    void noCacheWithAValidator_isNotEnoughForANonHeuristicStatus() {
        assertThat(check(302, "Cache-Control", "no-cache", "ETag", "\"a\"").reason()).isEqualTo("no-freshness");
        assertThat(check(200, "Cache-Control", "no-cache", "ETag", "\"a\"").store()).isTrue();
    }

    @Test
    void theFirstFailingRuleIsTheReason() {
        assertThat(Storability.check("GET", StoredHeaders.of("Cache-Control", "no-store", "Authorization", "x"), 200,
                StoredHeaders.of("Set-Cookie", "a", "Vary", "*", "Cache-Control", "private"), P).reason()).isEqualTo("request-no-store");
        assertThat(check(200, "Set-Cookie", "a", "Vary", "*").reason()).isEqualTo("set-cookie");
    }

    @Test
    void fieldsToStore_dropsHopByHopProxyAuthAndSetCookie_keepsTheRestInOrder() {
        StoredHeaders stored = Storability.fieldsToStore(List.of(
                Map.entry("Content-Type", "text/plain"),
                Map.entry("Connection", "close, X-Hop"),
                Map.entry("X-Hop", "1"),
                Map.entry("Keep-Alive", "timeout=5"),
                Map.entry("Transfer-Encoding", "chunked"),
                Map.entry("TE", "trailers"),
                Map.entry("Upgrade", "h2c"),
                Map.entry("Proxy-Connection", "keep-alive"),
                Map.entry("Proxy-Authenticate", "Basic"),
                Map.entry("Proxy-Authentication-Info", "x"),
                Map.entry("set-cookie", "id=1"),
                Map.entry("Set-Cookie2", "id=1"),
                Map.entry("Age", "3"),
                Map.entry("ETag", "\"a\"")));

        assertThat(stored).isEqualTo(StoredHeaders.of("Content-Type", "text/plain", "Age", "3", "ETag", "\"a\""));
    }

    @Test
    void fieldsToStore_ignoresConnectionMembersThatAreNotTokens() {
        StoredHeaders stored = Storability.fieldsToStore(StoredHeaders.of("Connection", "\"x\", , y z", "x", "1", "Date", "d"));

        assertThat(stored).isEqualTo(StoredHeaders.of("x", "1", "Date", "d"));
    }

    @Test
    void fieldsToStore_boundsWhatConnectionCanName() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            many.append("x").append(i).append(',');
        }
        StoredHeaders stored = Storability.fieldsToStore(StoredHeaders.of("Connection", many.toString(), "x1", "a", "x999", "b"));

        assertThat(stored).isEqualTo(StoredHeaders.of("x999", "b"));
    }

    @Test
    void fieldsToStore_returnsTheSameFieldsWhenNothingIsDropped() {
        StoredHeaders h = StoredHeaders.of("A", "1");
        assertThat(Storability.fieldsToStore(h)).isSameAs(h);
    }
}
