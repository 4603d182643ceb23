package dev.gatehouse.core.cache;

import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * HTTP-date (RFC 9110 §5.6.7) as epoch seconds, for {@code Date}, {@code Expires},
 * {@code Last-Modified} and {@code If-Modified-Since}.
 *
 * <p>Reads the three forms a recipient must accept: IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37
 * GMT}), the obsolete RFC 850 form ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime
 * ({@code Sun Nov  6 08:49:37 1994}). The grammar is case-sensitive and so is this parser; the
 * day name must be one of the seven but is not checked against the date, since it adds nothing.
 * Anything else, including an impossible date (30 Feb) or time (24:00:00), is invalid. A leap
 * second (:60) is accepted and counts as the next second.
 *
 * <p>RFC 850's two-digit year is read as 1970-2069: years 70-99 are 19xx, 00-69 are 20xx. §5.6.7
 * asks for "the most recent year in the past with the same digits unless that is more than 50
 * years in the future", which needs the current year; the fixed window gives the same answer for
 * every date up to now except 2070-2075, and a sender that still uses the 1990s form in the 2070s
 * is not expected.
 *
 * <p>Package-private stand-in until {@code dev.gatehouse.core.content.HttpDates} is merged; same
 * contract ({@link #INVALID} is {@link Long#MIN_VALUE}).
 */
final class HttpDate {

    /** What {@link #parse} returns for a value that is not an HTTP-date. */
    static final long INVALID = Long.MIN_VALUE;

    private static final int MAX_LENGTH = 64;
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] LONG_DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private HttpDate() {
    }

    /**
     * The epoch seconds of an HTTP-date in any of its three forms, with surrounding SP and HTAB
     * ignored; {@link #INVALID} for anything else, including null.
     */
    static long parse(String value) {
        if (value == null || value.length() > MAX_LENGTH) {
            return INVALID;
        }
        String s = Ascii.trimOws(value);
        if (s.length() > 3 && s.charAt(3) == ',') {
            return imfFixdate(s);
        }
        int comma = s.indexOf(',');
        return comma >= 0 ? rfc850(s, comma) : asctime(s);
    }

    /** Whether {@code value} is an IMF-fixdate exactly as a sender must generate it. */
    static boolean isImfFixdate(String value) {
        return value != null && value.length() == 29 && imfFixdate(value) != INVALID;
    }

    /**
     * {@code epochSeconds} as an IMF-fixdate; null when its year is outside 0000-9999, which the
     * format cannot write.
     */
    static String format(long epochSeconds) {
        // Year 0000-01-01 and 9999-12-31T23:59:59 in epoch seconds.
        if (epochSeconds < -62167219200L || epochSeconds > 253402300799L) {
            return null;
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(29);
        b.append(DAYS[t.getDayOfWeek().getValue() - 1]).append(", ");
        two(b, t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ');
        int year = t.getYear();
        two(b, year / 100);
        two(b, year % 100).append(' ');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append(" GMT");
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int n) {
        return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    // Sun, 06 Nov 1994 08:49:37 GMT
    private static long imfFixdate(String s) {
        if (s.length() != 29 || indexOf(DAYS, s.substring(0, 3)) < 0 || !s.startsWith(", ", 3)
                || s.charAt(7) != ' ' || s.charAt(11) != ' ' || s.charAt(16) != ' ' || !s.startsWith(" GMT", 25)) {
            return INVALID;
        }
        return epoch(digits(s, 12, 4), month(s, 8), digits(s, 5, 2), s, 17);
    }

    // Sunday, 06-Nov-94 08:49:37 GMT
    private static long rfc850(String s, int comma) {
        int d = comma + 2;
        if (indexOf(LONG_DAYS, s.substring(0, comma)) < 0 || s.length() != d + 22 || s.charAt(comma + 1) != ' '
                || s.charAt(d + 2) != '-' || s.charAt(d + 6) != '-' || s.charAt(d + 9) != ' ' || !s.startsWith(" GMT", d + 18)) {
            return INVALID;
        }
        int yy = digits(s, d + 7, 2);
        int year = yy < 0 ? -1 : yy < 70 ? 2000 + yy : 1900 + yy;
        return epoch(year, month(s, d + 3), digits(s, d, 2), s, d + 10);
    }

    // Sun Nov  6 08:49:37 1994
    private static long asctime(String s) {
        if (s.length() != 24 || indexOf(DAYS, s.substring(0, 3)) < 0 || s.charAt(3) != ' ' || s.charAt(7) != ' '
                || s.charAt(10) != ' ' || s.charAt(19) != ' ') {
            return INVALID;
        }
        int day = s.charAt(8) == ' ' ? digits(s, 9, 1) : digits(s, 8, 2);
        return epoch(digits(s, 20, 4), month(s, 4), day, s, 11);
    }

    /** The date at {@code year-month-day} and the {@code HH:MM:SS} at {@code timeAt}; INVALID when any part is. */
    private static long epoch(int year, int month, int day, String s, int timeAt) {
        if (year < 0 || month < 1 || day < 1 || s.charAt(timeAt + 2) != ':' || s.charAt(timeAt + 5) != ':') {
            return INVALID;
        }
        int hour = digits(s, timeAt, 2);
        int minute = digits(s, timeAt + 3, 2);
        int second = digits(s, timeAt + 6, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60
                || !YearMonth.of(year, month).isValidDay(day)) {
            return INVALID;
        }
        return YearMonth.of(year, month).atDay(day).toEpochDay() * 86400L + hour * 3600L + minute * 60L + second;
    }

    private static int month(String s, int at) {
        return indexOf(MONTHS, s.substring(at, at + 3)) + 1;
    }

    /** The {@code n} ASCII digits at {@code at} as a number; -1 when any is not a digit. */
    private static int digits(String s, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
