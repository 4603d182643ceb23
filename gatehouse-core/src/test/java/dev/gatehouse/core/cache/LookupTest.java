package dev.gatehouse.core.cache;

import static dev.gatehouse.core.cache.FreshnessTest.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.cache.Lookup.Decision;
import dev.gatehouse.core.cache.Lookup.Outcome;
import dev.gatehouse.core.content.HeaderView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stored responses are fetched at t=1000 (request and response), with Date 1000, and looked up at 1000 + elapsed. */
final class LookupTest {

    private static final CachePolicy P = CachePolicy.DEFAULTS;
    private static final HeaderView PLAIN = StoredHeaders.EMPTY;

    private static StoredMeta stored(String... fields) {
        List<String> all = new ArrayList<>(Arrays.asList(fields));
        all.addAll(List.of("Date", at(1000), "ETag", "\"v1\""));
        return StoredMeta.of(200, StoredHeaders.of(all.toArray(new String[0])), 1000, 1000, P);
    }

    private static HeaderView request(String... fields) {
        return StoredHeaders.of(fields);
    }

    private static Decision decide(HeaderView request, StoredMeta stored, long elapsed) {
        return Lookup.decide(request, stored, 1000 + elapsed, P);
    }

    private static Outcome outcome(HeaderView request, StoredMeta stored, long elapsed) {
        return decide(request, stored, elapsed).outcome();
    }

    @Test
    void fresh_isServed_withItsAgeAndTtl() {
        assertThat(decide(PLAIN, stored("Cache-Control", "max-age=60"), 30)).isEqualTo(new Decision(Outcome.FRESH, 30, 30, "fresh"));
    }

    @Test
    void stale_isRevalidated_fromTheMomentAgeReachesTheLifetime() {
        StoredMeta s = stored("Cache-Control", "max-age=60");

        assertThat(decide(PLAIN, s, 59).outcome()).isEqualTo(Outcome.FRESH);
        assertThat(decide(PLAIN, s, 60)).isEqualTo(new Decision(Outcome.REVALIDATE, 60, 0, "stale"));
        assertThat(decide(PLAIN, s, 100)).isEqualTo(new Decision(Outcome.REVALIDATE, 100, -40, "stale"));
    }

    @Test
    void stale_withNothingToValidateWith_isAMiss() {
        StoredMeta bare = new StoredMeta(200, StoredHeaders.of("Cache-Control", "max-age=60"), 60, 1000, 1000);

        assertThat(decide(PLAIN, bare, 61).outcome()).isEqualTo(Outcome.MISS);
        assertThat(decide(request("Cache-Control", "no-cache"), bare, 1).outcome()).isEqualTo(Outcome.MISS);
    }

    @Test
    void stale_withOnlyADate_isRevalidatedWithIt() {
        StoredMeta dated = StoredMeta.of(200, StoredHeaders.of("Cache-Control", "max-age=60"), 1000, 1000, P);

        assertThat(decide(PLAIN, dated, 61).outcome()).isEqualTo(Outcome.REVALIDATE);
    }

    @Test
    void requestNoCache_revalidatesEvenAFreshResponse() {
        StoredMeta s = stored("Cache-Control", "max-age=60");

        assertThat(decide(request("Cache-Control", "no-cache"), s, 1).reason()).isEqualTo("request-no-cache");
        assertThat(outcome(request("Cache-Control", "no-cache"), s, 1)).isEqualTo(Outcome.REVALIDATE);
    }

    @Test
    void pragmaNoCache_countsOnlyWithoutCacheControl() {
        StoredMeta s = stored("Cache-Control", "max-age=60");

        assertThat(outcome(request("Pragma", "no-cache"), s, 1)).isEqualTo(Outcome.REVALIDATE);
        assertThat(outcome(request("Pragma", "x, No-Cache"), s, 1)).isEqualTo(Outcome.REVALIDATE);
        assertThat(outcome(request("Pragma", "no-cache", "Cache-Control", "max-age=100"), s, 1)).isEqualTo(Outcome.FRESH);
        assertThat(outcome(request("Pragma", "no-cachex"), s, 1)).isEqualTo(Outcome.FRESH);
    }

    @Test
    void responseNoCache_revalidatesEveryTime() {
        assertThat(decide(PLAIN, stored("Cache-Control", "max-age=60, no-cache"), 0))
                .isEqualTo(new Decision(Outcome.REVALIDATE, 0, 60, "no-cache"));
        assertThat(outcome(PLAIN, stored("Cache-Control", "no-cache=\"Set-Cookie\", max-age=60"), 0)).isEqualTo(Outcome.REVALIDATE);
    }

    @Test
    void requestMaxAge_limitsTheAge() {
        StoredMeta s = stored("Cache-Control", "max-age=60");

        assertThat(decide(request("Cache-Control", "max-age=10"), s, 30).reason()).isEqualTo("request-max-age");
        assertThat(outcome(request("Cache-Control", "max-age=30"), s, 30)).isEqualTo(Outcome.FRESH);
        assertThat(outcome(request("Cache-Control", "max-age=0"), s, 0)).isEqualTo(Outcome.FRESH);
    }

    @Test
    void immutable_ignoresARequestMaxAge_butNotNoCache() {
        StoredMeta s = stored("Cache-Control", "max-age=600, immutable");

        assertThat(outcome(request("Cache-Control", "max-age=0"), s, 30)).isEqualTo(Outcome.FRESH);
        assertThat(outcome(request("Cache-Control", "no-cache"), s, 30)).isEqualTo(Outcome.REVALIDATE);
        assertThat(outcome(request("Cache-Control", "max-age=0"), s, 600)).as("only while fresh").isEqualTo(Outcome.REVALIDATE);
    }

    @Test
    void requestMinFresh_needsThatMuchFreshnessLeft() {
        StoredMeta s = stored("Cache-Control", "max-age=60");

        assertThat(decide(request("Cache-Control", "min-fresh=40"), s, 30).reason()).isEqualTo("request-min-fresh");
        assertThat(outcome(request("Cache-Control", "min-fresh=30"), s, 30)).isEqualTo(Outcome.FRESH);
        assertThat(outcome(request("Cache-Control", "min-fresh=abc"), s, 0)).isEqualTo(Outcome.REVALIDATE);
    }

    @Test
    void requestMaxStale_servesStale_withinItsLimit() {
        StoredMeta s = stored("Cache-Control", "max-age=60");

        assertThat(decide(request("Cache-Control", "max-stale=100"), s, 160)).isEqualTo(new Decision(Outcome.STALE, 160, -100, "request-max-stale"));
        assertThat(outcome(request("Cache-Control", "max-stale=100"), s, 161)).isEqualTo(Outcome.REVALIDATE);
        assertThat(outcome(request("Cache-Control", "max-stale"), s, 1_000_000)).isEqualTo(Outcome.STALE);
        assertThat(outcome(request("Cache-Control", "max-stale=bad"), s, 61)).isEqualTo(Outcome.REVALIDATE);
        assertThat(outcome(request("Cache-Control", "max-stale=bad"), s, 60)).as("stale by 0 s").isEqualTo(Outcome.STALE);
    }

    @Test
    void requestMaxStale_stillHonoursTheRequestsMaxAgeAndMinFresh() {
        StoredMeta s = stored("Cache-Control", "max-age=60");

        assertThat(outcome(request("Cache-Control", "max-stale, max-age=70"), s, 80)).isEqualTo(Outcome.REVALIDATE);
        assertThat(outcome(request("Cache-Control", "max-stale, max-age=90"), s, 80)).isEqualTo(Outcome.STALE);
        assertThat(outcome(request("Cache-Control", "max-stale, min-fresh=0"), s, 80)).isEqualTo(Outcome.REVALIDATE);
    }

    @Test
    void responsesThatForbidStale_areRevalidated_whateverTheRequestAccepts() {
        HeaderView anyStale = request("Cache-Control", "max-stale");

        assertThat(decide(anyStale, stored("Cache-Control", "max-age=60, must-revalidate"), 61).reason()).isEqualTo("must-revalidate");
        assertThat(decide(anyStale, stored("Cache-Control", "max-age=60, proxy-revalidate"), 61).reason()).isEqualTo("proxy-revalidate");
        assertThat(decide(anyStale, stored("Cache-Control", "s-maxage=60"), 61).reason()).isEqualTo("s-maxage");
        assertThat(outcome(anyStale, stored("Cache-Control", "s-maxage=60"), 61)).isEqualTo(Outcome.REVALIDATE);
    }

    @Test
    void staleWhileRevalidate_servesStaleWithinTheWindow() {
        StoredMeta s = stored("Cache-Control", "max-age=60, stale-while-revalidate=30");

        assertThat(decide(PLAIN, s, 70)).isEqualTo(new Decision(Outcome.STALE_WHILE_REVALIDATE, 70, -10, "stale-while-revalidate"));
        assertThat(outcome(PLAIN, s, 90)).isEqualTo(Outcome.STALE_WHILE_REVALIDATE);
        assertThat(outcome(PLAIN, s, 91)).isEqualTo(Outcome.REVALIDATE);
    }

    @Test
    void staleWhileRevalidate_fallsBackToThePolicy_whichTheResponseCanTurnOff() {
        CachePolicy swr = new CachePolicy(false, false, false, 86_400, 0.1, 0, 30, 1000);

        assertThat(Lookup.decide(PLAIN, stored("Cache-Control", "max-age=60"), 1070, swr).outcome()).isEqualTo(Outcome.STALE_WHILE_REVALIDATE);
        assertThat(Lookup.decide(PLAIN, stored("Cache-Control", "max-age=60"), 1070, P).outcome()).isEqualTo(Outcome.REVALIDATE);
        assertThat(Lookup.decide(PLAIN, stored("Cache-Control", "max-age=60, stale-while-revalidate=0"), 1070, swr).outcome())
                .isEqualTo(Outcome.REVALIDATE);
        assertThat(Lookup.decide(PLAIN, stored("Cache-Control", "max-age=60, stale-while-revalidate=x"), 1070, swr).outcome())
                .isEqualTo(Outcome.REVALIDATE);
    }

    @Test
    void staleWhileRevalidate_isBlockedByMustRevalidateAndByStrictRequests() {
        StoredMeta s = stored("Cache-Control", "max-age=60, stale-while-revalidate=30");

        assertThat(outcome(PLAIN, stored("Cache-Control", "max-age=60, stale-while-revalidate=30, must-revalidate"), 70))
                .isEqualTo(Outcome.REVALIDATE);
        assertThat(outcome(request("Cache-Control", "min-fresh=1"), s, 70)).isEqualTo(Outcome.REVALIDATE);
        assertThat(outcome(request("Cache-Control", "max-age=65"), s, 70)).isEqualTo(Outcome.REVALIDATE);
        assertThat(outcome(request("Cache-Control", "max-age=75"), s, 70)).isEqualTo(Outcome.STALE_WHILE_REVALIDATE);
    }

    @Test
    void onlyIfCached_servesWhatItCan_andAnswers504ForTheRest() {
        HeaderView oic = request("Cache-Control", "only-if-cached");

        assertThat(outcome(oic, stored("Cache-Control", "max-age=60"), 10)).isEqualTo(Outcome.FRESH);
        assertThat(decide(oic, stored("Cache-Control", "max-age=60"), 61)).isEqualTo(new Decision(Outcome.ONLY_IF_CACHED_MISS, 61, -1, "only-if-cached"));
        assertThat(outcome(oic, stored("Cache-Control", "max-age=60, stale-while-revalidate=10"), 61)).isEqualTo(Outcome.STALE_WHILE_REVALIDATE);
        assertThat(outcome(request("Cache-Control", "only-if-cached, no-cache"), stored("Cache-Control", "max-age=60"), 1))
                .isEqualTo(Outcome.ONLY_IF_CACHED_MISS);
        assertThat(outcome(request("Cache-Control", "only-if-cached, max-stale"), stored("Cache-Control", "max-age=60"), 99))
                .isEqualTo(Outcome.STALE);
    }

    @Test
    void authorizedRequests_useOnlyResponsesStorableForThem() {
        HeaderView auth = request("Authorization", "Bearer t");

        assertThat(decide(auth, stored("Cache-Control", "max-age=60"), 1)).isEqualTo(new Decision(Outcome.MISS, 1, 59, "authorization"));
        assertThat(outcome(auth, stored("Cache-Control", "max-age=60, public"), 1)).isEqualTo(Outcome.FRESH);
        assertThat(outcome(auth, stored("Cache-Control", "s-maxage=60"), 1)).isEqualTo(Outcome.FRESH);
        assertThat(Lookup.decide(auth, stored("Cache-Control", "max-age=60"), 1001, new CachePolicy(true, false, false, 0, 0, 0, 0, 1))
                .outcome()).isEqualTo(Outcome.FRESH);
        assertThat(outcome(request("Authorization", "x", "Cache-Control", "only-if-cached"), stored("Cache-Control", "max-age=60"), 1))
                .isEqualTo(Outcome.ONLY_IF_CACHED_MISS);
    }

    @Test
    void hostileRequestDirectives_neverServeMoreThanPlainOnes() {
        StoredMeta s = stored("Cache-Control", "max-age=60");

        assertThat(outcome(request("Cache-Control", "x".repeat(10_000)), s, 1)).isEqualTo(Outcome.REVALIDATE);
        assertThat(outcome(request("Cache-Control", "max-age=abc"), s, 1)).isEqualTo(Outcome.REVALIDATE);
        assertThat(outcome(request("Cache-Control", "max-age=abc"), s, 0)).isEqualTo(Outcome.FRESH);
        assertThat(outcome(request("Cache-Control", "max-age=99999999999999999999"), s, 1)).isEqualTo(Outcome.FRESH);
    }

    @Test
    void nothingStored_isAMiss_or504ForOnlyIfCached() {
        assertThat(Lookup.nothingStored(PLAIN)).isEqualTo(new Decision(Outcome.MISS, 0, 0, "miss"));
        assertThat(Lookup.nothingStored(request("Cache-Control", "only-if-cached")).outcome()).isEqualTo(Outcome.ONLY_IF_CACHED_MISS);
    }

    // stale-if-error

    private static boolean staleIfError(HeaderView request, StoredMeta s, long elapsed, CachePolicy policy) {
        return Lookup.staleIfErrorAllows(request, s, 1000 + elapsed, policy);
    }

    @Test
    void staleIfError_withinTheResponsesWindow() {
        StoredMeta s = stored("Cache-Control", "max-age=60, stale-if-error=100");

        assertThat(staleIfError(PLAIN, s, 160, P)).isTrue();
        assertThat(staleIfError(PLAIN, s, 161, P)).isFalse();
        assertThat(staleIfError(PLAIN, s, 10, P)).as("fresh").isTrue();
    }

    @Test
    void staleIfError_fallsBackToThePolicy_whichTheResponseCanTurnOff() {
        CachePolicy sie = new CachePolicy(false, false, false, 86_400, 0.1, 3600, 0, 1000);

        assertThat(staleIfError(PLAIN, stored("Cache-Control", "max-age=60"), 3660, sie)).isTrue();
        assertThat(staleIfError(PLAIN, stored("Cache-Control", "max-age=60"), 3661, sie)).isFalse();
        assertThat(staleIfError(PLAIN, stored("Cache-Control", "max-age=60"), 61, P)).isFalse();
        assertThat(staleIfError(PLAIN, stored("Cache-Control", "max-age=60, stale-if-error=0"), 61, sie)).isFalse();
    }

    @Test
    void staleIfError_theClientCanAllowIt() {
        StoredMeta s = stored("Cache-Control", "max-age=60");

        assertThat(staleIfError(request("Cache-Control", "stale-if-error=100"), s, 160, P)).isTrue();
        assertThat(staleIfError(request("Cache-Control", "stale-if-error=100"), s, 161, P)).isFalse();
        assertThat(staleIfError(request("Cache-Control", "max-stale=10"), s, 70, P)).isTrue();
        assertThat(staleIfError(request("Cache-Control", "max-stale"), s, 1_000_000, P)).isTrue();
    }

    @Test
    void staleIfError_neverWhenTheResponseForbidsStale() {
        CachePolicy sie = new CachePolicy(false, false, false, 86_400, 0.1, 3600, 0, 1000);
        HeaderView permissive = request("Cache-Control", "max-stale, stale-if-error=999");

        for (String cc : List.of("max-age=60, must-revalidate, stale-if-error=100", "max-age=60, proxy-revalidate, stale-if-error=100",
                "s-maxage=60, stale-if-error=100", "max-age=60, no-cache, stale-if-error=100")) {
            assertThat(staleIfError(permissive, stored("Cache-Control", cc), 70, sie)).as(cc).isFalse();
        }
        assertThat(staleIfError(PLAIN, stored("Cache-Control", "max-age=60, must-revalidate"), 10, sie)).as("even fresh").isFalse();
    }

    @Test
    void staleIfError_neverAgainstTheRequestsWishes() {
        StoredMeta s = stored("Cache-Control", "max-age=60, stale-if-error=100");

        assertThat(staleIfError(request("Cache-Control", "no-cache"), s, 70, P)).isFalse();
        assertThat(staleIfError(request("Pragma", "no-cache"), s, 70, P)).isFalse();
        assertThat(staleIfError(request("Cache-Control", "min-fresh=1"), s, 70, P)).isFalse();
        assertThat(staleIfError(request("Cache-Control", "max-age=65"), s, 70, P)).isFalse();
        assertThat(staleIfError(request("Cache-Control", "max-age=75"), s, 70, P)).isTrue();
        assertThat(staleIfError(request("Authorization", "x"), s, 70, P)).isFalse();
    }

    @Test
    void errorStatuses_areRfc5861s() {
        assertThat(List.of(500, 502, 503, 504)).allMatch(Lookup::isErrorStatus);
        assertThat(List.of(200, 404, 501, 505, 429)).noneMatch(Lookup::isErrorStatus);
    }
}
