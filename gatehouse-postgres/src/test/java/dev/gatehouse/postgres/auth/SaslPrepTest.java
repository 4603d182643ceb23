package dev.gatehouse.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SASLprep as PostgreSQL applies it: the RFC 4013 examples, and the fallback to the raw bytes
 * wherever pg_saslprep gives up. ScramAgainstPostgresIT checks the same passwords against a real
 * server's stored secrets.
 */
class SaslPrepTest {

    static Stream<Arguments> prepared() {
        return Stream.of(
                arguments("I\u00ADX", "IX", "soft hyphen mapped to nothing (RFC 4013 example)"),
                arguments("user", "user", "unchanged (RFC 4013 example)"),
                arguments("USER", "USER", "case is kept (RFC 4013 example)"),
                arguments("\u00AA", "a", "NFKC of the feminine ordinal (RFC 4013 example)"),
                arguments("\u2168", "IX", "NFKC of roman numeral nine (RFC 4013 example)"),
                arguments("\uFF50\uFF41\uFF53\uFF53", "pass", "NFKC of fullwidth letters"),
                arguments("a\u00A0b\u3000c\u200B", "a b c ", "non-ASCII spaces become U+0020 (U+200B too: PostgreSQL maps C.1.2 before B.1)"),
                arguments("caf\u0065\u0301", "caf\u00E9", "NFKC composes"),
                arguments("\u05D0\u05D1", "\u05D0\u05D1", "right-to-left only"));
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                arguments("\uFF46\uE000", "a private use character (C.3) is prohibited"),
                arguments("\uFF46\u200E", "a left-to-right mark (C.8) is prohibited"),
                arguments("\uFF46\uD83D\uDE00", "an emoji is unassigned in Unicode 3.2 (A.1)"),
                arguments("\u05D0\uFF41", "right-to-left with a left-to-right letter"),
                arguments("\u0627\u0031", "right-to-left not ending with one (RFC 4013 example)"),
                arguments("\u00AD\u034F\uFEFF", "nothing left after mapping"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("prepared")
    void prepares(String input, String expected, String what) {
        assertThat(SaslPrep.prepare(input)).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("rejected")
    void fallsBackToTheRawBytesWhenSaslPrepRejects(String input, String why) {
        assertThat(SaslPrep.saslPrep(input)).as(why).isNull();
        assertThat(SaslPrep.prepare(input)).isEqualTo(input.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void asciiIsUsedAsIsEvenWithControlCharacters() {
        // RFC 4013 prohibits U+0007; PostgreSQL skips SASLprep for pure ASCII, and so must we.
        assertThat(SaslPrep.saslPrep("a\u0007b")).isNull();
        assertThat(SaslPrep.prepare("a\u0007b")).containsExactly('a', 7, 'b');
    }

    @Test
    void invalidUtf8IsUsedAsIs() {
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xE9}; // "café" in Latin-1
        assertThat(SaslPrep.prepare(latin1)).isEqualTo(latin1);
        byte[] overlong = {'a', (byte) 0xC0, (byte) 0xAF};
        assertThat(SaslPrep.prepare(overlong)).isEqualTo(overlong);
    }
}
