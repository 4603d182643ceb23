package dev.gatehouse.core.cache;

import static dev.gatehouse.core.cache.FreshnessTest.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class StoredMetaTest {

    private static final CachePolicy P = CachePolicy.DEFAULTS;

    @Test
    void of_addsADateWhenTheResponseHasNone() {
        StoredMeta m = StoredMeta.of(200, StoredHeaders.of("Cache-Control", "max-age=60"), 999, 1000, P);

        assertThat(m.headers().all("Date")).containsExactly(at(1000));
        assertThat(m.lifetimeSeconds()).isEqualTo(60);
        assertThat(m.requestTimeEpoch()).isEqualTo(999);
        assertThat(m.responseTimeEpoch()).isEqualTo(1000);
    }

    @Test
    void of_replacesAnInvalidOrRepeatedDate_keepsAValidOne() {
        assertThat(StoredMeta.of(200, StoredHeaders.of("Date", "today"), 0, 1000, P).headers().all("Date")).containsExactly(at(1000));
        assertThat(StoredMeta.of(200, StoredHeaders.of("Date", at(5), "Date", at(6)), 0, 1000, P).headers().all("Date"))
                .containsExactly(at(1000));
        assertThat(StoredMeta.of(200, StoredHeaders.of("Date", at(900)), 0, 1000, P).headers().all("Date")).containsExactly(at(900));
    }

    @Test
    void of_theAddedDateMakesExpiresAndHeuristicsWork() {
        StoredMeta expires = StoredMeta.of(200, StoredHeaders.of("Expires", at(1060)), 1000, 1000, P);
        StoredMeta heuristic = StoredMeta.of(200, StoredHeaders.of("Last-Modified", at(0)), 1000, 1000, P);

        assertThat(expires.lifetimeSeconds()).isEqualTo(60);
        assertThat(heuristic.lifetimeSeconds()).isEqualTo(100);
    }

    @Test
    void of_aResponseTimeItCannotWrite_leavesNoDate() {
        StoredMeta m = StoredMeta.of(200, StoredHeaders.of("Expires", at(1060)), 0, Long.MAX_VALUE, P);

        assertThat(m.headers().has("Date")).isFalse();
        assertThat(m.lifetimeSeconds()).isZero();
    }

    @Test
    void ageAndTtl() {
        StoredMeta m = StoredMeta.of(200, StoredHeaders.of("Cache-Control", "max-age=60", "Date", at(1000)), 1000, 1000, P);

        assertThat(m.ageSeconds(1010)).isEqualTo(10);
        assertThat(m.ttlSeconds(1010)).isEqualTo(50);
        assertThat(m.ttlSeconds(1100)).isEqualTo(-40);
    }

    @Test
    void hasValidator_forAValidETagOrLastModified() {
        assertThat(meta("ETag", "\"abc\"").hasValidator()).isTrue();
        assertThat(meta("ETag", "W/\"abc\"").hasValidator()).isTrue();
        assertThat(meta("Last-Modified", at(5)).hasValidator()).isTrue();
        assertThat(meta().hasValidator()).isFalse();
        assertThat(meta("ETag", "abc").hasValidator()).isFalse();
        assertThat(meta("ETag", "\"a\"", "ETag", "\"b\"").hasValidator()).isFalse();
        assertThat(meta("Last-Modified", "recently").hasValidator()).isFalse();
    }

    @Test
    void cacheControl_isParsedFromTheStoredFields() {
        assertThat(meta("Cache-Control", "no-cache").cacheControl().noCache()).isTrue();
    }

    @Test
    void refusesANegativeLifetimeOrNoHeaders() {
        assertThatThrownBy(() -> new StoredMeta(200, StoredHeaders.EMPTY, -1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoredMeta(200, null, 0, 0, 0)).isInstanceOf(NullPointerException.class);
    }

    private static StoredMeta meta(String... fields) {
        return StoredMeta.of(200, StoredHeaders.of(fields), 1000, 1000, P);
    }
}
