package dev.gatehouse.core.trace;

/**
 * Checks a W3C {@code tracestate} value (Trace Context Level 1, §3.3) before it is passed on.
 * Stateless.
 *
 * <p>A value passes when it is a list of at most {@value #MAX_MEMBERS} {@code key=value} members
 * separated by commas, with optional spaces and tabs around each, and empty members allowed
 * (§3.3.1.2); every key as §3.3.1.3.1 spells it (a simple key of up to 256 characters, or
 * {@code tenant@system} of up to 241 and 14), every value up to 256 printable ASCII characters
 * without {@code ,} or {@code =} and not ending in a space (§3.3.1.3.2), and no key twice
 * (§3.3.1.4). The node never edits a tracestate: it passes it on whole, or drops it whole. So the
 * size of what is passed on is bounded by the spec's limits (32 members of at most 513 characters),
 * not by truncation.
 */
public final class TraceState {

    /** The most list-members a tracestate may hold (§3.3.1.2). */
    public static final int MAX_MEMBERS = 32;

    private static final int MAX_SIMPLE_KEY = 256;
    private static final int MAX_TENANT = 241;
    private static final int MAX_SYSTEM = 14;
    private static final int MAX_VALUE = 256;

    private TraceState() {
    }

    /**
     * Whether {@code combined} may be passed on.
     *
     * @param combined the tracestate fields of one request joined with {@code ,} (RFC 9110 §5.3);
     *                 empty counts as valid (§3.3.1.2: an empty header is accepted)
     */
    public static boolean isValid(String combined) {
        // Start and end of each member's key, to find a repeated key without allocating per member.
        int[] keys = null;
        int members = 0;
        int n = combined.length();
        int i = 0;
        while (true) {
            i = skipOws(combined, i);
            if (i == n) {
                return true;
            }
            if (combined.charAt(i) == ',') {
                i++;
                continue;
            }
            int keyStart = i;
            int keyEnd = key(combined, i);
            if (keyEnd < 0 || keyEnd == n || combined.charAt(keyEnd) != '=') {
                return false;
            }
            int valueEnd = value(combined, keyEnd + 1);
            if (valueEnd < 0) {
                return false;
            }
            i = skipOws(combined, valueEnd);
            if (i < n && combined.charAt(i) != ',') {
                return false;
            }
            if (members == MAX_MEMBERS) {
                return false;
            }
            if (keys == null) {
                keys = new int[2 * MAX_MEMBERS];
            }
            for (int m = 0; m < members; m++) {
                int s = keys[2 * m];
                int len = keys[2 * m + 1] - s;
                if (len == keyEnd - keyStart && combined.regionMatches(s, combined, keyStart, len)) {
                    return false;
                }
            }
            keys[2 * members] = keyStart;
            keys[2 * members + 1] = keyEnd;
            members++;
        }
    }

    /**
     * The end of the key starting at {@code at}, or -1 when there is none there. A key is
     * {@code lcalpha 0*255(keychar)}, or {@code (lcalpha / DIGIT) 0*240(keychar) "@" lcalpha 0*13(keychar)}.
     */
    private static int key(String s, int at) {
        int end = keyChars(s, at);
        int first = s.charAt(at);
        if (end == at) {
            return -1;
        }
        if (end < s.length() && s.charAt(end) == '@') {
            int systemEnd = keyChars(s, end + 1);
            boolean tenantOk = end - at <= MAX_TENANT && (isLcAlpha(first) || isDigit(first));
            boolean systemOk = systemEnd > end + 1 && systemEnd - end - 1 <= MAX_SYSTEM && isLcAlpha(s.charAt(end + 1));
            return tenantOk && systemOk ? systemEnd : -1;
        }
        return end - at <= MAX_SIMPLE_KEY && isLcAlpha(first) ? end : -1;
    }

    /** The end of a run of {@code keychar}s ({@code a-z 0-9 _ - * /}) from {@code at}. */
    private static int keyChars(String s, int at) {
        int i = at;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (!(isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '*' || c == '/')) {
                break;
            }
            i++;
        }
        return i;
    }

    /**
     * The end of the value starting at {@code at} (its trailing spaces excluded, as optional
     * whitespace), or -1 when it is empty, too long, or holds a character a value may not.
     */
    private static int value(String s, int at) {
        int i = at;
        int lastNonBlank = -1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ',' || c == '\t') {
                break;
            }
            if (c < 0x20 || c > 0x7e || c == '=') {
                return -1;
            }
            if (c != ' ') {
                lastNonBlank = i;
            }
            i++;
        }
        if (lastNonBlank < 0 || lastNonBlank + 1 - at > MAX_VALUE) {
            return -1;
        }
        return lastNonBlank + 1;
    }

    private static int skipOws(String s, int at) {
        int i = at;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isLcAlpha(int c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
