package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.content.HeaderView;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class VaryKeyTest {

    private static String key(String vary, String... requestFields) {
        return VaryKey.secondaryKey(StoredHeaders.of("Vary", vary), StoredHeaders.of(requestFields));
    }

    @Test
    void fieldNames_lowerCaseSortedWithoutRepeats_acrossLines() {
        StoredHeaders r = StoredHeaders.of("Vary", "Accept-Language, accept-encoding", "vary", "Accept-Encoding, , Origin");

        assertThat(VaryKey.fieldNames(r)).containsExactly("accept-encoding", "accept-language", "origin");
        assertThat(VaryKey.fieldNames(StoredHeaders.EMPTY)).isEmpty();
        assertThat(VaryKey.fieldNames(StoredHeaders.of("Vary", ""))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "Accept, *", " * ", "Accept Language", "Accept;q=1", "\"Accept\"", "Acc\u00e9pt", "a/b"})
    void fieldNames_thatCannotMatch_areNull(String vary) {
        assertThat(VaryKey.fieldNames(StoredHeaders.of("Vary", vary))).isNull();
        assertThat(key(vary, "Accept", "x")).isNull();
    }

    @Test
    void fieldNames_tooMany_areNull() {
        StringBuilder vary = new StringBuilder();
        for (int i = 0; i < VaryKey.MAX_FIELDS; i++) {
            vary.append("x-").append(i).append(", ");
        }
        assertThat(VaryKey.fieldNames(StoredHeaders.of("Vary", vary.toString()))).hasSize(VaryKey.MAX_FIELDS);
        assertThat(VaryKey.fieldNames(StoredHeaders.of("Vary", vary + "one-more"))).isNull();
        // Repeats do not count twice.
        assertThat(VaryKey.fieldNames(StoredHeaders.of("Vary", vary.toString() + vary))).hasSize(VaryKey.MAX_FIELDS);
    }

    @Test
    void secondaryKey_isEmptyWithoutVary() {
        assertThat(VaryKey.secondaryKey(StoredHeaders.EMPTY, StoredHeaders.of("Accept", "x"))).isEmpty();
    }

    @Test
    void secondaryKey_doesNotDependOnVarysOrderOrCase() {
        assertThat(key("Accept, Origin", "Accept", "a", "Origin", "o")).isEqualTo(key("origin, ACCEPT", "origin", "o", "accept", "a"))
                .isEqualTo("accept=a\norigin=o");
    }

    @Test
    void secondaryKey_tellsAnAbsentFieldFromAnEmptyOne() {
        assertThat(key("Accept")).isEqualTo("accept!");
        assertThat(key("Accept", "Accept", "")).isEqualTo("accept=");
    }

    @Test
    void secondaryKey_normalisesListWhitespaceAndLines() {
        String k = key("Accept-Encoding", "Accept-Encoding", "gzip, br");

        assertThat(key("Accept-Encoding", "Accept-Encoding", "gzip,br")).isEqualTo(k);
        assertThat(key("Accept-Encoding", "Accept-Encoding", "  gzip ,\t br  ")).isEqualTo(k);
        assertThat(key("Accept-Encoding", "Accept-Encoding", "gzip", "Accept-Encoding", "br")).isEqualTo(k);
        assertThat(key("Accept-Encoding", "Accept-Encoding", "gzip,, br,")).isEqualTo(k);
        assertThat(key("Accept-Encoding", "Accept-Encoding", "gzip;q=1.0,  br")).isNotEqualTo(k);
        assertThat(key("Accept-Encoding", "Accept-Encoding", "br, gzip")).as("list order can matter").isNotEqualTo(k);
    }

    @Test
    void secondaryKey_collapsesInnerWhitespace_butNotInsideQuotes() {
        assertThat(key("X", "X", "a   b")).isEqualTo(key("X", "X", "a b"));
        assertThat(key("X", "X", "\"a   b\"")).isNotEqualTo(key("X", "X", "\"a b\""));
        assertThat(key("X", "X", "\"a,b\", c")).isEqualTo("x=\"a,b\",c");
        assertThat(key("X", "X", "\"a\\\" ,b\"")).isEqualTo("x=\"a\\\\\" ,b\"");
    }

    @Test
    void secondaryKey_keepsCase() {
        assertThat(key("Accept-Language", "Accept-Language", "EN")).isNotEqualTo(key("Accept-Language", "Accept-Language", "en"));
    }

    @Test
    void secondaryKey_valuesCannotForgeTheSeparators() {
        String forged = key("A, B", "A", "1\nb=2");
        String real = key("A, B", "A", "1", "B", "2");

        assertThat(forged).isNotEqualTo(real);
        assertThat(key("A", "A", "x\\ny")).isNotEqualTo(key("A", "A", "x\ny"));
    }

    @Test
    void matches_comparesTheRequestsKeyWithTheStoredOne() {
        StoredHeaders response = StoredHeaders.of("Vary", "Accept-Language");
        String stored = VaryKey.secondaryKey(response, StoredHeaders.of("Accept-Language", "fr"));

        assertThat(VaryKey.matches(stored, response, StoredHeaders.of("accept-language", "fr"))).isTrue();
        assertThat(VaryKey.matches(stored, response, StoredHeaders.of("Accept-Language", "de"))).isFalse();
        assertThat(VaryKey.matches(stored, response, StoredHeaders.EMPTY)).isFalse();
        assertThat(VaryKey.matches(null, StoredHeaders.of("Vary", "*"), StoredHeaders.EMPTY)).isFalse();
    }

    @Test
    void theDataPlaneNormalisesAcceptEncodingThroughItsView() {
        StoredHeaders response = StoredHeaders.of("Vary", "Accept-Encoding");
        HeaderView chrome = normalisedEncoding(StoredHeaders.of("Accept-Encoding", "gzip, deflate, br, zstd"));
        HeaderView curl = normalisedEncoding(StoredHeaders.of("Accept-Encoding", "br;q=1, gzip;q=0.5"));

        assertThat(VaryKey.secondaryKey(response, chrome)).isEqualTo(VaryKey.secondaryKey(response, curl)).isEqualTo("accept-encoding=br");
    }

    /** What the data plane does: Accept-Encoding reads as the coding it would choose. */
    private static HeaderView normalisedEncoding(HeaderView request) {
        return name -> name.equalsIgnoreCase("Accept-Encoding")
                ? List.of(request.first(name).contains("br") ? "br" : "identity") : request.all(name);
    }
}
