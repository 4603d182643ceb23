package dev.gatehouse.core.cache;

import static dev.gatehouse.core.cache.FreshnessTest.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.cache.Lookup.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class RevalidationTest {

    private static final CachePolicy P = CachePolicy.DEFAULTS;
    private static final String LM = "Sun, 06 Nov 1994 08:49:37 GMT";

    private static StoredMeta meta(String... fields) {
        return StoredMeta.of(200, StoredHeaders.of(fields), 1000, 1000, P);
    }

    @Test
    void conditionalHeaders_sendTheETagAndLastModifiedAsReceived() {
        assertThat(Revalidation.conditionalHeaders(meta("ETag", " W/\"x\" ", "Last-Modified", LM)))
                .containsExactly(Map.entry("If-None-Match", "W/\"x\""), Map.entry("If-Modified-Since", LM));
        assertThat(Revalidation.conditionalHeaders(meta("ETag", "\"x\"", "Date", at(1000))))
                .containsExactly(Map.entry("If-None-Match", "\"x\""), Map.entry("If-Modified-Since", at(1000)));
    }

    @Test
    void conditionalHeaders_rewriteAnObsoleteDateAsImfFixdate() {
        assertThat(Revalidation.conditionalHeaders(meta("Last-Modified", "Sunday, 06-Nov-94 08:49:37 GMT")))
                .containsExactly(Map.entry("If-Modified-Since", LM));
    }

    @Test
    void conditionalHeaders_fallBackToDate_withoutAValidLastModified() {
        assertThat(Revalidation.conditionalHeaders(meta("Date", at(900)))).containsExactly(Map.entry("If-Modified-Since", at(900)));
        assertThat(Revalidation.conditionalHeaders(meta("Date", at(900), "Last-Modified", "yesterday")))
                .containsExactly(Map.entry("If-Modified-Since", at(900)));
    }

    @Test
    void conditionalHeaders_fallBackToDate_whenAnObsoleteLastModifiedCannotBeWrittenAsImfFixdate() {
        assertThat(Revalidation.conditionalHeaders(meta("Date", at(900), "Last-Modified", "Sat Jan  1 00:00:00 0000")))
                .containsExactly(Map.entry("If-Modified-Since", at(900)));
    }

    @Test
    void conditionalHeaders_skipABrokenOrRepeatedETag() {
        assertThat(Revalidation.conditionalHeaders(meta("ETag", "x", "Last-Modified", LM))).containsExactly(Map.entry("If-Modified-Since", LM));
        assertThat(Revalidation.conditionalHeaders(meta("ETag", "\"a\"", "ETag", "\"b\"", "Last-Modified", LM)))
                .containsExactly(Map.entry("If-Modified-Since", LM));
        assertThat(Revalidation.conditionalHeaders(meta("ETag", "\"a\"b\"", "Last-Modified", LM)))
                .containsExactly(Map.entry("If-Modified-Since", LM));
        assertThat(Revalidation.conditionalHeaders(meta("ETag", "\"a\r\n\"", "Last-Modified", LM)))
                .containsExactly(Map.entry("If-Modified-Since", LM));
    }

    @Test
    void conditionalHeaders_areEmptyOnlyWithNothingToSend() {
        assertThat(Revalidation.conditionalHeaders(new StoredMeta(200, StoredHeaders.EMPTY, 0, 0, 0))).isEmpty();
    }

    private static boolean selects(StoredHeaders stored, String... notModified) {
        return Revalidation.selects(stored, StoredHeaders.of(notModified), 1000);
    }

    @Test
    void selects_byETag_strongNeedsTheSameStrongTag_weakComparesWeakly() {
        StoredHeaders strong = StoredHeaders.of("ETag", "\"a\"");
        StoredHeaders weak = StoredHeaders.of("ETag", "W/\"a\"");

        assertThat(selects(strong, "ETag", "\"a\"")).isTrue();
        assertThat(selects(strong, "ETag", "\"b\"")).isFalse();
        assertThat(selects(weak, "ETag", "\"a\"")).isFalse();
        assertThat(selects(strong, "ETag", "W/\"a\"")).isTrue();
        assertThat(selects(weak, "ETag", "W/\"a\"")).isTrue();
        assertThat(selects(weak, "ETag", "W/\"b\"")).isFalse();
    }

    @Test
    void selects_notWhenTheETagCannotBeCompared() {
        assertThat(selects(StoredHeaders.of("ETag", "\"a\""), "ETag", "a")).isFalse();
        assertThat(selects(StoredHeaders.of("ETag", "\"a\""), "ETag", "\"a\"", "ETag", "\"a\"")).isFalse();
        assertThat(selects(StoredHeaders.of("Last-Modified", LM), "ETag", "\"a\"", "Last-Modified", LM)).isFalse();
    }

    @Test
    void selects_byLastModified_withoutAnETag() {
        StoredHeaders stored = StoredHeaders.of("Last-Modified", LM);

        assertThat(selects(stored, "Last-Modified", LM)).isTrue();
        assertThat(selects(stored, "Last-Modified", "Sunday, 06-Nov-94 08:49:37 GMT")).isTrue();
        assertThat(selects(stored, "Last-Modified", at(5))).isFalse();
        assertThat(selects(stored, "Last-Modified", "garbage")).isFalse();
        assertThat(selects(StoredHeaders.EMPTY, "Last-Modified", LM)).isFalse();
    }

    @Test
    void selects_aNotModifiedWithoutValidators() {
        assertThat(selects(StoredHeaders.of("ETag", "\"a\""), "Date", at(5))).isTrue();
        assertThat(selects(StoredHeaders.EMPTY)).isTrue();
    }

    @Test
    void updateFrom304_replacesTheFieldsItHas_keepsTheOthers() {
        StoredHeaders stored = StoredHeaders.of("Content-Type", "text/html", "Cache-Control", "max-age=60", "Cache-Control", "public",
                "X-Kept", "1");

        StoredHeaders updated = Revalidation.updateFrom304(stored, List.of(
                Map.entry("cache-control", "max-age=300"), Map.entry("X-New", "a"), Map.entry("X-New", "b")));

        assertThat(updated).isEqualTo(StoredHeaders.of("Content-Type", "text/html", "X-Kept", "1", "cache-control", "max-age=300",
                "X-New", "a", "X-New", "b"));
    }

    @Test
    void updateFrom304_neverTakesBodyDescribingHopByHopOrCookieFields() {
        StoredHeaders stored = StoredHeaders.of("Content-Length", "10", "Content-Encoding", "gzip", "X-A", "1");

        StoredHeaders updated = Revalidation.updateFrom304(stored, StoredHeaders.of(
                "Content-Length", "0", "Content-Encoding", "br", "Content-Range", "bytes 0-1/2", "Set-Cookie", "s=1",
                "Connection", "X-A", "X-A", "2", "Transfer-Encoding", "chunked", "Keep-Alive", "1", "Proxy-Authenticate", "x"));

        assertThat(updated).isEqualTo(stored);
    }

    @Test
    void freshen_takesTheNewLifetimeDateAndTimes() {
        StoredMeta old = meta("Cache-Control", "max-age=60", "Date", at(1000), "Age", "30", "ETag", "\"a\"");

        StoredMeta fresh = Revalidation.freshen(old, StoredHeaders.of("Cache-Control", "max-age=120", "Date", at(2000), "ETag", "\"a\""),
                1999, 2000, P);

        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.lifetimeSeconds()).isEqualTo(120);
        assertThat(fresh.requestTimeEpoch()).isEqualTo(1999);
        assertThat(fresh.responseTimeEpoch()).isEqualTo(2000);
        assertThat(fresh.headers().all("Date")).containsExactly(at(2000));
        assertThat(fresh.headers().has("Age")).as("the old response's Age").isFalse();
        assertThat(fresh.ageSeconds(2000)).isEqualTo(1);
        assertThat(Lookup.decide(StoredHeaders.EMPTY, fresh, 2010, P).outcome()).isEqualTo(Outcome.FRESH);
    }

    @Test
    void freshen_aNotModifiedWithoutDate_isDatedWhenReceived() {
        StoredMeta old = meta("Cache-Control", "max-age=60", "Date", at(1000));

        StoredMeta fresh = Revalidation.freshen(old, List.of(), 5000, 5000, P);

        assertThat(fresh.headers().all("Date")).containsExactly(at(5000));
        assertThat(fresh.lifetimeSeconds()).isEqualTo(60);
        assertThat(fresh.ageSeconds(5000)).isZero();
    }

    @Test
    void freshen_keepsTheAgeOfTheNotModified() {
        StoredMeta old = meta("Cache-Control", "max-age=60");

        StoredMeta fresh = Revalidation.freshen(old, StoredHeaders.of("Age", "20", "Date", at(5000)), 5000, 5000, P);

        assertThat(fresh.ageSeconds(5000)).isEqualTo(20);
    }

    @Test
    void freshen_anInvalidDateInTheNotModified_isReplaced() {
        StoredMeta fresh = Revalidation.freshen(meta("Cache-Control", "max-age=60"), StoredHeaders.of("Date", "soon"), 5000, 5000, P);

        assertThat(fresh.headers().all("Date")).containsExactly(at(5000));
    }
}
