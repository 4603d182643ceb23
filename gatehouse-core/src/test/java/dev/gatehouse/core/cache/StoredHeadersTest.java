package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

final class StoredHeadersTest {

    private final StoredHeaders h = StoredHeaders.of("Content-Type", "text/html", "Vary", "Accept", "vary", "Accept-Language");

    @Test
    void all_matchesNamesCaseInsensitively_inOrder() {
        assertThat(h.all("VARY")).containsExactly("Accept", "Accept-Language");
        assertThat(h.first("content-type")).isEqualTo("text/html");
        assertThat(h.has("ETag")).isFalse();
        assertThat(h.all("ETag")).isEmpty();
    }

    @Test
    void all_foldsOnlyAsciiLetters() {
        // U+212A KELVIN SIGN lower-cases to 'k' in Java, but no client reads it as a 'k'.
        StoredHeaders kelvin = StoredHeaders.of("Set-Coo\u212Aie", "a=b");

        assertThat(kelvin.has("Set-Cookie")).isFalse();
        assertThat(kelvin.has("set-coo\u212Aie")).isTrue();
    }

    @Test
    void all_returnsAnUnmodifiableList() {
        assertThatThrownBy(() -> h.all("Vary").add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void with_appends_withoutRemovesEveryLineOfAName() {
        StoredHeaders more = h.with("ETag", "\"x\"");
        StoredHeaders less = more.without("VARY");

        assertThat(more.size()).isEqualTo(4);
        assertThat(h.size()).isEqualTo(3);
        assertThat(less).isEqualTo(StoredHeaders.of("Content-Type", "text/html", "ETag", "\"x\""));
        assertThat(h.without("X-None")).isSameAs(h);
    }

    @Test
    void iteration_givesTheLinesAsReceived() {
        List<String> seen = new ArrayList<>();
        for (Map.Entry<String, String> e : h) {
            seen.add(e.getKey() + "=" + e.getValue());
        }
        assertThat(seen).containsExactly("Content-Type=text/html", "Vary=Accept", "vary=Accept-Language");

        Iterator<Map.Entry<String, String>> it = StoredHeaders.EMPTY.iterator();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void copyOf_takesAnyIterableOfEntries() {
        StoredHeaders copy = StoredHeaders.copyOf(List.of(Map.entry("A", "1"), Map.entry("a", "2")));

        assertThat(copy.all("a")).containsExactly("1", "2");
        assertThat(StoredHeaders.copyOf(h)).isSameAs(h);
    }

    @Test
    void of_refusesOddCountsAndNulls() {
        assertThatThrownBy(() -> StoredHeaders.of("A")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredHeaders.of("A", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> h.with(null, "x")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void of_copiesItsArray() {
        String[] lines = {"A", "1"};
        StoredHeaders s = StoredHeaders.of(lines);
        lines[1] = "2";

        assertThat(s.first("A")).isEqualTo("1");
    }

    @Test
    void equalsHashCodeAndToString() {
        assertThat(StoredHeaders.of("A", "1")).isEqualTo(StoredHeaders.of("A", "1")).hasSameHashCodeAs(StoredHeaders.of("A", "1"));
        assertThat(StoredHeaders.of("A", "1")).isNotEqualTo(StoredHeaders.of("a", "1"));
        assertThat(StoredHeaders.of("A", "1", "B", "2")).hasToString("A: 1\nB: 2\n");
    }
}
