package dev.gatehouse.core.content;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneOffset;
import java.time.Year;

/**
 * HTTP-date (RFC 9110 §5.6.7): formats the preferred IMF-fixdate, parses it and the two obsolete
 * forms that recipients must still accept.
 *
 * <p>Parsing is strict about the layout: fixed widths, single spaces, names in the exact case of
 * the grammar ({@code %s"Sun"}, {@code %s"Nov"}, {@code %s"GMT"}), ASCII digits, a real calendar
 * date and a time of day in range. Two liberties, both harmless: the day name is checked to be a
 * day name but not against the date (it carries no information, §5.6.7), and a leap second
 * ({@code :60}, which the grammar allows) is read as {@code :59}, since epoch seconds have no leap
 * seconds. Leading and trailing OWS is allowed. Nothing throws on client input: an unparseable
 * value is {@link #INVALID}.
 *
 * <p>Names and layout are written out here rather than taken from a locale-dependent
 * {@code DateTimeFormatter}, whose day and month names could differ by locale data.
 */
public final class HttpDates {

    /** What {@link #parse} returns for a value that is not an HTTP-date. */
    public static final long INVALID = Long.MIN_VALUE;

    /** The earliest instant {@link #format} writes: 0001-01-01T00:00:00Z (the year has four digits). */
    public static final long MIN_FORMATTABLE = LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);

    /** The latest instant {@link #format} writes: 9999-12-31T23:59:59Z. */
    public static final long MAX_FORMATTABLE = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);

    /** Longer than any of the three forms with generous OWS: the parser reads no further. */
    private static final int MAX_LENGTH = 64;

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] DAYS_LONG = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private HttpDates() {
    }

    /**
     * Formats an instant as IMF-fixdate, such as {@code Sun, 06 Nov 1994 08:49:37 GMT}.
     *
     * @param epochSeconds seconds since 1970-01-01T00:00:00Z
     * @throws IllegalArgumentException outside {@link #MIN_FORMATTABLE}..{@link #MAX_FORMATTABLE},
     *         which a four-digit year cannot name (a server input, such as a file's odd mtime:
     *         check it and leave the field out)
     */
    public static String format(long epochSeconds) {
        if (epochSeconds < MIN_FORMATTABLE || epochSeconds > MAX_FORMATTABLE) {
            throw new IllegalArgumentException("epoch seconds: " + epochSeconds + " (expected: years 0001-9999)");
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(29);
        b.append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
        two(b, t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ');
        two(two(b, t.getYear() / 100), t.getYear() % 100).append(' ');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        return two(b, t.getSecond()).append(" GMT").toString();
    }

    /**
     * Parses an HTTP-date in any of its three forms:
     * IMF-fixdate {@code Sun, 06 Nov 1994 08:49:37 GMT},
     * RFC 850 {@code Sunday, 06-Nov-94 08:49:37 GMT} and
     * asctime {@code Sun Nov  6 08:49:37 1994} (day of month space- or zero-padded; GMT by definition).
     *
     * <p>An RFC 850 year has two digits; as §5.6.7 requires, it names the latest year with those
     * digits that is not more than 50 years after {@code nowEpochSeconds}. That is why this takes
     * the time: core reads no clock of its own.
     *
     * @param text            the value; may be null
     * @param nowEpochSeconds the current time, for RFC 850 years only
     * @return seconds since the epoch, or {@link #INVALID}
     */
    public static long parse(String text, long nowEpochSeconds) {
        if (text == null || text.length() > MAX_LENGTH) {
            return INVALID;
        }
        String s = HttpSyntax.trimOws(text);
        if (s.length() == 29 && s.charAt(3) == ',') {
            return imfFixdate(s);
        }
        if (s.length() == 24 && s.charAt(3) == ' ') {
            return asctime(s);
        }
        return rfc850(s, nowEpochSeconds);
    }

    /** {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    private static long imfFixdate(String s) {
        if (name(s, 0, DAYS) < 0 || !s.startsWith(", ", 3) || s.charAt(7) != ' ' || s.charAt(11) != ' '
                || s.charAt(16) != ' ' || !s.startsWith(" GMT", 25)) {
            return INVALID;
        }
        return instant(number(s, 12, 4), name(s, 8, MONTHS) + 1, number(s, 5, 2), time(s, 17));
    }

    /** {@code Sun Nov  6 08:49:37 1994}. */
    private static long asctime(String s) {
        if (name(s, 0, DAYS) < 0 || s.charAt(7) != ' ' || s.charAt(10) != ' ' || s.charAt(19) != ' ') {
            return INVALID;
        }
        // date3 = month SP ( 2DIGIT / ( SP DIGIT ) )
        int day = s.charAt(8) == ' ' ? number(s, 9, 1) : number(s, 8, 2);
        return instant(number(s, 20, 4), name(s, 4, MONTHS) + 1, day, time(s, 11));
    }

    /** {@code Sunday, 06-Nov-94 08:49:37 GMT}. */
    private static long rfc850(String s, long nowEpochSeconds) {
        int comma = s.indexOf(',');
        if (comma < 0 || !isLongDayName(s.substring(0, comma))) {
            return INVALID;
        }
        String r = s.substring(comma);                     // ", 06-Nov-94 08:49:37 GMT"
        if (r.length() != 24 || !r.startsWith(", ") || r.charAt(4) != '-' || r.charAt(8) != '-'
                || r.charAt(11) != ' ' || !r.startsWith(" GMT", 20)) {
            return INVALID;
        }
        int yy = number(r, 9, 2);
        int month = name(r, 5, MONTHS) + 1;
        int day = number(r, 2, 2);
        int secondOfDay = time(r, 12);
        if (yy < 0 || month == 0 || day < 0 || secondOfDay < 0) {
            return INVALID;
        }
        // The latest year ending in yy that is not more than 50 years in the future (§5.6.7).
        LocalDateTime limit = LocalDateTime.ofEpochSecond(clampNow(nowEpochSeconds), 0, ZoneOffset.UTC).plusYears(50);
        int year = (limit.getYear() / 100) * 100 + yy;
        long t = instant(year, month, day, secondOfDay);
        if (t == INVALID || t > limit.toEpochSecond(ZoneOffset.UTC)) {
            // Later than the limit, or not a date that year (29 Feb): the century before.
            year -= 100;
            t = instant(year, month, day, secondOfDay);
        }
        return t;
    }

    /** Keeps an absurd "now" (before 1970, or near year 9999) from pushing the year out of four digits. */
    private static long clampNow(long now) {
        return Math.max(0, Math.min(now, MAX_FORMATTABLE - 100L * 366 * 86_400));
    }

    /** {@code HH:MM:SS} at {@code i} as the second of the day, or -1. */
    private static int time(String s, int i) {
        if (s.charAt(i + 2) != ':' || s.charAt(i + 5) != ':') {
            return -1;
        }
        int h = number(s, i, 2);
        int m = number(s, i + 3, 2);
        int sec = number(s, i + 6, 2);
        if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) {
            return -1;
        }
        return h * 3600 + m * 60 + Math.min(sec, 59);      // a leap second reads as :59
    }

    /** Epoch seconds of a UTC date and second of day, or {@link #INVALID} when any part is out of range. */
    private static long instant(int year, int month, int day, int secondOfDay) {
        if (year < 0 || month < 1 || day < 1 || secondOfDay < 0
                || day > Month.of(month).length(Year.isLeap(year))) {
            return INVALID;
        }
        return LocalDate.of(year, month, day).toEpochDay() * 86_400 + secondOfDay;
    }

    /** The {@code width} ASCII digits at {@code i} as a number, or -1. */
    private static int number(String s, int i, int width) {
        int n = 0;
        for (int k = i; k < i + width; k++) {
            char c = s.charAt(k);
            if (!HttpSyntax.isDigit(c)) {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** The index of the three-letter name in {@code names} that {@code s} holds at {@code i} (exact case), or -1. */
    private static int name(String s, int i, String[] names) {
        for (int k = 0; k < names.length; k++) {
            if (s.startsWith(names[k], i)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean isLongDayName(String s) {
        for (String d : DAYS_LONG) {
            if (d.equals(s)) {
                return true;
            }
        }
        return false;
    }

    private static StringBuilder two(StringBuilder b, int n) {
        return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }
}
