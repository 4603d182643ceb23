package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class HttpDateTest {

    /** Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example. */
    private static final long EXAMPLE = 784111777L;

    @Test
    void readsTheThreeForms() {
        assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(EXAMPLE);
        assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(EXAMPLE);
        assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994")).isEqualTo(EXAMPLE);
        assertThat(HttpDate.parse("Sun Nov 06 08:49:37 1994")).isEqualTo(EXAMPLE);
    }

    @Test
    void ignoresSurroundingWhitespace() {
        assertThat(HttpDate.parse(" \tSun, 06 Nov 1994 08:49:37 GMT ")).isEqualTo(EXAMPLE);
    }

    @Test
    void twoDigitYears_fallIn1970To2069() {
        assertThat(HttpDate.parse("Thursday, 01-Jan-70 00:00:00 GMT")).isZero();
        assertThat(HttpDate.parse("Friday, 31-Dec-69 23:59:59 GMT")).isEqualTo(HttpDate.parse("Tue, 31 Dec 2069 23:59:59 GMT"));
    }

    @Test
    void theDayNameIsNotCheckedAgainstTheDate() {
        assertThat(HttpDate.parse("Mon, 06 Nov 1994 08:49:37 GMT")).isEqualTo(EXAMPLE);
    }

    @Test
    void aLeapSecond_countsAsTheNextSecond() {
        assertThat(HttpDate.parse("Sat, 31 Dec 2016 23:59:60 GMT")).isEqualTo(HttpDate.parse("Sun, 01 Jan 2017 00:00:00 GMT"));
    }

    @Test
    void theExtremesOfFourDigitYears() {
        assertThat(HttpDate.parse("Sat, 01 Jan 0000 00:00:00 GMT")).isEqualTo(-62167219200L);
        assertThat(HttpDate.parse("Fri, 31 Dec 9999 23:59:59 GMT")).isEqualTo(253402300799L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "-1", "now", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 gmt",
            "sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 29 Feb 1900 00:00:00 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 08:49:61 GMT",
            "Sun, 06 Nov 1994 08:49 GMT", "Sun,  06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ;",
            "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08-49-37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT", "Sundae, 06-Nov-94 08:49:37 GMT", "Sunday 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 94", "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08:49:37 1994 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT\u0000", "Sun, \uFF10\uFF16 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"})
    void refusesAnythingElse(String value) {
        assertThat(HttpDate.parse(value)).isEqualTo(HttpDate.INVALID);
    }

    @Test
    void refusesNullAndOverlongValues() {
        assertThat(HttpDate.parse(null)).isEqualTo(HttpDate.INVALID);
        assertThat(HttpDate.parse(" ".repeat(100) + "Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(HttpDate.INVALID);
    }

    @Test
    void format_writesImfFixdate() {
        assertThat(HttpDate.format(EXAMPLE)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDate.format(0)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(HttpDate.format(-62167219200L)).isEqualTo("Sat, 01 Jan 0000 00:00:00 GMT");
        assertThat(HttpDate.format(253402300799L)).isEqualTo("Fri, 31 Dec 9999 23:59:59 GMT");
    }

    @Test
    void format_refusesYearsItCannotWrite() {
        assertThat(HttpDate.format(253402300800L)).isNull();
        assertThat(HttpDate.format(Long.MIN_VALUE)).isNull();
    }

    @Test
    void formatThenParse_roundTrips() {
        for (long t = -62167219200L; t < 253402300799L; t += 7_777_777_777L / 7) {
            assertThat(HttpDate.parse(HttpDate.format(t))).isEqualTo(t);
        }
    }

    @Test
    void isImfFixdate_onlyForTheExactForm() {
        assertThat(HttpDate.isImfFixdate("Sun, 06 Nov 1994 08:49:37 GMT")).isTrue();
        assertThat(HttpDate.isImfFixdate(" Sun, 06 Nov 1994 08:49:37 GMT")).isFalse();
        assertThat(HttpDate.isImfFixdate("Sunday, 06-Nov-94 08:49:37 GMT")).isFalse();
        assertThat(HttpDate.isImfFixdate(null)).isFalse();
    }
}
