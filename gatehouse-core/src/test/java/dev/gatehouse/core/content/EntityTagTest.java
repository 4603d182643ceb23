package dev.gatehouse.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class EntityTagTest {

    private static final EntityTag STRONG_A = EntityTag.strong("a");
    private static final EntityTag WEAK_A = new EntityTag(true, "a");

    @Test
    void parse_readsStrongAndWeakTags() {
        assertThat(EntityTag.parse("\"xyzzy\"")).isEqualTo(new EntityTag(false, "xyzzy"));
        assertThat(EntityTag.parse("W/\"xyzzy\"")).isEqualTo(new EntityTag(true, "xyzzy"));
        assertThat(EntityTag.parse("\"\"")).isEqualTo(new EntityTag(false, ""));
        assertThat(EntityTag.parse(" \t\"a\"\t ")).isEqualTo(STRONG_A);
    }

    @Test
    void parse_acceptsEveryEtagcCharacter_includingObsText() {
        // etagc = %x21 / %x23-7E / obs-text: '!' and everything but '"' up to '~', and Latin-1 bytes.
        assertThat(EntityTag.parse("\"!#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~\"").opaque())
                .isEqualTo("!#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~");
        assertThat(EntityTag.parse("\"caf\u00e9\u00ff\u0080\"").opaque()).isEqualTo("caf\u00e9\u00ff\u0080");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "xyzzy", "\"abc", "abc\"", "w/\"a\"", "W\"a\"", "W/ \"a\"", "W/a", "'a'",
            "\"a\"b", "\"a\" \"b\"", "\"a\",\"b\"", "*", "\"a b\"", "\"a\tb\"", "\"a\u007fb\"", "\"a\u0000b\"",
            "\"a\u0100b\"", "\"\u20ac\"", "\"a\"\"", "W/W/\"a\""})
    void parse_returnsNullForWhatIsNotOneEntityTag(String text) {
        assertThat(EntityTag.parse(text)).isNull();
    }

    @Test
    void parse_returnsNullForNullAndForOverlongInput() {
        assertThat(EntityTag.parse(null)).isNull();
        assertThat(EntityTag.parse('"' + "a".repeat(EntityTag.MAX_TAG_LENGTH - 2) + '"')).isNotNull();
        assertThat(EntityTag.parse('"' + "a".repeat(EntityTag.MAX_TAG_LENGTH - 1) + '"')).isNull();
    }

    @Test
    void toString_isTheWireForm_andParsesBack() {
        assertThat(STRONG_A).hasToString("\"a\"");
        assertThat(WEAK_A).hasToString("W/\"a\"");
        assertThat(EntityTag.parse(WEAK_A.toString())).isEqualTo(WEAK_A);
        assertThat(EntityTag.parse(new EntityTag(false, "").toString())).isEqualTo(new EntityTag(false, ""));
    }

    @Test
    void constructor_refusesCharactersThatWouldBreakTheWireForm() {
        assertThatThrownBy(() -> EntityTag.strong("a\"b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EntityTag.strong("a\r\nSet-Cookie: x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EntityTag.strong("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EntityTag(false, null)).isInstanceOf(NullPointerException.class);
    }

    /** RFC 9110 §8.8.3.2's table. */
    @ParameterizedTest(name = "{0} vs {1}: strong {2}, weak {3}")
    @CsvSource(delimiter = '|', value = {
            "W/\"1\" | W/\"1\" | false | true",
            "W/\"1\" | W/\"2\" | false | false",
            "W/\"1\" | \"1\"   | false | true",
            "\"1\"   | \"1\"   | true  | true",
            "\"1\"   | \"2\"   | false | false",
    })
    void comparison_followsTheRfcTable(String a, String b, boolean strong, boolean weak) {
        EntityTag x = EntityTag.parse(a);
        EntityTag y = EntityTag.parse(b);

        assertThat(x.strongMatch(y)).isEqualTo(strong);
        assertThat(y.strongMatch(x)).isEqualTo(strong);
        assertThat(x.weakMatch(y)).isEqualTo(weak);
        assertThat(y.weakMatch(x)).isEqualTo(weak);
    }

    @Test
    void comparison_isCaseSensitive_andFalseAgainstNull() {
        assertThat(EntityTag.strong("abc").strongMatch(EntityTag.strong("ABC"))).isFalse();
        assertThat(EntityTag.strong("abc").weakMatch(EntityTag.strong("ABC"))).isFalse();
        assertThat(STRONG_A.strongMatch(null)).isFalse();
        assertThat(STRONG_A.weakMatch(null)).isFalse();
    }

    @Test
    void weakened_marksTheTagWeak() {
        assertThat(STRONG_A.weakened()).isEqualTo(WEAK_A);
        assertThat(WEAK_A.weakened()).isSameAs(WEAK_A);
        assertThat(STRONG_A.weakened().strongMatch(STRONG_A)).isFalse();
        assertThat(STRONG_A.weakened().weakMatch(STRONG_A)).isTrue();
    }

    @Test
    void parseList_readsTagsInOrder_withOwsAndEmptyElements() {
        assertThat(EntityTag.parseList("\"a\", W/\"b\",\"c\"")).containsExactly(STRONG_A, new EntityTag(true, "b"), EntityTag.strong("c"));
        assertThat(EntityTag.parseList(" , \"a\" ,, \t,W/\"a\" , ")).containsExactly(STRONG_A, WEAK_A);
        assertThat(EntityTag.parseList("\"a\"")).containsExactly(STRONG_A);
    }

    @Test
    void parseList_keepsCommasInsideATag() {
        assertThat(EntityTag.parseList("\"a,b\", \"c\"")).containsExactly(EntityTag.strong("a,b"), EntityTag.strong("c"));
    }

    @Test
    void parseList_ofNoElements_isAnEmptyList() {
        assertThat(EntityTag.parseList("")).isEmpty();
        assertThat(EntityTag.parseList(" , ,")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "\"a\", *", "*, \"a\"", "a", "\"a\" \"b\"", "\"a\"\"b\"", "\"a\";\"b\"", "\"a", "\"a\", b",
            "W/", "\"a\",W/ \"b\"", "\"a\" x"})
    void parseList_returnsNullForAMalformedList(String value) {
        assertThat(EntityTag.parseList(value)).isNull();
    }

    @Test
    void parseList_boundsTheNumberOfTagsAndTheLength() {
        String max = String.join(", ", java.util.Collections.nCopies(EntityTag.MAX_LIST_TAGS, "\"x\""));

        assertThat(EntityTag.parseList(max)).hasSize(EntityTag.MAX_LIST_TAGS);
        assertThat(EntityTag.parseList(max + ", \"y\"")).isNull();
        assertThat(EntityTag.parseList('"' + "a".repeat(EntityTag.MAX_LIST_LENGTH) + '"')).isNull();
        assertThat(EntityTag.parseList(null)).isNull();
    }

    @Test
    void isAny_isTheWildcardAlone() {
        assertThat(EntityTag.isAny("*")).isTrue();
        assertThat(EntityTag.isAny(" * ")).isTrue();
        assertThat(EntityTag.isAny("*, *")).isFalse();
        assertThat(EntityTag.isAny("\"*\"")).isFalse();
        assertThat(EntityTag.isAny("")).isFalse();
        assertThat(EntityTag.isAny(null)).isFalse();
        assertThat(EntityTag.parseList("\"*\"")).containsExactly(EntityTag.strong("*"));
    }

    @Test
    void parseList_resultIsImmutable() {
        List<EntityTag> tags = EntityTag.parseList("\"a\"");

        assertThatThrownBy(() -> tags.add(STRONG_A)).isInstanceOf(UnsupportedOperationException.class);
    }
}
