package dev.gatehouse.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class HttpDatesTest {

    /** 1994-11-06T08:49:37Z, the RFC's example. */
    private static final long RFC_EXAMPLE = 784_111_777L;
    /** 2025-06-15T12:00:00Z. */
    private static final long NOW = epoch(2025, 6, 15, 12, 0, 0);

    private static long epoch(int y, int mo, int d, int h, int mi, int s) {
        return LocalDateTime.of(y, mo, d, h, mi, s).toEpochSecond(ZoneOffset.UTC);
    }

    private static long parse(String s) {
        return HttpDates.parse(s, NOW);
    }

    @Test
    void format_writesImfFixdate() {
        assertThat(HttpDates.format(RFC_EXAMPLE)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDates.format(0)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(HttpDates.format(epoch(2024, 2, 29, 23, 59, 59))).isEqualTo("Thu, 29 Feb 2024 23:59:59 GMT");
        assertThat(HttpDates.format(-1)).isEqualTo("Wed, 31 Dec 1969 23:59:59 GMT");
    }

    @Test
    void format_coversFourDigitYears_andRefusesOthers() {
        assertThat(HttpDates.format(HttpDates.MIN_FORMATTABLE)).isEqualTo("Mon, 01 Jan 0001 00:00:00 GMT");
        assertThat(HttpDates.format(HttpDates.MAX_FORMATTABLE)).isEqualTo("Fri, 31 Dec 9999 23:59:59 GMT");
        assertThatThrownBy(() -> HttpDates.format(HttpDates.MAX_FORMATTABLE + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpDates.format(HttpDates.MIN_FORMATTABLE - 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parse_readsTheThreeForms() {
        assertThat(parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(RFC_EXAMPLE);
        assertThat(parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(RFC_EXAMPLE);
        assertThat(parse("Sun Nov  6 08:49:37 1994")).isEqualTo(RFC_EXAMPLE);
        assertThat(parse("Sun Nov 06 08:49:37 1994")).isEqualTo(RFC_EXAMPLE);
        assertThat(parse("Wed Nov 16 08:49:37 1994")).isEqualTo(RFC_EXAMPLE + 10 * 86_400);
    }

    @Test
    void parse_invertsFormat() {
        for (long t : new long[] {0, RFC_EXAMPLE, NOW, -86_400L * 365 * 1000, HttpDates.MIN_FORMATTABLE, HttpDates.MAX_FORMATTABLE}) {
            assertThat(parse(HttpDates.format(t))).isEqualTo(t);
        }
    }

    @Test
    void parse_allowsSurroundingOws() {
        assertThat(parse(" \tSun, 06 Nov 1994 08:49:37 GMT\t ")).isEqualTo(RFC_EXAMPLE);
    }

    @Test
    void parse_acceptsAnyDayName_sinceItCarriesNoInformation() {
        assertThat(parse("Mon, 06 Nov 1994 08:49:37 GMT")).isEqualTo(RFC_EXAMPLE);
    }

    @Test
    void parse_readsALeapSecondAsTheSecondBefore() {
        assertThat(parse("Sat, 31 Dec 2016 23:59:60 GMT")).isEqualTo(epoch(2016, 12, 31, 23, 59, 59));
    }

    @Test
    void parse_twoDigitYears_areTheLatestNotMoreThan50YearsAhead() {
        // Now is mid-2025, so the limit is mid-2075.
        assertThat(parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(RFC_EXAMPLE);
        // Not 1970: 2070 is less than 50 years ahead.
        assertThat(parse("Thursday, 01-Jan-70 00:00:00 GMT")).isEqualTo(epoch(2070, 1, 1, 0, 0, 0));
        assertThat(parse("Saturday, 01-Jan-00 00:00:00 GMT")).isEqualTo(epoch(2000, 1, 1, 0, 0, 0));
        assertThat(parse("Friday, 15-Jun-40 00:00:00 GMT")).isEqualTo(epoch(2040, 6, 15, 0, 0, 0));
        assertThat(parse("Saturday, 15-Jun-75 11:59:59 GMT")).isEqualTo(epoch(2075, 6, 15, 11, 59, 59));
        assertThat(parse("Saturday, 15-Jun-75 12:00:01 GMT")).isEqualTo(epoch(1975, 6, 15, 12, 0, 1));
        assertThat(parse("Monday, 01-Jan-76 00:00:00 GMT")).isEqualTo(epoch(1976, 1, 1, 0, 0, 0));
        assertThat(parse("Wednesday, 31-Dec-99 23:59:59 GMT")).isEqualTo(epoch(1999, 12, 31, 23, 59, 59));
    }

    @Test
    void parse_twoDigitYears_followNow() {
        long in2090 = epoch(2090, 1, 1, 0, 0, 0);

        assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT", in2090)).isEqualTo(epoch(2094, 11, 6, 8, 49, 37));
        assertThat(HttpDates.parse("Saturday, 01-Jan-50 00:00:00 GMT", in2090)).isEqualTo(epoch(2050, 1, 1, 0, 0, 0));
        // 2100 is no leap year, so 29 Feb of a year ending in 00 near it is the one in 2000.
        assertThat(HttpDates.parse("Tuesday, 29-Feb-00 00:00:00 GMT", in2090)).isEqualTo(epoch(2000, 2, 29, 0, 0, 0));
    }

    @Test
    void parse_twoDigitYears_withAnAbsurdNow_stillAnswers() {
        assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT", Long.MIN_VALUE)).isNotEqualTo(HttpDates.INVALID);
        assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT", Long.MAX_VALUE)).isNotEqualTo(HttpDates.INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "   ",
            "yesterday",
            "0",
            "784111777",
            // IMF-fixdate, each with one thing wrong
            "sun, 06 Nov 1994 08:49:37 GMT",
            "SUN, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 gmt",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 +0000",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun,  6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08.49.37 GMT",
            "Sun, 06  Nov 1994 08:49:37 GMT",
            "Sun,06 Nov 1994 08:49:37 GMT ",
            "Sun, 06 Nov 1994 08:49:37 GMT x",
            "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Xyz 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:61 GMT",
            "Sun, 06 Nov 199x 08:49:37 GMT",
            "Sun, -6 Nov 1994 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Sun, \u0660\u0666 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37\tGMT",
            "Sun, 06-Nov-1994 08:49:37 GMT",
            // RFC 850, each with one thing wrong
            "Sun, 06-Nov-94 08:49:37 GMT",
            "sunday, 06-Nov-94 08:49:37 GMT",
            "Sundays, 06-Nov-94 08:49:37 GMT",
            "Sunday 06-Nov-94 08:49:37 GMT",
            "Sunday, 06 Nov 94 08:49:37 GMT",
            "Sunday, 6-Nov-94 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sunday, 06-nov-94 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 UTC",
            "Sunday, 31-Apr-94 08:49:37 GMT",
            "Sunday, 06-Nov-9x 08:49:37 GMT",
            "Sunday,, 06-Nov-94 08:49:37 GMT",
            // asctime, each with one thing wrong
            "Sun Nov 6 08:49:37 1994",
            "Sun Nov   6 08:49:37 1994",
            "Sun Nov  6 08:49:37 94",
            "Sun Nov  6 08:49:37 1994 GMT",
            "sun Nov  6 08:49:37 1994",
            "Sun NOV  6 08:49:37 1994",
            "Sun Nov  0 08:49:37 1994",
            "Sun Nov 31 08:49:37 1994",
            "Sun Nov  x 08:49:37 1994",
            "Sun Nov  6 08:49:37 199x",
            "Sun,Nov  6 08:49:37 1994",
            "Sun Nov  6 25:49:37 1994",
            // ISO 8601 and friends are not HTTP-dates
            "1994-11-06T08:49:37Z",
            "1994-11-06 08:49:37",
    })
    void parse_refusesWhatIsNotAnHttpDate(String text) {
        assertThat(parse(text)).isEqualTo(HttpDates.INVALID);
    }

    @Test
    void parse_refusesNullAndOverlongInput() {
        assertThat(parse(null)).isEqualTo(HttpDates.INVALID);
        assertThat(parse(" ".repeat(100) + "Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(HttpDates.INVALID);
        assertThat(parse("x".repeat(1_000_000))).isEqualTo(HttpDates.INVALID);
    }
}
