package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.content.HttpDates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class FreshnessTest {

    static final String DATE = "Sun, 06 Nov 1994 08:49:37 GMT";
    static final long DATE_EPOCH = 784111777L;
    private static final CachePolicy P = CachePolicy.DEFAULTS;

    static String at(long epoch) {
        return HttpDates.format(epoch);
    }

    private static long lifetime(int status, String... fields) {
        return Freshness.lifetimeSeconds(StoredHeaders.of(fields), status, DATE_EPOCH, P);
    }

    @Test
    void sMaxAge_winsOverMaxAge_whichWinsOverExpires() {
        assertThat(lifetime(200, "Cache-Control", "max-age=60, s-maxage=120", "Date", DATE, "Expires", at(DATE_EPOCH + 999)))
                .isEqualTo(120);
        assertThat(lifetime(200, "Cache-Control", "max-age=60", "Date", DATE, "Expires", at(DATE_EPOCH + 999))).isEqualTo(60);
        assertThat(lifetime(200, "Date", DATE, "Expires", at(DATE_EPOCH + 999))).isEqualTo(999);
    }

    @Test
    void anInvalidMaxAge_overridesExpires_andIsStale() {
        assertThat(lifetime(200, "Cache-Control", "max-age=soon", "Date", DATE, "Expires", at(DATE_EPOCH + 999))).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "never", "", "Sun, 06 Nov 1994 08:49:37 UTC"})
    void anInvalidExpires_meansAlreadyExpired(String expires) {
        assertThat(lifetime(200, "Date", DATE, "Expires", expires, "Last-Modified", at(DATE_EPOCH - 86_400))).isZero();
    }

    @Test
    void expires_beforeDate_isZero_twoExpiresAreZero() {
        assertThat(lifetime(200, "Date", DATE, "Expires", at(DATE_EPOCH - 10))).isZero();
        assertThat(lifetime(200, "Date", DATE, "Expires", at(DATE_EPOCH + 10), "Expires", at(DATE_EPOCH + 10))).isZero();
    }

    @Test
    void expires_withoutAValidDate_isZero() {
        assertThat(lifetime(200, "Expires", at(DATE_EPOCH + 60))).isZero();
        assertThat(lifetime(200, "Date", "yesterday", "Expires", at(DATE_EPOCH + 60))).isZero();
        assertThat(lifetime(200, "Date", DATE, "Date", DATE, "Expires", at(DATE_EPOCH + 60))).isZero();
    }

    @Test
    void expires_farInTheFuture_clampsTo2pow31() {
        assertThat(lifetime(200, "Date", "Thu, 01 Jan 1970 00:00:00 GMT", "Expires", "Fri, 31 Dec 9999 23:59:59 GMT"))
                .isEqualTo(DeltaSeconds.MAX);
    }

    @Test
    void heuristic_isAFractionOfTheTimeSinceLastModified_cappedAtTheMaximum() {
        assertThat(lifetime(200, "Date", DATE, "Last-Modified", at(DATE_EPOCH - 10_000))).isEqualTo(1_000);
        assertThat(lifetime(404, "Date", DATE, "Last-Modified", at(DATE_EPOCH - 10_000))).isEqualTo(1_000);
        assertThat(lifetime(200, "Date", DATE, "Last-Modified", at(DATE_EPOCH - 100L * 86_400))).isEqualTo(86_400);
    }

    @Test
    void heuristic_followsThePolicy() {
        CachePolicy half = new CachePolicy(false, false, false, 300, 0.5, 0, 0, 1);
        CachePolicy off = new CachePolicy(false, false, false, 0, 0.1, 0, 0, 1);
        StoredHeaders r = StoredHeaders.of("Date", DATE, "Last-Modified", at(DATE_EPOCH - 400));
        StoredHeaders older = StoredHeaders.of("Date", DATE, "Last-Modified", at(DATE_EPOCH - 4000));

        assertThat(Freshness.lifetimeSeconds(r, 200, DATE_EPOCH, half)).isEqualTo(200);
        assertThat(Freshness.lifetimeSeconds(older, 200, DATE_EPOCH, half)).isEqualTo(300);
        assertThat(Freshness.lifetimeSeconds(r, 200, DATE_EPOCH, off)).isZero();
    }

    @Test
    void heuristic_onlyForHeuristicStatusesOrPublic() {
        assertThat(lifetime(302, "Date", DATE, "Last-Modified", at(DATE_EPOCH - 10_000))).isZero();
        assertThat(lifetime(500, "Date", DATE, "Last-Modified", at(DATE_EPOCH - 10_000))).isZero();
        assertThat(lifetime(302, "Cache-Control", "public", "Date", DATE, "Last-Modified", at(DATE_EPOCH - 10_000))).isEqualTo(1_000);
    }

    @Test
    void heuristic_needsAValidLastModifiedNoLaterThanDate() {
        assertThat(lifetime(200, "Date", DATE)).isZero();
        assertThat(lifetime(200, "Date", DATE, "Last-Modified", "long ago")).isZero();
        assertThat(lifetime(200, "Date", DATE, "Last-Modified", at(DATE_EPOCH + 10))).isZero();
        assertThat(lifetime(200, "Last-Modified", at(DATE_EPOCH - 10_000))).isZero();
        assertThat(lifetime(200, "Date", DATE, "Last-Modified", at(DATE_EPOCH - 10_000), "Last-Modified", at(DATE_EPOCH - 10_000)))
                .isZero();
    }

    @Test
    void obsoleteDateForms_countLikeImfFixdate() {
        assertThat(lifetime(200, "Date", "Sunday, 06-Nov-94 08:49:37 GMT", "Expires", "Mon Nov  7 08:49:37 1994")).isEqualTo(86_400);
    }

    @Test
    void heuristicallyCacheable_isRfc9110sList() {
        for (int s : new int[] {200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501}) {
            assertThat(Freshness.heuristicallyCacheable(s)).as("%d", s).isTrue();
        }
        for (int s : new int[] {201, 302, 303, 307, 400, 403, 500, 502, 503, 504}) {
            assertThat(Freshness.heuristicallyCacheable(s)).as("%d", s).isFalse();
        }
    }

    // Age: a response received at 1000 for a request sent at 998, so the response delay is 2 s.

    private static long age(long now, String... fields) {
        return Freshness.currentAgeSeconds(StoredHeaders.of(fields), 998, 1000, now);
    }

    @Test
    void currentAge_addsResponseDelayAndResidentTime() {
        assertThat(age(1010, "Date", at(1000))).isEqualTo(12);
        assertThat(age(1000, "Date", at(1000))).isEqualTo(2);
    }

    @Test
    void currentAge_countsTheAgeReceived() {
        assertThat(age(1010, "Date", at(1000), "Age", "100")).isEqualTo(112);
    }

    @Test
    void currentAge_takesTheApparentAgeWhenLarger() {
        assertThat(age(1010, "Date", at(950), "Age", "10")).isEqualTo(60);
    }

    @Test
    void currentAge_withADateInTheFuture_hasNoApparentAge() {
        assertThat(age(1010, "Date", at(5000))).isEqualTo(12);
    }

    @Test
    void currentAge_readsTheDateAsOfTheResponseTime_notNow() {
        // Received in 1994 with an RFC 850 Date a day earlier: as of then, '94 is 1994. Read as of
        // sixty years later it would be 2094, a future Date with no apparent age, and a response
        // stored that long would suddenly look a day younger.
        long sixtyYears = 60L * 365 * 86_400;
        StoredHeaders r = StoredHeaders.of("Date", "Saturday, 05-Nov-94 08:49:37 GMT");

        assertThat(Freshness.currentAgeSeconds(r, DATE_EPOCH, DATE_EPOCH, DATE_EPOCH + sixtyYears)).isEqualTo(86_400 + sixtyYears);
    }

    @Test
    void currentAge_withoutOrWithABadDate_hasNoApparentAge() {
        assertThat(age(1010)).isEqualTo(12);
        assertThat(age(1010, "Date", "garbage", "Age", "5")).isEqualTo(17);
    }

    @Test
    void currentAge_usesTheFirstMemberOfTheFirstAgeLine_andIgnoresAnInvalidOne() {
        assertThat(age(1000, "Age", "5, 6")).isEqualTo(7);
        assertThat(age(1000, "Age", " 5 ", "Age", "100")).isEqualTo(7);
        assertThat(age(1000, "Age", "abc")).isEqualTo(2);
        assertThat(age(1000, "Age", "-5")).isEqualTo(2);
        assertThat(age(1000, "Age", "")).isEqualTo(2);
    }

    @Test
    void currentAge_clampsAt2pow31() {
        assertThat(age(1000, "Age", "99999999999999999999")).isEqualTo(DeltaSeconds.MAX);
        assertThat(Freshness.currentAgeSeconds(StoredHeaders.EMPTY, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE))
                .isEqualTo(DeltaSeconds.MAX);
    }

    @Test
    void currentAge_aClockGoingBackwards_countsAsNoTime() {
        assertThat(age(900, "Date", at(1000))).isEqualTo(2);
        assertThat(Freshness.currentAgeSeconds(StoredHeaders.of("Date", at(1000)), 1005, 1000, 1000)).isZero();
    }
}
