package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration and size grammars of the config file.
 *
 * <ul>
 *   <li>duration: digits and a unit {@code ms}, {@code s}, {@code m} or {@code h} ({@code 250ms},
 *       {@code 10s}); bare digits are seconds. Lower case only: {@code M} could be read as months.
 *   <li>size: digits and an optional binary unit {@code k}/{@code kb}/{@code kib},
 *       {@code m}/{@code mb}/{@code mib}, {@code g}/{@code gb}/{@code gib}, any case ({@code 8k} =
 *       {@code 8KiB} = 8192); bare digits are bytes.
 * </ul>
 *
 * <p>Public for the admin API, whose durations ({@code "deadline": "30s"}) read the same way.
 */
public final class Units {

    /** The longest timeout we accept: longer ones are almost certainly a unit mistake. */
    static final Duration MAX_DURATION = Duration.ofHours(24);

    /** What a duration looks like, for the {@code (expected: ...)} part of a message. */
    public static final String DURATION_EXPECTED = "a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h";
    static final String DURATION_OR_ZERO_EXPECTED = "0 for off, or " + DURATION_EXPECTED;
    static final String SIZE_EXPECTED = "a size such as 8192, 8k, 32kb, 1m or 2g";

    // At most 12 digits: enough for any valid value, and no overflow before the range check.
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,12})(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})([kmg]i?b?)?");

    private Units() {
    }

    /**
     * Parses a duration.
     *
     * @return the duration, or {@code null} when the text is not a duration from 1 ms to 24 h
     */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new AssertionError(unit);
        };
        return d.isZero() || d.compareTo(MAX_DURATION) > 0 ? null : d;
    }

    /**
     * Parses a duration that may be zero ({@code 0}, {@code 0s}, {@code 0ms}...), for the settings
     * where zero means off.
     *
     * @return the duration, or {@code null} when the text is neither zero nor a duration from 1 ms to 24 h
     */
    static Duration parseDurationOrZero(String text) {
        Matcher m = DURATION.matcher(text);
        if (m.matches() && Long.parseLong(m.group(1)) == 0) {
            return Duration.ZERO;
        }
        return parseDuration(text);
    }

    /**
     * Parses a size in bytes.
     *
     * @return the size, or {@code null} when the text is not a size or does not fit in a {@code long}
     */
    static Long parseSize(String text) {
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        try {
            long n = Long.parseLong(m.group(1));
            int shift = m.group(2) == null ? 0 : switch (m.group(2).charAt(0)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                default -> throw new AssertionError(m.group(2));
            };
            return Math.multiplyExact(n, 1L << shift);
        } catch (ArithmeticException | NumberFormatException e) {
            return null; // past Long.MAX_VALUE bytes: not a size anyone means
        }
    }

    /** Formats a byte count for messages, in the largest binary unit that divides it: {@code 1 MiB}. */
    static String formatSize(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
