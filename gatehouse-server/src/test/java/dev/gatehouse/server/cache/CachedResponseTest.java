package dev.gatehouse.server.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.cache.StoredHeaders;
import dev.gatehouse.core.cache.StoredMeta;
import org.junit.jupiter.api.Test;

/** The stored response's weight, its metadata swap and its equality by content. */
final class CachedResponseTest {

    @Test
    void weight_isBodyFieldsSecondaryKeyAndOverhead() {
        StoredMeta meta = new StoredMeta(200, StoredHeaders.of("ETag", "\"v1\"", "Content-Type", "text/html"), 60, 10, 11);
        CachedResponse r = new CachedResponse(meta, "accept-encoding=gzip", new byte[1000]);

        long fields = (4 + 4 + CachedResponse.FIELD_OVERHEAD) + (12 + 9 + CachedResponse.FIELD_OVERHEAD);
        assertThat(r.weight()).isEqualTo(CachedResponse.FIXED_OVERHEAD + 1000 + "accept-encoding=gzip".length() + fields);
    }

    @Test
    void anEmptyResponse_stillWeighsItsOverhead() {
        CachedResponse r = new CachedResponse(new StoredMeta(204, StoredHeaders.EMPTY, 0, 0, 0), "", new byte[0]);

        assertThat(r.weight()).isEqualTo(CachedResponse.FIXED_OVERHEAD);
    }

    @Test
    void withMeta_keepsTheBodyArrayAndSecondaryKey() {
        CachedResponse r = Responses.of("k", 10, 'a');
        StoredMeta freshened = new StoredMeta(200, r.meta().headers(), 120, 2_000_000_000L, 2_000_000_001L);

        CachedResponse after = r.withMeta(freshened);

        assertThat(after.meta()).isEqualTo(freshened);
        assertThat(after.body()).isSameAs(r.body());
        assertThat(after.varyKey()).isEqualTo("k");
    }

    @Test
    void equality_comparesTheBodysBytes() {
        assertThat(Responses.of("k", 10, 'a')).isEqualTo(Responses.of("k", 10, 'a'))
                .hasSameHashCodeAs(Responses.of("k", 10, 'a'))
                .isNotEqualTo(Responses.of("k", 10, 'b'))
                .isNotEqualTo(Responses.of("j", 10, 'a'));
        assertThat(Responses.of("k", 10, 'a').toString()).contains("10 bytes").doesNotContain("aaaa");
    }
}
